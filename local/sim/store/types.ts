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

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/**
 * ISO-8601 with second precision, like Shopify's DateTime. Hand-rolled (civil-from-days)
 * because it runs ~15 times per generated order and Date#toISOString dominated profiles.
 */
export function iso(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  let rem = seconds - days * 86_400;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mi = Math.floor(rem / 60);
  const ss = rem - mi * 60;
  // Howard Hinnant's days -> civil date.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(hh)}:${pad2(mi)}:${pad2(ss)}Z`;
}
