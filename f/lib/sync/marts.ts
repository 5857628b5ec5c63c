// Daily sync, step 8 (SPEC section 6): the shop's own facts (timezone,
// currency, country) into shop_settings, then the marts refreshed for the
// orders this run wrote. refreshMarts rebuilds in full on its own when the
// marts were never built or a setting changed.
import type { Sql } from "postgres";
import { refreshMarts, type RefreshResult } from "../marts/refresh.ts";
import { saveShopSettings } from "../marts/settings.ts";
import type { ShopifyClient } from "../shopify/client.ts";
import { gql } from "../shopify/gql.ts";

const SHOP_FACTS = gql`
  query ShopFacts {
    shop {
      ianaTimezone
      currencyCode
      shopAddress {
        countryCodeV2
      }
    }
  }
`;

interface ShopFacts {
  shop: { ianaTimezone: string; currencyCode: string; shopAddress: { countryCodeV2: string | null } };
}

export async function refreshMartsForRun(sql: Sql, shopify: ShopifyClient, runId: number): Promise<RefreshResult & { touched: number }> {
  const { shop } = await shopify.request<ShopFacts>(SHOP_FACTS);
  const [current] = await sql<{ country_code: string }[]>`select country_code from shop_settings where id`;
  await saveShopSettings(sql, {
    timezone: shop.ianaTimezone,
    currency: shop.currencyCode,
    countryCode: shop.shopAddress.countryCodeV2 ?? current?.country_code ?? "US",
  });
  // Orders this run wrote: synced_at is set by every merge that changed a row.
  const touched = await sql<{ id: string }[]>`
    select o.id from raw_shopify_orders o, sync_runs r
    where r.id = ${runId} and o.synced_at >= r.started_at`;
  const result = await refreshMarts(sql, { orderIds: touched.map((t) => t.id) });
  return { ...result, touched: touched.length };
}
