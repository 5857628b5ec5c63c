// Raw apps in the repository (`f/**/<name>__raw_app/`), read the way
// `wmill sync push` reads them: raw_app.yaml, and one runnable per file in
// backend/ (`<id>.<ext>` inline code, `<id>.yaml` for its type and fields).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { listWorkspaceFiles, validateItemPath } from "../runtime/workspace.ts";

export const RAW_APP_SUFFIX = "__raw_app";

export interface RawApp {
  /** Windmill path, e.g. f/console/console. */
  path: string;
  dir: string;
  summary: string;
  executionMode: "publisher" | "viewer";
  /** policy.sandbox: render the bundle in an opaque-origin iframe. */
  sandbox: boolean;
  runnables: Record<string, Runnable>;
}

export type Field = { type: "static"; value: unknown } | { type: "user" } | { type: string; [k: string]: unknown };

export type Runnable =
  | { id: string; type: "inline"; file: string; language: string; fields: Record<string, Field> }
  | { id: string; type: "script" | "flow"; path: string; fields: Record<string, Field> }
  | { id: string; type: "unsupported"; reason: string; fields: Record<string, Field> };

/** Code extensions Windmill knows for backend runnables -> language. */
const LANGUAGES: [ext: string, language: string][] = [
  ["bun.ts", "bun"], ["deno.ts", "deno"], ["fetch.ts", "nativets"], ["ts", "bun"],
  ["pg.sql", "postgresql"], ["my.sql", "mysql"], ["bq.sql", "bigquery"], ["sf.sql", "snowflake"], ["ms.sql", "mssql"],
  ["py", "python3"], ["go", "go"], ["sh", "bash"], ["ps1", "powershell"], ["gql", "graphql"],
  ["php", "php"], ["rs", "rust"], ["cs", "csharp"], ["java", "java"],
];
const LOCAL_LANGUAGES = new Set(["bun", "deno", "nativets"]);

export class UnknownAppError extends Error {
  override name = "UnknownAppError";
  constructor(path: string) {
    super(`no raw app at "${path}" (looked for ${path}${RAW_APP_SUFFIX}/raw_app.yaml)`);
  }
}

/** Paths of every raw app under f/ and u/, sorted. */
export function listApps(root: string): string[] {
  return ["f", "u"]
    .flatMap((top) => listWorkspaceFiles(root, top))
    .filter((f) => f.endsWith(`${RAW_APP_SUFFIX}/raw_app.yaml`))
    .map((f) => f.slice(0, -`${RAW_APP_SUFFIX}/raw_app.yaml`.length))
    .sort();
}

export function loadApp(root: string, path: string): RawApp {
  validateItemPath(path);
  const dir = join(root, path + RAW_APP_SUFFIX);
  const file = join(dir, "raw_app.yaml");
  if (!existsSync(file)) throw new UnknownAppError(path);
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as { summary?: string; policy?: { execution_mode?: string; sandbox?: boolean } };
  return {
    path,
    dir,
    summary: doc.summary ?? "",
    executionMode: doc.policy?.execution_mode === "viewer" ? "viewer" : "publisher",
    sandbox: doc.policy?.sandbox === true,
    runnables: loadRunnables(join(dir, "backend")),
  };
}

function loadRunnables(backend: string): Record<string, Runnable> {
  if (!existsSync(backend)) return {};
  const files = readdirSync(backend, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  const runnables: Record<string, Runnable> = {};
  const codeOf = (id: string) => {
    for (const [ext, language] of LANGUAGES) if (files.includes(`${id}.${ext}`)) return { file: join(backend, `${id}.${ext}`), language, ext };
    return undefined;
  };
  for (const name of files.filter((f) => f.endsWith(".yaml"))) {
    const id = name.slice(0, -".yaml".length);
    const doc = (parseYaml(readFileSync(join(backend, name), "utf8")) ?? {}) as { type?: string; path?: string; fields?: Record<string, Field> };
    const fields = doc.fields ?? {};
    if (doc.type === "script" || doc.type === "flow") {
      if (!doc.path) runnables[id] = { id, type: "unsupported", reason: `backend/${name} has type ${doc.type} but no path`, fields };
      else runnables[id] = { id, type: doc.type, path: doc.path, fields };
    } else if (doc.type === undefined || doc.type === "inline") {
      runnables[id] = inline(id, codeOf(id), fields) ?? { id, type: "unsupported", reason: `backend/${name} is inline but backend/${id}.<ext> is missing`, fields };
    } else {
      runnables[id] = { id, type: "unsupported", reason: `runnable type "${doc.type}" (backend/${name}) is not supported locally`, fields };
    }
  }
  for (const name of files) {
    const match = LANGUAGES.find(([ext]) => name.endsWith(`.${ext}`));
    if (!match || name.endsWith(".d.ts")) continue;
    const id = name.slice(0, -(match[0].length + 1));
    runnables[id] ??= inline(id, codeOf(id), {})!;
  }
  return runnables;
}

function inline(id: string, code: { file: string; language: string; ext: string } | undefined, fields: Record<string, Field>): Runnable | undefined {
  if (!code) return undefined;
  if (!LOCAL_LANGUAGES.has(code.language)) {
    return { id, type: "unsupported", reason: `runnable "${id}" is ${code.language} (backend/${id}.${code.ext}): only TypeScript runnables run locally`, fields };
  }
  return { id, type: "inline", file: code.file, language: code.language, fields };
}
