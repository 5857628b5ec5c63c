// What can go wrong talking to Shopify, as distinct error classes so callers
// (and the retry policy) can tell a transient failure from a real one.

export interface GraphQLErrorLike {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

/** Shopify answered, but with GraphQL errors that retrying will not fix (validation, access). */
export class ShopifyGraphQLError extends Error {
  override name = "ShopifyGraphQLError";
  constructor(readonly errors: GraphQLErrorLike[], readonly operation: string) {
    super(`Shopify ${operation}: ${errors.map((e) => e.message).join("; ")}`);
  }
  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code).filter((c): c is string => Boolean(c));
  }
}

/** A transient failure (throttling, 429, 5xx, network) that outlasted every retry. */
export class ShopifyUnavailableError extends Error {
  override name = "ShopifyUnavailableError";
  constructor(message: string, readonly attempts: number, readonly lastReason: string) {
    super(message);
  }
}

/** A mutation's `userErrors` (inside `data`, never in `errors`). */
export class ShopifyUserError extends Error {
  override name = "ShopifyUserError";
  constructor(readonly userErrors: { field?: string[] | null; message: string; code?: string | null }[], readonly operation: string) {
    super(`Shopify ${operation} refused: ${userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ` : "") + e.message).join("; ")}`);
  }
}

/** Authentication failed (401/403 on the API, or the token endpoint). */
export class ShopifyAuthError extends Error {
  override name = "ShopifyAuthError";
}

/** The app lacks access scopes the workspace needs. */
export class MissingScopesError extends Error {
  override name = "MissingScopesError";
  constructor(readonly missing: string[], readonly granted: string[]) {
    super(`the Shopify app is missing access scope(s): ${missing.join(", ")} (granted: ${granted.join(", ") || "none"})`);
  }
}
