/**
 * Store records are plain JSON-able objects shaped like Admin GraphQL nodes (field names
 * as in the schema, connection children as arrays). The resolvers read them directly,
 * and the same objects are the ground truth the tests compare exports with.
 */

export type SimNode = { __typename: string; id: string } & Record<string, unknown>;

/** A reference to another node; the resolver loads the node when more than `id` is selected. */
export interface Ref {
  __ref: string;
  id: string;
}

export function ref(typename: string, id: string): Ref {
  return { __ref: typename, id };
}

export interface ShopInfo {
  name: string;
  myshopifyDomain: string;
  countryCode: string;
  currencyCode: string;
  ianaTimezone: string;
}

export interface StoreConfig {
  seed: number;
  /** The --seed flag as given, echoed by the CLI. */
  seedLabel: string;
  /** Orders that exist before any time travel. */
  baseOrders: number;
  products: number;
  customers: number;
  /** The store's "now" when generated; history ends here. */
  nowMs: number;
  historyDays: number;
  startMs: number;
  /** Mean gap between consecutive base orders. */
  stepMs: number;
  shop: ShopInfo;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function iso(ms: number): string {
  // Shopify's DateTime has second precision.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
