// The SQL refresh over a realistic mirror (the simulator's seeded store)
// agrees with an independent JS computation of the same rules, and an
// incremental refresh of changed orders gives exactly the rows of a full
// rebuild.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store } from "../../../../local/sim/store/index.ts";
import { DEFAULT_RULES, type Rules } from "../../../../f/lib/classify/index.ts";
import { loadRules, loadShopSettings } from "../../../../f/lib/marts/settings.ts";
import { refreshMarts } from "../../../../f/lib/marts/refresh.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { expectedDailySales, expectedOrders, expectedVelocity, type RawRows } from "./reference.ts";
import { loadStore, orderRows, writeRows } from "./store_rows.ts";

const NOW = new Date("2026-11-20T15:00:00Z");
const HOLIDAYS = ["2026-07-01", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-23"];

let db: TestDatabase;
let raw: RawRows;
let rules: Rules;

async function readRaw(): Promise<RawRows> {
  const q = (t: string) => db.sql.unsafe(`select * from ${t}`) as unknown as Promise<Record<string, any>[]>;
  const [orders, lines, fulfillments, products, variants, customers, locations, levels] = await Promise.all(
    ["raw_shopify_orders", "raw_shopify_line_items", "raw_shopify_fulfillments", "raw_shopify_products", "raw_shopify_variants", "raw_shopify_customers", "raw_shopify_locations", "raw_shopify_inventory_levels"].map(q),
  );
  return { orders: orders!, lines: lines!, fulfillments: fulfillments!, products: products!, variants: variants!, customers: customers!, locations: locations!, levels: levels! };
}

/** Every mart row, keyed, without refresh timestamps. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of [
    ["mart_orders", "order_id"],
    ["mart_daily_sales", "day, product_type, production_type, priority, value_tier, destination, customer_type, status"],
    ["mart_variant_daily_units", "variant_id, day"],
    ["mart_sku_velocity", "variant_id"],
    ["mart_inventory_health", "variant_id, location_id"],
  ] as const) {
    const rows = await db.sql.unsafe(`select * from ${table} order by ${order}`);
    out[table] = rows.map(({ refreshed_at: _r, ...rest }) => rest);
  }
  return out;
}

/** Hand-made orders for what the seeded store rarely or never makes. */
function edgeOrders(): RawRows["orders"] {
  const base = { created_at: "2026-11-13T22:30:00Z", updated_at: "2026-11-13T22:30:00Z", tags: [], test: false, currency: "CAD", financial_status: "PAID", fulfillment_status: "UNFULFILLED" };
  return [
    // express only through a shippingLines connection; guest checkout
    { ...base, id: "gid://shopify/Order/900001", name: "#E1", processed_at: "2026-11-13T22:30:00Z", total_price: "500.00", customer_id: null, shipping_country_code: null,
      payload: { shippingLines: { edges: [{ node: { title: "DHL Express Worldwide", code: "X1" } }] } } },
    // a removed express line does not count; no lines at all
    { ...base, id: "gid://shopify/Order/900002", name: "#E2", processed_at: "2026-11-14T10:00:00Z", total_price: "99.9999", customer_id: null, shipping_country_code: "jp",
      payload: { shippingLines: [{ title: "Express", isRemoved: true }, { title: "Standard", code: "STD" }] } },
    // a test order is left out of every mart
    { ...base, id: "gid://shopify/Order/900003", name: "#E3", processed_at: "2026-11-14T10:00:00Z", total_price: "10", test: true, customer_id: null, shipping_country_code: null, payload: {} },
  ];
}

beforeAll(async () => {
  db = await freshDatabase();
  const store = new Store({ seed: "marts", orders: 900, now: NOW });
  await loadStore(db.sql, store);
  await writeRows(db.sql, {
    orders: edgeOrders(),
    lines: [
      { id: "gid://shopify/LineItem/900001", order_id: "gid://shopify/Order/900001", quantity: 2, unit_price: "250", total_discount: "0", variant_id: null, product_id: null, updated_at: "2026-11-13T22:30:00Z",
        payload: { customAttributes: [{ key: "DESIGN", value: "DSN-1" }] } },
    ],
  });
  await db.sql`update classification_rules set value = ${db.sql.json(HOLIDAYS)} where key = 'sla.holidays'`;
  rules = await loadRules(db.sql);
  raw = await readRaw();
}, 120_000);
afterAll(async () => db?.drop());

describe("mart refresh over a realistic store", () => {
  it("classifies every order as the pure rules do, with the SLA in the shop timezone", async () => {
    const result = await refreshMarts(db.sql, { full: true, asOf: NOW });
    const shop = await loadShopSettings(db.sql);
    const expected = expectedOrders(raw, rules, shop);
    expect(result.mode).toBe("full");
    expect(result.orders).toBe(expected.length);
    const rows = await db.sql<Record<string, any>[]>`select * from mart_orders`;
    const byId = new Map(rows.map((r) => [r.order_id, r]));
    expect(rows.length).toBe(expected.length);
    for (const e of expected) {
      const r = byId.get(e.order_id)!;
      expect(r, e.order_id).toBeDefined();
      const actual = {
        order_id: r.order_id, shop_day: r.shop_day.toISOString().slice(0, 10), production_type: r.production_type, priority: r.priority,
        value_tier: r.value_tier, destination: r.destination, customer_type: r.customer_type, status: r.status,
        sla_business_days: r.sla_business_days, due_at: r.due_at.getTime(), units: r.units,
      };
      const { gross_sales, discounts, refunds, net_sales, ...rest } = e;
      expect(actual).toEqual(rest);
      for (const [k, v] of Object.entries({ gross_sales, discounts, refunds, net_sales })) expect(Number(r[k]), `${e.order_id} ${k}`).toBeCloseTo(v, 4);
    }
    // The data exercises every value of every dimension.
    const seen = (k: string) => new Set(rows.map((r) => r[k]));
    expect(seen("production_type")).toEqual(new Set(["custom", "stock", "mixed"]));
    expect(seen("priority")).toEqual(new Set(["rush", "standard"]));
    expect(seen("value_tier")).toEqual(new Set(["high", "mid", "low"]));
    expect(seen("destination")).toEqual(new Set(["domestic", "international"]));
    expect(seen("customer_type")).toEqual(new Set(["wholesale", "returning", "new"]));
    expect(seen("status")).toEqual(new Set(["open", "fulfilled", "cancelled", "refunded"]));
    expect(byId.get("gid://shopify/Order/900001")).toMatchObject({ priority: "rush", production_type: "custom", value_tier: "high", customer_type: "new", destination: "domestic" });
    expect(byId.get("gid://shopify/Order/900002")).toMatchObject({ priority: "standard", production_type: "stock", value_tier: "low", destination: "international", line_count: 0 });
    expect(byId.has("gid://shopify/Order/900003")).toBe(false);
  });

  it("aggregates daily sales, velocity and inventory as an independent computation does", async () => {
    await refreshMarts(db.sql, { full: true, asOf: NOW });
    const shop = await loadShopSettings(db.sql);
    const orders = expectedOrders(raw, rules, shop);
    const expected = expectedDailySales(raw, orders);
    const rows = await db.sql<Record<string, any>[]>`select * from mart_daily_sales`;
    expect(rows.length).toBe(expected.size);
    for (const r of rows) {
      const key = [r.day.toISOString().slice(0, 10), r.product_type, r.production_type, r.priority, r.value_tier, r.destination, r.customer_type, r.status].join("|");
      const e = expected.get(key);
      expect(e, key).toBeDefined();
      expect(r.orders).toBe(e!.orders);
      expect(r.units).toBe(e!.units);
      for (const k of ["gross_sales", "discounts", "refunds", "net_sales"] as const) expect(Number(r[k]), `${key} ${k}`).toBeCloseTo(e![k], 3);
    }
    // '(all)' rows add up to the orders' totals.
    const [totals] = await db.sql`select sum(net_sales) as net, sum(orders)::int as n from mart_daily_sales where product_type = '(all)'`;
    expect(Number(totals!.net)).toBeCloseTo(orders.reduce((s, o) => s + o.net_sales, 0), 2);
    expect(totals!.n).toBe(orders.length);

    const asOfDay = new Intl.DateTimeFormat("en-CA", { timeZone: shop.timezone }).format(NOW);
    const velocity = expectedVelocity(raw, orders, asOfDay);
    const vrows = await db.sql<Record<string, any>[]>`select * from mart_sku_velocity`;
    expect(vrows.length).toBe(velocity.size);
    for (const v of vrows) {
      expect([v.units_7d, v.units_30d, v.units_90d], v.variant_id).toEqual(velocity.get(v.variant_id));
      expect(v.as_of_day.toISOString().slice(0, 10)).toBe(asOfDay);
    }
    expect(vrows.some((v) => v.units_7d > 0)).toBe(true);

    const irows = await db.sql<Record<string, any>[]>`select * from mart_inventory_health`;
    const levels = raw.levels.filter((l) => raw.variants.some((v) => v.inventory_item_id === l.inventory_item_id));
    expect(irows.length).toBe(levels.length);
    for (const r of irows) {
      const level = levels.find((l) => l.location_id === r.location_id && l.inventory_item_id === r.inventory_item_id)!;
      expect([r.on_hand, r.committed, r.available]).toEqual([level.on_hand, level.committed, level.available]);
      const perDay = velocity.get(r.variant_id)![1] / 30;
      if (perDay === 0) expect(r.days_of_cover).toBeNull();
      else expect(Number(r.days_of_cover)).toBeCloseTo(Math.max(level.available, 0) / Number(perDay.toFixed(4)), 0);
    }
  });

  it("an incremental refresh of changed orders gives the rows of a full rebuild", async () => {
    await refreshMarts(db.sql, { full: true, asOf: NOW });
    const sample = raw.orders.filter((o) => !o.test && o.customer_id).slice(100, 130);
    const touched = sample.map((o) => o.id);
    // rush tag, cancellation, a move to another day, a deletion, a changed line
    await db.sql`update raw_shopify_orders set tags = tags || '{rush}' where id = ${touched[0]!}`;
    await db.sql`update raw_shopify_orders set cancelled_at = now(), financial_status = 'REFUNDED' where id = ${touched[1]!}`;
    await db.sql`update raw_shopify_orders set processed_at = processed_at - interval '3 days' where id = ${touched[2]!}`;
    await db.sql`update raw_shopify_orders set deleted_at = now() where id = ${touched[3]!}`;
    await db.sql`update raw_shopify_line_items set quantity = quantity + 5 where order_id = ${touched[4]!}`;
    // a new order that predates a customer's first order: their old first order becomes "returning"
    const customer = sample[5]!.customer_id as string;
    const [first] = await db.sql`select min(processed_at) as at from raw_shopify_orders where customer_id = ${customer}`;
    const fresh = { ...sample[5]!, id: "gid://shopify/Order/910001", name: "#N1", processed_at: new Date(first!.at.getTime() - 86_400_000), payload: { shippingLine: { title: "Express" } } };
    await writeRows(db.sql, { orders: [fresh] });
    touched.push(fresh.id);

    // a customer's first order is deleted (their second becomes "new"), another becomes a test order
    const [repeat] = await db.sql`
      select customer_id from mart_orders where customer_type <> 'wholesale' and customer_id is not null
      group by customer_id having count(*) >= 2 order by customer_id limit 1`;
    const [firstOfRepeat] = await db.sql`select order_id from mart_orders where customer_id = ${repeat!.customer_id} and customer_type = 'new'`;
    await db.sql`update raw_shopify_orders set deleted_at = now() where id = ${firstOfRepeat!.order_id}`;
    await db.sql`update raw_shopify_orders set test = true where id = ${touched[6]!}`;
    touched.push(firstOfRepeat!.order_id);

    const incremental = await refreshMarts(db.sql, { orderIds: touched, asOf: NOW });
    expect(incremental.mode).toBe("incremental");
    // touched ones (less the deleted and test ones), plus customers' first orders
    expect(incremental.orders).toBeGreaterThanOrEqual(touched.length - 3);
    expect(incremental.orders).toBeLessThan(touched.length * 3);
    const afterIncremental = await snapshot();
    const [n] = await db.sql`select customer_type from mart_orders where order_id = ${"gid://shopify/Order/910001"}`;
    expect(n!.customer_type === "new" || n!.customer_type === "wholesale").toBe(true);

    const full = await refreshMarts(db.sql, { full: true, asOf: NOW });
    expect(full.mode).toBe("full");
    const afterFull = await snapshot();
    for (const table of Object.keys(afterFull)) expect(afterIncremental[table], table).toEqual(afterFull[table]);
    // and the change did happen
    const [rush] = await db.sql`select priority from mart_orders where order_id = ${touched[0]!}`;
    expect(rush!.priority).toBe("rush");
    expect((await db.sql`select 1 from mart_orders where order_id = ${touched[3]!}`).length).toBe(0);
    const [second] = await db.sql`select count(*)::int as n from mart_orders where customer_id = ${repeat!.customer_id} and customer_type = 'new'`;
    expect(second!.n).toBe(1);
  });

  it("falls back to a full rebuild when a rule changed since the last one", async () => {
    await refreshMarts(db.sql, { full: true, asOf: NOW });
    await db.sql`update classification_rules set value = '50', updated_at = now() where key = 'value_tier.mid_min'`;
    const result = await refreshMarts(db.sql, { orderIds: [raw.orders[0]!.id], asOf: NOW });
    expect(result.mode).toBe("full");
    expect(result.reason).toMatch(/rule/);
    expect(DEFAULT_RULES.midMin).toBe(100);
    await db.sql`update classification_rules set value = '100', updated_at = now() where key = 'value_tier.mid_min'`;
  });
});
