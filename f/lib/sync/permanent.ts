// Errors that another attempt cannot fix (the flow's step retry is for
// transient ones): a rejected query, missing access, bad credentials.
import { BulkAccessDeniedError, BulkQueryInvalidError } from "../shopify/bulk/errors.ts";
import { MissingScopesError, ShopifyAuthError, ShopifyGraphQLError } from "../shopify/errors.ts";

export function isPermanent(e: unknown): boolean {
  return e instanceof BulkAccessDeniedError || e instanceof BulkQueryInvalidError || e instanceof MissingScopesError || e instanceof ShopifyAuthError || e instanceof ShopifyGraphQLError;
}
