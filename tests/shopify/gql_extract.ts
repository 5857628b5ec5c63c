/**
 * Finds gql`...` documents in TypeScript source without running it. Interpolations are
 * replaced by a placeholder value: plain text inside a GraphQL string, a string literal
 * elsewhere (gql.ts asks authors to interpolate argument values only).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export interface FoundDocument {
  file: string;
  line: number;
  source: string;
}

export function listTsFiles(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const path = join(root, entry);
    if (statSync(path).isDirectory()) out.push(...listTsFiles(path));
    else if (/\.tsx?$/.test(entry) && !entry.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

export function extractGqlDocuments(text: string, file: string): FoundDocument[] {
  const docs: FoundDocument[] = [];
  const tag = /\bgql`/g;
  let match: RegExpExecArray | null;
  while ((match = tag.exec(text))) {
    let i = match.index + match[0].length;
    let source = "";
    let inGraphqlString = false;
    while (i < text.length && text[i] !== "`") {
      const ch = text[i]!;
      if (ch === "\\") {
        source += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (ch === "$" && text[i + 1] === "{") {
        // Skip the expression, balancing braces.
        let depth = 1;
        i += 2;
        while (i < text.length && depth > 0) {
          if (text[i] === "{") depth++;
          else if (text[i] === "}") depth--;
          i++;
        }
        source += inGraphqlString ? "placeholder" : '"placeholder"';
        continue;
      }
      if (ch === '"') inGraphqlString = !inGraphqlString;
      source += ch;
      i++;
    }
    docs.push({ file, line: text.slice(0, match.index).split("\n").length, source });
    tag.lastIndex = i + 1;
  }
  return docs;
}

/** Documents under `root`, and the files that import the gql tag (each must yield documents). */
export function findDocuments(root: string, base: string): { documents: FoundDocument[]; filesImportingGql: string[] } {
  const documents: FoundDocument[] = [];
  const filesImportingGql: string[] = [];
  for (const path of listTsFiles(root)) {
    const text = readFileSync(path, "utf8");
    const rel = relative(base, path);
    if (rel.endsWith("lib/shopify/gql.ts")) continue;
    if (/from\s+["'][^"']*shopify\/gql\.ts["']/.test(text)) filesImportingGql.push(rel);
    documents.push(...extractGqlDocuments(text, rel));
  }
  return { documents, filesImportingGql };
}
