import { SHOP_PROFILES } from "./catalog.ts";
import { hashString, seedFromFlag } from "./random.ts";
import { DAY_MS, HOUR_MS, type StoreConfig } from "./types.ts";

export interface StoreOptions {
  seed?: string | number;
  orders?: number;
  /** Defaults scale with the order count and are capped so the catalogue stays small. */
  products?: number;
  customers?: number;
  /** The store's present; history is generated before it. Defaults to the current hour. */
  now?: string | number | Date;
  historyDays?: number;
}

export function resolveStoreConfig(options: StoreOptions = {}): StoreConfig {
  const seedLabel = String(options.seed ?? 1);
  const seed = seedFromFlag(options.seed ?? 1);
  const baseOrders = Math.max(0, Math.floor(options.orders ?? 1000));
  const products = Math.max(1, Math.floor(options.products ?? Math.min(400, Math.max(24, Math.round(baseOrders / 40)))));
  const customers = Math.max(1, Math.floor(options.customers ?? Math.max(10, Math.round(baseOrders * 0.6))));
  const nowMs = options.now === undefined ? Math.floor(Date.now() / HOUR_MS) * HOUR_MS : new Date(options.now).getTime();
  if (!Number.isFinite(nowMs)) throw new Error(`invalid store time: ${String(options.now)}`);
  const historyDays = options.historyDays ?? 365;
  const startMs = nowMs - historyDays * DAY_MS;
  const profile = SHOP_PROFILES[hashString(`shop:${seed}`) % SHOP_PROFILES.length]!;
  return {
    seed,
    seedLabel,
    baseOrders,
    products,
    customers,
    nowMs,
    historyDays,
    startMs,
    stepMs: baseOrders > 0 ? (historyDays * DAY_MS) / baseOrders : DAY_MS,
    shop: {
      name: profile.name,
      myshopifyDomain: `${profile.handle}.myshopify.com`,
      countryCode: profile.country,
      currencyCode: profile.currency,
      ianaTimezone: profile.timezone,
    },
  };
}
