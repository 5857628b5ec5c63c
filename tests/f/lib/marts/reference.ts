// An independent computation of the marts in JS from raw rows, using the
// pure rules of f/lib/classify: what the SQL refresh must agree with.
import { attributesOf, classifyOrder, shippingLinesOf, shopDay, type Rules } from "../../../../f/lib/classify/index.ts";
import type { ShopSettings } from "../../../../f/lib/marts/settings.ts";

type Row = Record<string, any>;
export interface RawRows {
  orders: Row[];
  lines: Row[];
  fulfillments: Row[];
  products: Row[];
  variants: Row[];
  customers: Row[];
  locations: Row[];
  levels: Row[];
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const ms = (v: unknown) => new Date(v as string).getTime();
const groupBy = <T>(rows: T[], key: (r: T) => string) => {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
};

export interface ExpectedOrder {
  order_id: string;
  shop_day: string;
  gross_sales: number;
  discounts: number;
  refunds: number;
  net_sales: number;
  units: number;
  production_type: string;
  priority: string;
  value_tier: string;
  destination: string;
  customer_type: string;
  status: string;
  sla_business_days: number;
  due_at: number;
}

export function expectedOrders(raw: RawRows, rules: Rules, shop: ShopSettings): ExpectedOrder[] {
  const live = raw.orders.filter((o) => !o.deleted_at && !o.test);
  const productTags = new Map(raw.products.map((p) => [p.id, p.tags as string[]]));
  const customerTags = new Map(raw.customers.map((c) => [c.id, c.tags as string[]]));
  const linesOf = groupBy(raw.lines.filter((l) => !l.deleted_at), (l) => l.order_id);
  const processed = (o: Row) => ms(o.processed_at ?? o.created_at);
  const firstOrder = new Map<string, Row>();
  for (const o of live) {
    if (!o.customer_id) continue;
    const prev = firstOrder.get(o.customer_id);
    if (!prev || processed(o) < processed(prev) || (processed(o) === processed(prev) && o.id < prev.id)) firstOrder.set(o.customer_id, o);
  }
  return live.map((o) => {
    const lines = linesOf.get(o.id) ?? [];
    const c = classifyOrder(
      {
        processedAt: new Date(processed(o)),
        tags: o.tags,
        totalPrice: num(o.total_price),
        shippingCountryCode: o.shipping_country_code,
        shippingLines: shippingLinesOf(o.payload),
        lines: lines.map((l) => ({ productTags: productTags.get(l.product_id) ?? [], attributes: attributesOf(l.payload) })),
        customerTags: customerTags.get(o.customer_id) ?? [],
        hasEarlierOrder: !!o.customer_id && firstOrder.get(o.customer_id)?.id !== o.id,
        cancelledAt: o.cancelled_at,
        financialStatus: o.financial_status,
        fulfillmentStatus: o.fulfillment_status,
      },
      rules,
      shop,
    );
    const gross = lines.reduce((s, l) => s + num(l.unit_price) * l.quantity, 0);
    const discounts = lines.reduce((s, l) => s + num(l.total_discount), 0);
    const merch = Math.max(gross - discounts, 0);
    const refunds = o.cancelled_at ? merch : Math.min(Math.max(num(o.total_refunded), 0), merch);
    return {
      order_id: o.id,
      shop_day: shopDay(new Date(processed(o)), shop.timezone),
      gross_sales: gross,
      discounts,
      refunds,
      net_sales: gross - discounts - refunds,
      units: lines.reduce((s, l) => s + l.quantity, 0),
      production_type: c.productionType,
      priority: c.priority,
      value_tier: c.valueTier,
      destination: c.destination,
      customer_type: c.customerType,
      status: c.status,
      sla_business_days: c.slaBusinessDays,
      due_at: c.dueAt.getTime(),
    };
  });
}

const CLS = ["production_type", "priority", "value_tier", "destination", "customer_type", "status"] as const;

export interface SalesCell {
  orders: number;
  units: number;
  gross_sales: number;
  discounts: number;
  refunds: number;
  net_sales: number;
}

/** key: day|product_type|classification... */
export function expectedDailySales(raw: RawRows, orders: ExpectedOrder[]): Map<string, SalesCell> {
  const cells = new Map<string, SalesCell & { ids: Set<string> }>();
  const add = (key: string, id: string, v: Omit<SalesCell, "orders">) => {
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { orders: 0, units: 0, gross_sales: 0, discounts: 0, refunds: 0, net_sales: 0, ids: new Set() }));
    cell.ids.add(id);
    cell.units += v.units;
    cell.gross_sales += v.gross_sales;
    cell.discounts += v.discounts;
    cell.refunds += v.refunds;
    cell.net_sales += v.net_sales;
  };
  const productType = new Map(raw.products.map((p) => [p.id, p.product_type || "(none)"]));
  const linesOf = groupBy(raw.lines.filter((l) => !l.deleted_at), (l) => l.order_id);
  for (const o of orders) {
    const cls = CLS.map((k) => o[k]).join("|");
    add(`${o.shop_day}|(all)|${cls}`, o.order_id, o);
    const merch = o.gross_sales - o.discounts;
    for (const l of linesOf.get(o.order_id) ?? []) {
      const gross = num(l.unit_price) * l.quantity;
      const discounts = num(l.total_discount);
      const refunds = merch > 0 ? (o.refunds * (gross - discounts)) / merch : 0;
      add(`${o.shop_day}|${productType.get(l.product_id) ?? "(none)"}|${cls}`, o.order_id, { units: l.quantity, gross_sales: gross, discounts, refunds, net_sales: gross - discounts - refunds });
    }
  }
  for (const cell of cells.values()) cell.orders = cell.ids.size;
  return new Map([...cells].map(([k, { ids: _ids, ...v }]) => [k, v]));
}

/** variant -> [7d, 30d, 90d] units of orders not cancelled, windows ending on asOfDay. */
export function expectedVelocity(raw: RawRows, orders: ExpectedOrder[], asOfDay: string): Map<string, [number, number, number]> {
  const byId = new Map(orders.map((o) => [o.order_id, o]));
  const asOf = Date.parse(`${asOfDay}T00:00:00Z`);
  const out = new Map<string, [number, number, number]>();
  const liveProducts = new Set(raw.products.filter((p) => !p.deleted_at).map((p) => p.id));
  for (const v of raw.variants) if (!v.deleted_at && liveProducts.has(v.product_id)) out.set(v.id, [0, 0, 0]);
  for (const l of raw.lines) {
    const o = byId.get(l.order_id);
    if (!o || o.status === "cancelled" || l.deleted_at || !out.has(l.variant_id)) continue;
    const age = (asOf - Date.parse(`${o.shop_day}T00:00:00Z`)) / 86_400_000;
    if (age < 0) continue;
    const w = out.get(l.variant_id)!;
    if (age < 7) w[0] += l.quantity;
    if (age < 30) w[1] += l.quantity;
    if (age < 90) w[2] += l.quantity;
  }
  return out;
}
