// What our raw mirror says, with the same filters as the Shopify side:
// live rows only (soft-deleted ones are gone from Shopify's counts too).
import type { Sql } from "postgres";
import type { CountedResource } from "./shopify.ts";

const TABLE: Record<CountedResource, string> = {
  orders: "raw_shopify_orders",
  products: "raw_shopify_products",
  customers: "raw_shopify_customers",
};

/** Rows created before `createdBefore` (null: all rows). */
export async function ourCreatedCount(sql: Sql, resource: CountedResource, createdBefore: string | null): Promise<number> {
  const [row] = await sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from ${TABLE[resource]} where deleted_at is null and ($1::timestamptz is null or created_at < $1::timestamptz)`,
    [createdBefore],
  );
  return row!.n;
}

/** Rows whose updated_at falls in [start, end). */
export async function ourWindowCount(sql: Sql, resource: CountedResource, start: string, end: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: number }[]>(
    `select count(*)::int as n from ${TABLE[resource]} where deleted_at is null and updated_at >= $1::timestamptz and updated_at < $2::timestamptz`,
    [start, end],
  );
  return row!.n;
}

export async function ourOrderTotal(sql: Sql, start: string, end: string): Promise<{ sum: string; orders: number }> {
  const [row] = await sql<{ sum: string; orders: number }[]>`
    select coalesce(sum(total_price), 0)::text as sum, count(*)::int as orders from raw_shopify_orders
    where deleted_at is null and updated_at >= ${start}::timestamptz and updated_at < ${end}::timestamptz`;
  return row!;
}

/** Per resource: the watermark, and when its last load succeeded. */
export async function freshnessOf(sql: Sql): Promise<Map<string, { watermark: Date | null; lastSuccess: Date | null }>> {
  const rows = await sql<{ resource: string; watermark: Date | null; last_success: Date | null }[]>`
    select r.resource, w.watermark, s.last_success
    from (select resource from sync_watermarks union select resource from sync_steps where step = 'load') r
    left join sync_watermarks w on w.resource = r.resource
    left join (select resource, max(finished_at) as last_success from sync_steps where step = 'load' and status = 'succeeded' group by resource) s
      on s.resource = r.resource`;
  return new Map(rows.map((r) => [r.resource, { watermark: r.watermark, lastSuccess: r.last_success }]));
}
