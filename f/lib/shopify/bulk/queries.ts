// The bulk queries of the daily sync (shopify-admin-api.md §8.1-8.4, validated
// against the 2026-10 schema by tests/shopify/gql_documents.test.ts). Each takes
// the search filter; none passes a sortKey: `sortKey: UPDATED_AT` made Shopify
// omit records for a production connector (estuary/connectors#4679), so it is
// only a per-resource option (withSortKey). Connections use `edges { node }`,
// parents of nested connections select a plain `id`, fulfillments and refunds
// are lists and stay inline on the order's line. `shippingLine` (express?) and
// line `customAttributes` (a design?) feed the order classification (S3).
import { gql } from "../gql.ts";

export const ORDERS_BULK_QUERY = (filter: string) => gql`
{
  orders(query: ${JSON.stringify(filter)}) {
    edges { node {
      id legacyResourceId name createdAt updatedAt processedAt cancelledAt cancelReason closedAt
      displayFinancialStatus displayFulfillmentStatus tags note test currencyCode presentmentCurrencyCode
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalDiscountsSet { shopMoney { amount currencyCode } }
      totalTaxSet { shopMoney { amount currencyCode } }
      totalShippingPriceSet { shopMoney { amount currencyCode } }
      totalRefundedSet { shopMoney { amount currencyCode } }
      customer { id }
      shippingAddress { address1 address2 city province provinceCode country countryCodeV2 zip }
      fulfillments { id status displayStatus createdAt updatedAt trackingInfo { company number url } }
      refunds { id createdAt note totalRefundedSet { shopMoney { amount currencyCode } } }
      shippingLine { title code source carrierIdentifier }
      lineItems { edges { node {
        id sku title variantTitle quantity currentQuantity
        variant { id } product { id }
        customAttributes { key value }
        originalUnitPriceSet { shopMoney { amount currencyCode } }
        discountedUnitPriceSet { shopMoney { amount currencyCode } }
        totalDiscountSet { shopMoney { amount currencyCode } }
      } } }
    } }
  }
}`;

export const PRODUCTS_BULK_QUERY = (filter: string) => gql`
{ products(query: ${JSON.stringify(filter)}) { edges { node {
    id legacyResourceId title handle status vendor productType tags createdAt updatedAt publishedAt
    variants { edges { node {
      id legacyResourceId sku barcode title price compareAtPrice position inventoryQuantity createdAt updatedAt
      selectedOptions { name value } inventoryItem { id tracked unitCost { amount currencyCode } }
    } } }
} } } }`;

export const CUSTOMERS_BULK_QUERY = (filter: string) => gql`
{ customers(query: ${JSON.stringify(filter)}) { edges { node {
    id legacyResourceId firstName lastName defaultEmailAddress { emailAddress marketingState }
    defaultPhoneNumber { phoneNumber } state tags note numberOfOrders amountSpent { amount currencyCode }
    createdAt updatedAt verifiedEmail taxExempt defaultAddress { city provinceCode countryCodeV2 zip }
} } } }`;

export const INVENTORY_BULK_QUERY = gql`
{ locations { edges { node { id name isActive
    inventoryLevels { edges { node { id updatedAt
      quantities(names: ["available", "on_hand", "committed", "incoming", "reserved"]) { name quantity }
      item { id sku } } } } } } } }`;

export type BulkSortKey = "UPDATED_AT" | "CREATED_AT" | "ID";

/**
 * The same document with `sortKey: <key>` on its root connection (a per-resource
 * option; see the header for why it is off by default). Only documents whose root
 * connection takes a `query:` argument can carry one.
 */
export function withSortKey(document: string, sortKey: BulkSortKey): string {
  const rootArgs = /^(\s*\{\s*\w+\(query:\s*"(?:[^"\\]|\\.)*")\)/;
  if (!rootArgs.test(document)) throw new Error("withSortKey: the bulk query's root connection has no query argument to sort by");
  return document.replace(rootArgs, `$1, sortKey: ${sortKey})`);
}
