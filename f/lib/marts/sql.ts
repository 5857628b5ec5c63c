// The set-based SQL of the mart refresh. The orders to classify are first
// copied to the temp table mart_base (all of them, or those in the temp
// table mart_scope); aggregates take a scope: "all" or "scoped" (the days
// in the temp table mart_days). The classification is the same rules as
// f/lib/classify (the pure reference), written for Postgres:
//
//  * money comes from the lines: gross = unit price x quantity, discounts =
//    line discounts; refunds = the merchandise refunded, i.e. the order's
//    refunded total capped at its merchandise (gross - discounts), or all of
//    it when the order is cancelled (the sale is reversed). The bulk query
//    carries no refund line items, so a refund is spread over the order's
//    lines pro rata to their net when split by product type;
//  * days are the shop-timezone date of processed_at (created_at if unset);
//  * due_at walks the business-day calendar in the temp table mart_calendar.
import type { Rules } from "../classify/rules.ts";
import type { ShopSettings } from "./settings.ts";

export type Scope = "all" | "scoped";

/** Positional parameters of CLASSIFY_ORDERS_SQL, in order. */
export function classifyParams(rules: Rules, shop: ShopSettings): unknown[] {
  return [
    shop.timezone, // $1
    shop.countryCode.toUpperCase(), // $2
    rules.highMin, // $3
    rules.midMin, // $4
    rules.customProductTags, // $5
    rules.designAttributeKeys, // $6
    rules.rushOrderTags, // $7
    rules.wholesaleTags, // $8
    rules.stockBusinessDays, // $9
    rules.customBusinessDays, // $10
    rules.rushDivisor, // $11
  ];
}

const dayScope = (scope: Scope, column: string) => (scope === "scoped" ? `${column} in (select day from mart_days)` : "true");

/** A JSON string field, or '' (what f/lib/classify/payload.ts reads). */
const jsonText = (obj: string, field: string) => `coalesce(case when jsonb_typeof(${obj} -> '${field}') = 'string' then ${obj} ->> '${field}' end, '')`;
const jsonArray = (expr: string) => `case when jsonb_typeof(${expr}) = 'array' then ${expr} else '[]'::jsonb end`;

/** The order's shipping lines from its payload: shippingLine, shippingLines as a list or a connection. */
const shippingLines = (p: string) => `
  (case when jsonb_typeof(${p} -> 'shippingLine') = 'object' then jsonb_build_array(${p} -> 'shippingLine') else '[]'::jsonb end)
  || (case jsonb_typeof(${p} -> 'shippingLines')
        when 'array' then ${p} -> 'shippingLines'
        when 'object' then (case when jsonb_typeof(${p} -> 'shippingLines' -> 'edges') = 'array'
                                 then coalesce((select jsonb_agg(e -> 'node') from jsonb_array_elements(${p} -> 'shippingLines' -> 'edges') e), '[]'::jsonb)
                                 else '[]'::jsonb end)
                           || ${jsonArray(`${p} -> 'shippingLines' -> 'nodes'`)}
        else '[]'::jsonb end)`;

/** Business-day calendar for due dates: one row per day in [$1, $2]. */
export const CALENDAR_SQL = [
  `create temp table mart_calendar (day date primary key, open boolean not null, open_count integer not null) on commit drop`,
  `insert into mart_calendar (day, open, open_count)
  with days as (
    select d::date as day from generate_series($1::date, $2::date, interval '1 day') d
  ), flagged as (
    select day, not (extract(dow from day)::int = any($3::int[]) or day = any($4::date[])) as open from days
  )
  select day, open, (count(*) filter (where open) over (order by day))::int from flagged`,
];

/**
 * The orders to classify, with what is read from their payload, in a temp
 * table: analysed, it gives the planner true row counts, so a small scope is
 * joined by index instead of scanning every order, line and fulfillment.
 * Params: $1 timezone, $2 express keywords.
 */
export const BASE_TABLE_SQL = `
  create temp table mart_base (
    id text, name text, customer_id text, currency text, total_price numeric, total_refunded numeric, cancelled_at timestamptz,
    financial_status text, fulfillment_status text, updated_at timestamptz, tags text[], shipping_country_code text,
    proc_at timestamptz, local_at timestamp, express boolean, customer_tags text[]
  ) on commit drop`;

export function baseRowsSql(scope: Scope): string {
  const from = scope === "scoped" ? "mart_scope s join raw_shopify_orders o on o.id = s.order_id" : "raw_shopify_orders o";
  return `
  insert into mart_base
  select o.id, o.name, o.customer_id, o.currency, o.total_price, o.total_refunded, o.cancelled_at, o.financial_status,
         o.fulfillment_status, o.updated_at, o.tags, o.shipping_country_code,
         coalesce(o.processed_at, o.created_at), coalesce(o.processed_at, o.created_at) at time zone $1,
         exists (
           select 1 from jsonb_array_elements(${shippingLines("o.payload")}) sl
           where jsonb_typeof(sl) = 'object' and (sl -> 'isRemoved') is distinct from 'true'::jsonb
             and exists (select 1 from unnest($2::text[]) k
                         where strpos(lower(${jsonText("sl", "title")} || ' ' || ${jsonText("sl", "code")}), k) > 0)),
         (select c.tags from raw_shopify_customers c where c.id = o.customer_id)
  from ${from}
  where o.deleted_at is null and not o.test`;
}

/** Shop-day range of mart_base: the calendar must cover it. */
export const BASE_DAY_RANGE_SQL = `select min(local_at)::date as first_day, max(local_at)::date as last_day from mart_base`;

/** Classifies the orders of mart_base into mart_orders (params: classifyParams). */
export const CLASSIFY_ORDERS_SQL = `
  insert into mart_orders (
    order_id, name, customer_id, processed_at, shop_day, currency, total_price, gross_sales, discounts, refunds, net_sales,
    units, line_count, production_type, priority, value_tier, destination, customer_type, status, sla_business_days, due_at,
    fulfilled_at, order_updated_at)
  with custom_products as (
    select p.id from raw_shopify_products p where exists (select 1 from unnest(p.tags) t where lower(t) = any($5::text[]))
  ), line_facts as (
    select l.order_id,
           count(*)::int as line_count,
           sum(l.quantity)::int as units,
           sum(coalesce(l.unit_price, 0) * l.quantity) as gross,
           sum(coalesce(l.total_discount, 0)) as discounts,
           count(*) filter (where cp.id is not null or exists (
             select 1 from jsonb_array_elements(${jsonArray("l.payload -> 'customAttributes'")}) a
             where jsonb_typeof(a -> 'key') = 'string' and lower(a ->> 'key') = any($6::text[]) and ${jsonText("a", "value")} <> ''
           ))::int as custom_lines
    from raw_shopify_line_items l
    join mart_base b on b.id = l.order_id
    left join custom_products cp on cp.id = l.product_id
    where l.deleted_at is null
    group by l.order_id
  ), sequence as (
    select o.id, row_number() over (partition by o.customer_id order by coalesce(o.processed_at, o.created_at), o.id) as n
    from raw_shopify_orders o
    where o.deleted_at is null and not o.test and o.customer_id in (select customer_id from mart_base)
  ), open_days as (
    select array_agg(day order by day) as days from mart_calendar where open
  ), fulfilled as (
    select f.order_id, max(f.created_at) as at
    from raw_shopify_fulfillments f join mart_base b on b.id = f.order_id
    where f.deleted_at is null and b.fulfillment_status = 'FULFILLED'
    group by f.order_id
  )
  select b.id, b.name, b.customer_id, b.proc_at, b.local_at::date, b.currency, coalesce(b.total_price, 0),
         m.gross, m.discounts, m.refunds, m.gross - m.discounts - m.refunds,
         coalesce(lf.units, 0), coalesce(lf.line_count, 0),
         c.production_type, c.priority,
         case when coalesce(b.total_price, 0) >= $3 then 'high' when coalesce(b.total_price, 0) >= $4 then 'mid' else 'low' end,
         case when b.shipping_country_code is null or b.shipping_country_code = '' or upper(b.shipping_country_code) = $2 then 'domestic' else 'international' end,
         case when exists (select 1 from unnest(coalesce(b.customer_tags, '{}') || b.tags) t where lower(t) = any($8::text[])) then 'wholesale'
              when s.n > 1 then 'returning' else 'new' end,
         case when b.cancelled_at is not null then 'cancelled' when b.financial_status = 'REFUNDED' then 'refunded'
              when b.fulfillment_status = 'FULFILLED' then 'fulfilled' else 'open' end,
         d.days,
         (od.days[case when cal.open then cal.open_count else cal.open_count + 1 end + d.days]
            + case when cal.open then b.local_at - b.local_at::date else interval '0' end) at time zone $1,
         f.at, b.updated_at
  from mart_base b
  left join line_facts lf on lf.order_id = b.id
  left join sequence s on s.id = b.id
  left join fulfilled f on f.order_id = b.id
  cross join lateral (
    select coalesce(lf.gross, 0) as gross, coalesce(lf.discounts, 0) as discounts,
           case when b.cancelled_at is not null then greatest(coalesce(lf.gross, 0) - coalesce(lf.discounts, 0), 0)
                else least(greatest(coalesce(b.total_refunded, 0), 0), greatest(coalesce(lf.gross, 0) - coalesce(lf.discounts, 0), 0)) end as refunds
  ) m
  cross join lateral (
    select case when coalesce(lf.custom_lines, 0) = 0 then 'stock' when lf.custom_lines = lf.line_count then 'custom' else 'mixed' end as production_type,
           case when b.express or exists (select 1 from unnest(b.tags) t where lower(t) = any($7::text[]))
                then 'rush' else 'standard' end as priority
  ) c
  cross join lateral (
    select case when c.priority = 'rush' then ceil(base_days::numeric / $11)::int else base_days end as days
    from (select case when c.production_type = 'stock' then $9::int else $10::int end as base_days) x
  ) d
  cross join open_days od
  left join mart_calendar cal on cal.day = b.local_at::date`;

/** Sales per day, classification and product type; '(all)' rows are whole orders. */
export function dailySalesSql(scope: Scope): string[] {
  const cls = "production_type, priority, value_tier, destination, customer_type, status";
  return [
    `
  insert into mart_daily_sales (day, product_type, ${cls}, orders, units, gross_sales, discounts, refunds, net_sales)
  select shop_day, '(all)', ${cls}, count(*), sum(units), sum(gross_sales), sum(discounts), sum(refunds), sum(net_sales)
  from mart_orders o where ${dayScope(scope, "o.shop_day")}
  group by shop_day, ${cls}`,
    `
  insert into mart_daily_sales (day, product_type, ${cls}, orders, units, gross_sales, discounts, refunds, net_sales)
  with lines as (
    select o.shop_day, coalesce(nullif(p.product_type, ''), '(none)') as product_type, ${cls.split(", ").map((c) => `o.${c}`).join(", ")},
           o.order_id, l.quantity,
           coalesce(l.unit_price, 0) * l.quantity as gross,
           coalesce(l.total_discount, 0) as discounts,
           case when o.gross_sales - o.discounts > 0
                then o.refunds * (coalesce(l.unit_price, 0) * l.quantity - coalesce(l.total_discount, 0)) / (o.gross_sales - o.discounts)
                else 0 end as refunds
    from mart_orders o
    join raw_shopify_line_items l on l.order_id = o.order_id and l.deleted_at is null
    left join raw_shopify_products p on p.id = l.product_id
    where ${dayScope(scope, "o.shop_day")}
  )
  select shop_day, product_type, ${cls}, count(distinct order_id), sum(quantity), sum(gross), sum(discounts),
         round(sum(refunds), 4), sum(gross) - sum(discounts) - round(sum(refunds), 4)
  from lines
  group by shop_day, product_type, ${cls}`,
  ];
}

/** Units per variant and day, orders not cancelled. */
export function variantDailyUnitsSql(scope: Scope): string {
  return `
  insert into mart_variant_daily_units (variant_id, day, units)
  select l.variant_id, o.shop_day, sum(l.quantity)
  from mart_orders o
  join raw_shopify_line_items l on l.order_id = o.order_id and l.deleted_at is null
  where o.status <> 'cancelled' and l.variant_id is not null and ${dayScope(scope, "o.shop_day")}
  group by l.variant_id, o.shop_day`;
}

/** Velocity of every live variant over the windows ending on $1 (a shop day). */
export const SKU_VELOCITY_SQL = [
  `delete from mart_sku_velocity`,
  `
  insert into mart_sku_velocity (variant_id, product_id, sku, product_type, units_7d, units_30d, units_90d, avg_daily_units_30d, as_of_day)
  select v.id, v.product_id, v.sku, coalesce(nullif(p.product_type, ''), '(none)'),
         coalesce(sum(u.units) filter (where u.day > $1::date - 7), 0),
         coalesce(sum(u.units) filter (where u.day > $1::date - 30), 0),
         coalesce(sum(u.units), 0),
         round(coalesce(sum(u.units) filter (where u.day > $1::date - 30), 0) / 30.0, 4),
         $1::date
  from raw_shopify_variants v
  left join raw_shopify_products p on p.id = v.product_id
  left join mart_variant_daily_units u on u.variant_id = v.id and u.day > $1::date - 90 and u.day <= $1::date
  where v.deleted_at is null and p.deleted_at is null
  group by v.id, v.product_id, v.sku, p.product_type`,
];

/** Stock and days of cover per variant and location, from the velocity just computed ($1: the shop day). */
export const INVENTORY_HEALTH_SQL = [
  `delete from mart_inventory_health`,
  `
  insert into mart_inventory_health (variant_id, location_id, inventory_item_id, product_id, sku, location_name, location_active,
                                     on_hand, committed, available, incoming, avg_daily_units_30d, days_of_cover, as_of_day)
  select distinct on (v.id, il.location_id)
         v.id, il.location_id, il.inventory_item_id, v.product_id, coalesce(v.sku, il.sku), loc.name, coalesce(loc.is_active, true),
         coalesce(il.on_hand, 0), coalesce(il.committed, 0), coalesce(il.available, 0), coalesce(il.incoming, 0),
         coalesce(sv.avg_daily_units_30d, 0),
         case when sv.avg_daily_units_30d > 0 then round(greatest(coalesce(il.available, 0), 0) / sv.avg_daily_units_30d, 1) end,
         $1::date
  from raw_shopify_inventory_levels il
  join raw_shopify_variants v on v.inventory_item_id = il.inventory_item_id and v.deleted_at is null
  left join raw_shopify_locations loc on loc.id = il.location_id
  left join mart_sku_velocity sv on sv.variant_id = v.id
  where il.deleted_at is null and loc.deleted_at is null
  order by v.id, il.location_id, il.updated_at desc`,
];
