/**
 * Tag for Admin GraphQL documents. It only joins the template; the tag exists so a test
 * can find every document in `f/` and validate it against the pinned 2026-10 schema
 * (tests/shopify/gql_documents.test.ts). Interpolate argument values only (e.g.
 * `orders(query: ${JSON.stringify(filter)})`), never pieces of the selection, so the
 * document stays checkable without running it.
 */
export function gql(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += String(values[i]) + strings[i + 1];
  return out;
}
