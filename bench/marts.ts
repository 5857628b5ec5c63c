// Mart refresh cost: a full rebuild over N orders, then an incremental
// refresh of 10k changed orders (the most recent ones, as a daily sync
// touches them, and 10k spread over the whole year as the worst case), with
// the incremental/full ratios. Raw rows are generated in Postgres with
// generate_series (a year of orders, ~1.5 lines each, 400 products, 60%
// as many customers, rush/express/custom/design/wholesale mixes).
//
//   npm run bench -- marts                      (N = 100k)
//   npx tsx bench/marts.ts --orders 1000000     (the figure)
//   MARTS_BENCH_ORDERS=1000000 npm run bench -- marts
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres, { type Sql } from "postgres";
import { migrateAll } from "../local/db/migrate.ts";
import { startEmbeddedPostgres } from "../local/services/postgres.ts";
import { refreshMarts } from "../f/lib/marts/refresh.ts";

const CHANGED = 10_000;

function ordersFromArgs(): number {
  const flag = process.argv.indexOf("--orders");
  const value = flag >= 0 ? process.argv[flag + 1] : process.env.MARTS_BENCH_ORDERS;
  const n = Number(value ?? 100_000);
  if (!Number.isInteger(n) || n < CHANGED) throw new Error(`--orders must be an integer >= ${CHANGED}, got ${value}`);
  return n;
}

export async function generate(sql: Sql, n: number): Promise<void> {
  const customers = Math.round(n * 0.6);
  await sql`update shop_settings set timezone = 'America/Toronto', currency = 'CAD', country_code = 'CA'`;
  await sql`
    insert into raw_shopify_products (id, title, product_type, tags, updated_at, payload)
    select 'gid://shopify/Product/' || p, 'Product ' || p,
           (array['T-Shirt','Hoodie','Poster','Art Print','Mug','Sticker Pack','Tote Bag','Cap','Enamel Pin'])[1 + p % 9],
           case when p % 10 < 3 then '{custom}'::text[] else '{}' end, now(), '{}'
    from generate_series(0, 399) p`;
  await sql`
    insert into raw_shopify_variants (id, product_id, sku, inventory_item_id, updated_at, payload)
    select 'gid://shopify/ProductVariant/' || (p * 20 + j), 'gid://shopify/Product/' || p, 'SKU-' || p || '-' || j,
           'gid://shopify/InventoryItem/' || (p * 20 + j), now(), '{}'
    from generate_series(0, 399) p, generate_series(0, 3) j`;
  await sql`
    insert into raw_shopify_locations (id, name, updated_at, payload)
    values ('gid://shopify/Location/1', 'Main Warehouse', now(), '{}'), ('gid://shopify/Location/2', 'Print Studio', now(), '{}')`;
  await sql`
    insert into raw_shopify_inventory_levels (id, location_id, inventory_item_id, available, on_hand, committed, incoming, updated_at, payload)
    select 'gid://shopify/InventoryLevel/' || l || '?inventory_item_id=' || v, 'gid://shopify/Location/' || l, 'gid://shopify/InventoryItem/' || v,
           abs(hashint4(v * 3 + l)) % 200, abs(hashint4(v * 3 + l)) % 200 + 5, 5, 0, now(), '{}'
    from generate_series(0, 399 * 20 + 3) v, generate_series(1, 2) l where v % 20 < 4`;
  await sql`
    insert into raw_shopify_customers (id, tags, updated_at, payload)
    select 'gid://shopify/Customer/' || c, case when c % 20 = 0 then '{wholesale}'::text[] else '{}' end, now(), '{}'
    from generate_series(0, ${customers - 1}::int) c`;
  // Lines first: order totals are their sums. Line k of order i: a skewed product pick, 1-2 units.
  await sql`
    insert into raw_shopify_line_items (id, order_id, quantity, variant_id, product_id, unit_price, total_discount, updated_at, payload)
    select 'gid://shopify/LineItem/' || (i * 10 + k), 'gid://shopify/Order/' || i, 1 + (h % 5 = 0)::int,
           'gid://shopify/ProductVariant/' || (p * 20 + h % 4), 'gid://shopify/Product/' || p,
           (15 + p % 60)::numeric, case when h % 6 = 0 then 2.5 else 0 end, now(),
           case when h % 25 = 0 then '{"customAttributes":[{"key":"Design","value":"DSN-1"}]}'::jsonb else '{}'::jsonb end
    from generate_series(1, ${n}::int) i
    cross join lateral generate_series(1, 1 + (i % 3 = 0)::int + (i % 7 = 0)::int) k
    cross join lateral (select abs(hashint4(i * 10 + k)) as h) x
    cross join lateral (select floor(400 * power((x.h % 10007) / 10007.0, 1.8))::int as p) y`;
  await sql`
    insert into raw_shopify_orders (id, name, created_at, updated_at, processed_at, cancelled_at, financial_status, fulfillment_status,
                                    tags, currency, total_price, total_refunded, customer_id, shipping_country_code, payload)
    select 'gid://shopify/Order/' || i, '#' || (1000 + i), t, t + interval '1 hour', t,
           case when i % 50 = 0 then t + interval '2 hours' end,
           case when i % 50 = 0 or i % 33 = 0 then 'REFUNDED' else 'PAID' end,
           case when t < now() - interval '5 days' and i % 50 <> 0 then 'FULFILLED' else 'UNFULFILLED' end,
           case when i % 17 = 0 then '{rush}'::text[] else '{}' end, 'CAD',
           s.total * (1 + (i % 11 = 0)::int * 9), case when i % 33 = 0 then s.total else 0 end,
           'gid://shopify/Customer/' || ((i::bigint * 7919) % ${customers}::int), case when i % 5 = 0 then 'US' else 'CA' end,
           jsonb_build_object('shippingLine', jsonb_build_object('title', case when i % 9 = 0 then 'Express' else 'Standard' end))
    from generate_series(1, ${n}::int) i
    cross join lateral (select now() - interval '365 days' * (${n}::int - i) / ${n}::int as t) tt
    cross join lateral (
      select coalesce(sum(unit_price * quantity - total_discount), 0) as total from raw_shopify_line_items l
      where l.order_id = 'gid://shopify/Order/' || i) s`;
  await sql`
    insert into raw_shopify_fulfillments (id, order_id, status, created_at, updated_at, payload)
    select 'gid://shopify/Fulfillment/' || substr(id, 21), id, 'SUCCESS', processed_at + interval '2 days', now(), '{}'
    from raw_shopify_orders where fulfillment_status = 'FULFILLED'`;
  await sql`analyze`;
}

async function timed<T>(label: string, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  const ms = performance.now() - t;
  console.log(`${label}: ${Math.round(ms)} ms`);
  return { ms, value };
}

export default async function bench(): Promise<void> {
  const n = ordersFromArgs();
  const dir = mkdtempSync(join(tmpdir(), "wm-bench-marts-"));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: join(dir, "pg"), port: 56000 + Math.floor(Math.random() * 1000) });
  const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  try {
    await migrateAll(pg.url);
    await timed(`generate ${n.toLocaleString("en")} orders (generate_series)`, () => generate(sql, n));
    const [{ lines }] = await sql`select count(*)::int as lines from raw_shopify_line_items`;
    console.log(`  ${lines.toLocaleString("en")} line items`);

    const full = await timed(`full rebuild of ${n.toLocaleString("en")} orders`, () => refreshMarts(sql, { full: true }));
    console.log(`  ${full.value.orders} orders, ${full.value.days} days, ${full.value.variants} variants, ${full.value.inventoryRows} inventory rows`);

    const recent = await sql<{ id: string }[]>`select id from raw_shopify_orders order by processed_at desc limit ${CHANGED}`;
    await sql`update raw_shopify_orders set fulfillment_status = 'FULFILLED', updated_at = now() where id = any(${recent.map((r) => r.id)})`;
    const inc = await timed(`incremental refresh of ${CHANGED} recent orders`, () => refreshMarts(sql, { orderIds: recent.map((r) => r.id) }));
    console.log(`  ${inc.value.mode}: ${inc.value.orders} orders reclassified (with customers' first orders whose status flips), ${inc.value.days} days re-aggregated`);

    const spread = await sql<{ id: string }[]>`select id from raw_shopify_orders where hashtext(id) % ${Math.floor(n / CHANGED)}::int = 0 limit ${CHANGED}`;
    await sql`update raw_shopify_orders set tags = tags || '{gift}', updated_at = now() where id = any(${spread.map((r) => r.id)})`;
    const worst = await timed(`incremental refresh of ${spread.length} orders spread over the year`, () => refreshMarts(sql, { orderIds: spread.map((r) => r.id) }));
    console.log(`  ${worst.value.mode}: ${worst.value.orders} orders reclassified, ${worst.value.days} days re-aggregated`);

    console.log(`incremental/full ratio: recent ${(inc.ms / full.ms).toFixed(3)}, spread ${(worst.ms / full.ms).toFixed(3)}`);
  } finally {
    await sql.end({ timeout: 5 });
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bench();
  process.exit(0);
}
