// A realistic raw mirror for mart tests: the simulator's seeded store (its
// ground-truth objects) written as raw-mirror rows the way the ingest maps
// the bulk results (money from shopMoney, children in their own tables). The
// order payload keeps shippingLine/shippingLines and the line payloads their
// customAttributes, as the orders bulk query will once it selects them.
import type { Sql } from "postgres";
import { Store } from "../../../../local/sim/store/index.ts";
import type { SimNode } from "../../../../local/sim/store/types.ts";

type Row = Record<string, unknown>;
const money = (bag: unknown) => ((bag as { shopMoney?: { amount: string } } | null)?.shopMoney?.amount ?? null);
const refId = (ref: unknown) => (ref as { id?: string } | null)?.id ?? null;
const withoutChildren = (node: SimNode) => {
  const { lineItems: _l, fulfillments: _f, refunds: _r, fulfillmentOrders: _fo, ...rest } = node;
  return rest;
};

export function storeRows(store: Store) {
  const orders: Row[] = [];
  const lines: Row[] = [];
  const fulfillments: Row[] = [];
  const refunds: Row[] = [];
  for (let i = 0; i < store.orderSlots; i++) {
    const o = store.order(i);
    if (o) orderRows(o, orders, lines, fulfillments, refunds);
  }
  const products: Row[] = [];
  const variants: Row[] = [];
  for (let p = 0; p < store.cfg.products; p++) {
    const product = store.product(p);
    if (!product) continue;
    products.push({
      id: product.id, title: product.title, handle: product.handle, status: product.status, vendor: product.vendor,
      product_type: product.productType, tags: product.tags, created_at: product.createdAt, updated_at: product.updatedAt,
      published_at: product.publishedAt, payload: withoutChildren(product),
    });
    for (const v of product.variants as SimNode[]) {
      variants.push({
        id: v.id, product_id: product.id, sku: v.sku, title: v.title, price: v.price, position: v.position,
        inventory_quantity: v.inventoryQuantity, inventory_item_id: refId(v.inventoryItem), created_at: v.createdAt,
        updated_at: v.updatedAt, payload: v,
      });
    }
  }
  const customers: Row[] = [];
  for (let c = 0; c < store.customerCount(); c++) {
    const cu = store.customer(c)!;
    customers.push({
      id: cu.id, first_name: cu.firstName, last_name: cu.lastName, email: (cu.defaultEmailAddress as { emailAddress: string }).emailAddress,
      state: cu.state, tags: cu.tags, number_of_orders: cu.numberOfOrders, created_at: cu.createdAt, updated_at: cu.updatedAt, payload: cu,
    });
  }
  const locations: Row[] = [];
  const levels: Row[] = [];
  for (let l = 0; l < store.locationCount(); l++) {
    const loc = store.location(l)!;
    const { inventoryLevels, ...rest } = loc;
    locations.push({ id: loc.id, name: loc.name, is_active: loc.isActive, updated_at: loc.updatedAt, payload: rest });
    for (const level of inventoryLevels as SimNode[]) {
      const q = (name: string) => (level.quantities as { name: string; quantity: number }[]).find((x) => x.name === name)?.quantity ?? null;
      levels.push({
        id: level.id, location_id: loc.id, inventory_item_id: refId(level.item), available: q("available"), on_hand: q("on_hand"),
        committed: q("committed"), incoming: q("incoming"), reserved: q("reserved"), updated_at: level.updatedAt, payload: level,
      });
    }
  }
  return { orders, lines, fulfillments, refunds, products, variants, customers, locations, levels };
}

export function orderRows(o: SimNode, orders: Row[], lines: Row[], fulfillments: Row[], refunds: Row[]) {
  orders.push({
    id: o.id, name: o.name, created_at: o.createdAt, updated_at: o.updatedAt, processed_at: o.processedAt,
    cancelled_at: o.cancelledAt, cancel_reason: o.cancelReason, closed_at: o.closedAt,
    financial_status: o.displayFinancialStatus, fulfillment_status: o.displayFulfillmentStatus, tags: o.tags, test: o.test,
    currency: o.currencyCode, total_price: money(o.totalPriceSet), subtotal_price: money(o.subtotalPriceSet),
    total_discounts: money(o.totalDiscountsSet), total_tax: money(o.totalTaxSet), total_shipping: money(o.totalShippingPriceSet),
    total_refunded: money(o.totalRefundedSet), customer_id: refId(o.customer),
    shipping_country_code: (o.shippingAddress as { countryCodeV2?: string } | null)?.countryCodeV2 ?? null,
    payload: withoutChildren(o),
  });
  for (const l of o.lineItems as SimNode[]) {
    lines.push({
      id: l.id, order_id: o.id, sku: l.sku, title: l.title, variant_title: l.variantTitle, quantity: l.quantity,
      current_quantity: l.currentQuantity, variant_id: refId(l.variant), product_id: refId(l.product),
      unit_price: money(l.originalUnitPriceSet), discounted_unit_price: money(l.discountedUnitPriceSet),
      total_discount: money(l.totalDiscountSet), updated_at: o.updatedAt, payload: l,
    });
  }
  for (const f of o.fulfillments as SimNode[]) {
    fulfillments.push({ id: f.id, order_id: o.id, status: f.status, display_status: f.displayStatus, created_at: f.createdAt, updated_at: f.updatedAt, payload: f });
  }
  for (const r of o.refunds as SimNode[]) {
    refunds.push({ id: r.id, order_id: o.id, created_at: r.createdAt, note: r.note, total_refunded: money(r.totalRefundedSet), updated_at: o.updatedAt, payload: r });
  }
}

const TABLE_OF = {
  orders: "raw_shopify_orders",
  lines: "raw_shopify_line_items",
  fulfillments: "raw_shopify_fulfillments",
  refunds: "raw_shopify_refunds",
  products: "raw_shopify_products",
  variants: "raw_shopify_variants",
  customers: "raw_shopify_customers",
  locations: "raw_shopify_locations",
  levels: "raw_shopify_inventory_levels",
} as const;

/** Upserts the rows (newer payload wins, as the ingest does). */
export async function writeRows(sql: Sql, rows: Partial<Record<keyof typeof TABLE_OF, Row[]>>): Promise<void> {
  for (const [kind, list] of Object.entries(rows) as [keyof typeof TABLE_OF, Row[]][]) {
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500);
      const cols = Object.keys(chunk[0]!);
      await sql`
        insert into ${sql(TABLE_OF[kind])} ${sql(chunk as never, cols)}
        on conflict (id) do update set ${sql.unsafe(cols.filter((c) => c !== "id").map((c) => `${c} = excluded.${c}`).join(", "))}`;
    }
  }
}

export async function loadStore(sql: Sql, store: Store): Promise<ReturnType<typeof storeRows>> {
  const rows = storeRows(store);
  await writeRows(sql, rows);
  await sql`update shop_settings set timezone = ${store.cfg.shop.ianaTimezone}, currency = ${store.cfg.shop.currencyCode},
            country_code = ${store.cfg.shop.countryCode}, updated_at = now()`;
  return rows;
}
