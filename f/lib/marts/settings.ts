// The shop settings and classification rules the marts are computed with,
// read from (and, for the shop's own facts, written to) Postgres.
import type { Sql } from "postgres";
import { rulesFromRows, type Rules } from "../classify/rules.ts";

export interface ShopSettings {
  timezone: string;
  currency: string;
  countryCode: string;
}

export async function loadShopSettings(sql: Sql): Promise<ShopSettings> {
  const [row] = await sql<{ timezone: string; currency: string; country_code: string }[]>`
    select timezone, currency, country_code from shop_settings where id`;
  if (!row) throw new Error("shop_settings has no row (is migration 20261128000005_marts applied?)");
  return { timezone: row.timezone, currency: row.currency, countryCode: row.country_code };
}

/**
 * What Shopify says about the shop (`shop { ianaTimezone currencyCode
 * shopAddress { countryCodeV2 } }`); the sync calls this. A change of
 * timezone or country makes the next refresh rebuild the marts in full.
 */
export async function saveShopSettings(sql: Sql, shop: ShopSettings): Promise<void> {
  try {
    new Intl.DateTimeFormat("en", { timeZone: shop.timezone });
  } catch {
    throw new Error(`saveShopSettings: unknown timezone "${shop.timezone}"`);
  }
  await sql`
    update shop_settings set timezone = ${shop.timezone}, currency = ${shop.currency}, country_code = ${shop.countryCode.toUpperCase()},
           updated_at = now()
    where id and (timezone, currency, country_code) is distinct from (${shop.timezone}, ${shop.currency}, ${shop.countryCode.toUpperCase()})`;
}

export async function loadRules(sql: Sql): Promise<Rules> {
  return rulesFromRows(await sql<{ key: string; value: unknown }[]>`select key, value from classification_rules`);
}

/** The newest change to a rule or to the shop settings: marts built before it are stale. */
export async function rulesVersion(sql: Sql): Promise<Date> {
  const [row] = await sql<{ at: Date }[]>`
    select greatest((select max(updated_at) from classification_rules), (select updated_at from shop_settings where id)) as at`;
  return row!.at;
}
