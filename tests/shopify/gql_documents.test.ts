/**
 * Every GraphQL document under f/ validates against the pinned Admin schema (2026-10)
 * with NoDeprecatedCustomRule. Stays for the life of the project.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../local/sim/schema.ts";
import { extractGqlDocuments, findDocuments, type FoundDocument } from "./gql_extract.ts";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixtureFile = fileURLToPath(new URL("./fixtures/bulk_queries.ts", import.meta.url));

function problems(docs: FoundDocument[]): string[] {
  return docs.flatMap((doc) => validateDocument(doc.source).map((e) => `${doc.file}:${doc.line}: ${e.message}`));
}

describe("GraphQL documents", () => {
  const { documents, filesImportingGql } = findDocuments(`${repo}/f`, repo);

  it("finds documents in every file that imports the gql tag", () => {
    // Once documents exist, a file importing gql.ts without yielding any means the
    // extractor missed them (e.g. a call form it does not understand): fail loudly.
    const filesWithDocs = new Set(documents.map((d) => d.file));
    expect(filesImportingGql.filter((f) => !filesWithDocs.has(f))).toEqual([]);
  });

  it("validates every document in f/ against the 2026-10 schema without deprecated fields", () => {
    // Until f/ has documents, validate the reference bulk queries (the ones the sync will use).
    const docs = documents.length > 0 ? documents : extractGqlDocuments(readFileSync(fixtureFile, "utf8"), "tests/shopify/fixtures/bulk_queries.ts");
    expect(docs.length).toBeGreaterThan(0);
    expect(problems(docs)).toEqual([]);
  });

  it("the validator rejects a deprecated field and an unknown field", () => {
    expect(validateDocument("{ orders(first: 1) { nodes { totalPrice } } }").map((e) => e.message)).toEqual(["The field Order.totalPrice is deprecated. Use `totalPriceSet` instead."]);
    expect(validateDocument("{ orders(first: 1) { nodes { nope } } }")).toHaveLength(1);
  });

  it("the extractor substitutes interpolations so filters stay valid", () => {
    const docs = extractGqlDocuments('const q = (f: string) => gql`{ orders(first: 1, query: ${JSON.stringify(f)}) { nodes { id name } } }`;', "x.ts");
    expect(docs).toHaveLength(1);
    expect(problems(docs)).toEqual([]);
  });
});
