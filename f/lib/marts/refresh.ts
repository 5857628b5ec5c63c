// Mart refresh (SPEC S3, sync step 8): incremental for the orders a sync
// touched, or a full rebuild; both give the same rows. One transaction under
// an advisory lock, so concurrent refreshes queue and readers never see a
// half-built mart.
//
// Incremental: the touched orders are reclassified, with the orders whose
// new/returning status they may flip (their customers' first order, before
// and after); the days they were and are on are re-aggregated;
// velocity and inventory health (small, and relative to today) are always
// recomputed. It falls back to a full rebuild when the marts were never built
// or a rule or shop setting changed since the last full rebuild.
import type { Sql, TransactionSql } from "postgres";
import { shopDay } from "../classify/sla.ts";
import type { Rules } from "../classify/rules.ts";
import { loadRules, loadShopSettings, rulesVersion, type ShopSettings } from "./settings.ts";
import {
  BASE_DAY_RANGE_SQL,
  BASE_TABLE_SQL,
  CALENDAR_SQL,
  CLASSIFY_ORDERS_SQL,
  INVENTORY_HEALTH_SQL,
  SKU_VELOCITY_SQL,
  baseRowsSql,
  classifyParams,
  dailySalesSql,
  variantDailyUnitsSql,
  type Scope,
} from "./sql.ts";

export interface RefreshOptions {
  /** Orders to refresh; omitted (and not `full`): a full rebuild. */
  orderIds?: readonly string[];
  full?: boolean;
  /** "Today" for velocity windows; defaults to now. */
  asOf?: Date;
}

export interface RefreshResult {
  mode: "full" | "incremental";
  /** Why a requested incremental refresh rebuilt in full. */
  reason?: string;
  /** Orders reclassified (incremental: the touched ones and their customers' first orders). */
  orders: number;
  days: number;
  variants: number;
  inventoryRows: number;
  asOfDay: string;
  ms: number;
}

const LOCK_KEY = 0x6d617274; // "mart"

type Tx = TransactionSql<Record<string, unknown>>;

export async function refreshMarts(sql: Sql, opts: RefreshOptions = {}): Promise<RefreshResult> {
  const started = performance.now();
  const result = await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    // Sorts and hashes over every order stay in memory (the default 4MB spills to disk).
    await tx`set local work_mem = '64MB'`;
    // Index lookups cost about a sequential read on SSD/cached data: a small
    // scope is then joined by index instead of scanning every order and line.
    await tx`set local random_page_cost = 1.1`;
    const db = tx as unknown as Sql; // a transaction takes the same tagged queries
    const rules = await loadRules(db);
    const shop = await loadShopSettings(db);
    const version = await rulesVersion(db);
    const asOfDay = shopDay(opts.asOf ?? new Date(), shop.timezone);
    const [state] = await tx<{ last_full_at: Date | null; rules_version_at: Date | null }[]>`
      select last_full_at, rules_version_at from mart_refresh_state where id for update`;
    let reason: string | undefined;
    if (!opts.full && opts.orderIds) {
      if (!state?.last_full_at) reason = "the marts were never built";
      else if (!state.rules_version_at || version > state.rules_version_at) reason = "a classification rule or shop setting changed since the last full rebuild";
      else if (opts.orderIds.length > Math.max(10_000, (await martSize(tx)) / 4)) reason = "more than a quarter of the orders changed";
    }
    const full = opts.full || !opts.orderIds || reason !== undefined;
    const counts = full ? await rebuild(tx, rules, shop) : await refreshOrders(tx, rules, shop, opts.orderIds!);
    const variants = await recomputeStock(tx, asOfDay);
    await tx`
      update mart_refresh_state set last_refresh_at = now(),
             last_full_at = case when ${full} then now() else last_full_at end,
             rules_version_at = case when ${full} then ${version} else rules_version_at end
      where id`;
    return { mode: full ? ("full" as const) : ("incremental" as const), reason, ...counts, ...variants, asOfDay };
  });
  return { ...result, ms: Math.round(performance.now() - started) };
}

async function rebuild(tx: Tx, rules: Rules, shop: ShopSettings): Promise<{ orders: number; days: number }> {
  await tx`truncate mart_orders, mart_daily_sales, mart_variant_daily_units`;
  const orders = await classify(tx, "all", rules, shop);
  await aggregate(tx, "all");
  await tx`analyze mart_orders, mart_daily_sales, mart_variant_daily_units`; // fresh statistics for the incremental refreshes' plans
  const [{ days }] = await tx<{ days: number }[]>`select count(distinct shop_day)::int as days from mart_orders`;
  return { orders, days };
}

async function refreshOrders(tx: Tx, rules: Rules, shop: ShopSettings, orderIds: readonly string[]): Promise<{ orders: number; days: number }> {
  await tx`create temp table mart_scope (order_id text primary key) on commit drop`;
  await tx`create temp table mart_days (day date primary key) on commit drop`;
  await tx`insert into mart_scope select distinct unnest(${orderIds as string[]}::text[])`;
  await tx`analyze mart_scope`; // temp tables have no statistics until analysed
  // Whether an order is its customer's first can only change for their
  // customers' first orders: the one the mart holds as "new" and the one
  // that is first now. Add those whose status is no longer what the mart says.
  await tx`
    insert into mart_scope
    with customers as (
      select customer_id from raw_shopify_orders where id in (select order_id from mart_scope) and customer_id is not null
      union
      select customer_id from mart_orders where order_id in (select order_id from mart_scope) and customer_id is not null
    ), first_now as (
      select distinct on (o.customer_id) o.customer_id, o.id from raw_shopify_orders o
      where o.customer_id in (select customer_id from customers) and o.deleted_at is null and not o.test
      order by o.customer_id, coalesce(o.processed_at, o.created_at), o.id
    )
    select f.id from first_now f join mart_orders m on m.order_id = f.id and m.customer_type = 'returning'
    union
    select m.order_id from mart_orders m
    where m.customer_id in (select customer_id from customers) and m.customer_type = 'new'
      and not exists (select 1 from first_now f where f.id = m.order_id)
    on conflict do nothing`;
  await tx`analyze mart_scope`;
  await tx`insert into mart_days select distinct shop_day from mart_orders where order_id in (select order_id from mart_scope)`;
  await tx`delete from mart_orders where order_id in (select order_id from mart_scope)`;
  const orders = await classify(tx, "scoped", rules, shop);
  await tx`
    insert into mart_days select distinct shop_day from mart_orders where order_id in (select order_id from mart_scope)
    on conflict do nothing`;
  await tx`analyze mart_days`;
  await tx`delete from mart_daily_sales where day in (select day from mart_days)`;
  await tx`delete from mart_variant_daily_units where day in (select day from mart_days)`;
  await aggregate(tx, "scoped");
  const [{ days }] = await tx<{ days: number }[]>`select count(*)::int as days from mart_days`;
  return { orders, days };
}

/** Writes mart_orders for the scope; returns the number of orders written. */
async function classify(tx: Tx, scope: Scope, rules: Rules, shop: ShopSettings): Promise<number> {
  await tx.unsafe(BASE_TABLE_SQL);
  await tx.unsafe(baseRowsSql(scope), [shop.timezone, rules.expressShippingKeywords]);
  await tx.unsafe("analyze mart_base");
  const [range] = await tx.unsafe<{ first_day: Date | null; last_day: Date | null }[]>(BASE_DAY_RANGE_SQL);
  let written = 0;
  if (range?.first_day && range.last_day) {
    // The calendar must reach the latest due day: the longest SLA, at most
    // 6 closed days a week, plus every holiday.
    const longest = Math.max(rules.stockBusinessDays, rules.customBusinessDays);
    const last = new Date(range.last_day.getTime() + (7 * (longest + 2) + rules.holidays.length) * 86_400_000);
    await tx.unsafe(CALENDAR_SQL[0]!);
    await tx.unsafe(CALENDAR_SQL[1]!, [day(range.first_day), day(last), rules.weekendDays, rules.holidays]);
    written = (await tx.unsafe(CLASSIFY_ORDERS_SQL, classifyParams(rules, shop) as never[])).count;
    await tx.unsafe("drop table mart_calendar");
  }
  await tx.unsafe("drop table mart_base");
  return written;
}

async function aggregate(tx: Tx, scope: Scope): Promise<void> {
  for (const statement of dailySalesSql(scope)) await tx.unsafe(statement);
  await tx.unsafe(variantDailyUnitsSql(scope));
}

async function recomputeStock(tx: Tx, asOfDay: string): Promise<{ variants: number; inventoryRows: number }> {
  let variants = 0;
  let inventoryRows = 0;
  for (const statement of SKU_VELOCITY_SQL) variants = (await tx.unsafe(statement, statement.includes("$1") ? [asOfDay] : [])).count;
  for (const statement of INVENTORY_HEALTH_SQL) inventoryRows = (await tx.unsafe(statement, statement.includes("$1") ? [asOfDay] : [])).count;
  return { variants, inventoryRows };
}

/** Orders in mart_orders, as the planner estimates them (no scan). */
async function martSize(tx: Tx): Promise<number> {
  const [row] = await tx<{ n: number }[]>`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'mart_orders'::regclass`;
  return row?.n ?? 0;
}

/** A date column's value as YYYY-MM-DD (postgres.js reads `date` as midnight UTC). */
const day = (d: Date) => d.toISOString().slice(0, 10);
