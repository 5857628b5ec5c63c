// Shared by the ingest tests: simulator exports as bytes, ledger rows the
// pipeline would have written, table dumps, and checks against the
// simulator's ground truth (the generator's records, not our own parse).
import { expect } from "vitest";
import type { Sql } from "postgres";
import type { Simulator } from "../../../../local/sim/server.ts";
import type { LineOrdering } from "../../../../local/sim/bulk/jsonl.ts";
import type { SimNode } from "../../../../local/sim/store/types.ts";
import { runBulk, waitForBulk } from "../../../sim/helpers.ts";

export const RAW_TABLES = [
  "raw_shopify_orders",
  "raw_shopify_line_items",
  "raw_shopify_fulfillments",
  "raw_shopify_refunds",
  "raw_shopify_products",
  "raw_shopify_variants",
  "raw_shopify_customers",
  "raw_shopify_locations",
  "raw_shopify_inventory_levels",
] as const;

export interface Export {
  op: { id: string; objectCount: string; url: string | null; completedAt: string };
  bytes: Uint8Array;
}

export async function bulkExport(sim: Simulator, query: string, ordering: LineOrdering = "shuffled"): Promise<Export> {
  sim.admin.configure({ lineOrdering: ordering });
  const op = await waitForBulk(sim, await runBulk(sim, query));
  expect(op.status).toBe("COMPLETED");
  const response = await fetch(op.url);
  expect(response.status).toBe(200);
  return { op, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** The bytes as a stream in uneven chunks, so lines straddle chunk boundaries. */
export function streamOf(bytes: Uint8Array, chunk = 3001, delayMs = 0): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    async pull(controller) {
      if (at >= bytes.length) return controller.close();
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

/** A sync run and the bulk operation row, as the pipeline records them before ingesting. */
export async function recordOperation(sql: Sql, op: Export["op"], resource: string): Promise<number> {
  const [run] = await sql<{ id: number }[]>`insert into sync_runs (trigger, status) values ('test', 'partial') returning id::int`;
  await sql`
    insert into bulk_operations (id, run_id, resource, query, status, object_count, url, completed_at)
    values (${op.id}, ${run!.id}, ${resource}, 'test', 'COMPLETED', ${op.objectCount}, ${op.url}, ${op.completedAt})
    on conflict (id) do nothing`;
  return run!.id;
}

export async function resetMirror(sql: Sql): Promise<void> {
  await sql.unsafe(`truncate ${RAW_TABLES.join(", ")}, ingest_failures, archive_objects, ingest_staging`);
}

/** Every row of every raw table, without synced_at (which records when, not what). */
export async function dumpMirror(sql: Sql): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of RAW_TABLES) {
    const rows = await sql.unsafe(`select * from ${table} order by id`);
    out[table] = rows.map(({ synced_at: _, ...rest }) => rest);
  }
  return out;
}

/** Decimal text without trailing zeros, so "10.0" (Shopify) and "10.0000" (numeric(18,4)) compare equal. */
export function dec(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

const ts = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
const amount = (bag: unknown) => dec((bag as { shopMoney?: { amount: string } } | null)?.shopMoney?.amount);

async function byId(sql: Sql, table: string): Promise<Map<string, Record<string, any>>> {
  const rows = await sql.unsafe(`select * from ${table}`);
  return new Map(rows.map((r) => [r.id as string, r]));
}

/** The orders and line items of the store (minus the ids in `skip`) against raw orders, line items, fulfillments and refunds. */
export async function expectOrdersMatchTruth(sql: Sql, sim: Simulator, skip: ReadonlySet<string> = new Set()): Promise<number> {
  const store = sim.admin.store();
  const [orders, lineItems, fulfillments, refunds] = await Promise.all(["raw_shopify_orders", "raw_shopify_line_items", "raw_shopify_fulfillments", "raw_shopify_refunds"].map((t) => byId(sql, t)));
  let checked = 0;
  const expected = { lineItems: 0, fulfillments: 0, refunds: 0 };
  for (let i = 0; i < store.orderSlots; i++) {
    const truth = store.order(i);
    if (!truth || skip.has(truth.id)) continue;
    checked++;
    const row = orders.get(truth.id);
    expect(row, `order ${truth.id}`).toBeDefined();
    expect({
      name: row!.name,
      updated_at: ts(row!.updated_at),
      created_at: ts(row!.created_at),
      processed_at: ts(row!.processed_at),
      cancelled_at: ts(row!.cancelled_at),
      financial_status: row!.financial_status,
      fulfillment_status: row!.fulfillment_status,
      tags: row!.tags,
      currency: row!.currency,
      total_price: dec(row!.total_price),
      subtotal_price: dec(row!.subtotal_price),
      total_tax: dec(row!.total_tax),
      total_refunded: dec(row!.total_refunded),
      customer_id: row!.customer_id,
      shipping_country_code: row!.shipping_country_code,
    }).toEqual({
      name: truth.name,
      updated_at: ts(truth.updatedAt),
      created_at: ts(truth.createdAt),
      processed_at: ts(truth.processedAt),
      cancelled_at: ts(truth.cancelledAt),
      financial_status: truth.displayFinancialStatus,
      fulfillment_status: truth.displayFulfillmentStatus,
      tags: truth.tags,
      currency: truth.currencyCode,
      total_price: amount(truth.totalPriceSet),
      subtotal_price: amount(truth.subtotalPriceSet),
      total_tax: amount(truth.totalTaxSet),
      total_refunded: amount(truth.totalRefundedSet),
      customer_id: (truth.customer as { id: string } | null)?.id ?? null,
      shipping_country_code: (truth.shippingAddress as { countryCodeV2: string } | null)?.countryCodeV2 ?? null,
    });
    for (const line of truth.lineItems as SimNode[]) {
      if (skip.has(line.id)) continue;
      expected.lineItems++;
      const r = lineItems.get(line.id);
      expect(r, `line item ${line.id}`).toBeDefined();
      expect({ order_id: r!.order_id, sku: r!.sku, quantity: r!.quantity, current_quantity: r!.current_quantity, unit_price: dec(r!.unit_price), discounted: dec(r!.discounted_unit_price), variant_id: r!.variant_id, updated_at: ts(r!.updated_at) }).toEqual({
        order_id: truth.id,
        sku: line.sku,
        quantity: line.quantity,
        current_quantity: line.currentQuantity,
        unit_price: amount(line.originalUnitPriceSet),
        discounted: amount(line.discountedUnitPriceSet),
        variant_id: (line.variant as { id: string }).id,
        updated_at: ts(truth.updatedAt), // line items carry their order's updatedAt
      });
    }
    for (const f of truth.fulfillments as SimNode[]) {
      expected.fulfillments++;
      const r = fulfillments.get(f.id);
      expect({ order_id: r?.order_id, status: r?.status, display: r?.display_status, updated_at: ts(r?.updated_at), tracking: r?.tracking_number }).toEqual({
        order_id: truth.id,
        status: f.status,
        display: f.displayStatus,
        updated_at: ts(f.updatedAt),
        tracking: (f.trackingInfo as { number: string }[])[0]?.number ?? null,
      });
    }
    for (const refund of truth.refunds as SimNode[]) {
      expected.refunds++;
      const r = refunds.get(refund.id);
      expect({ order_id: r?.order_id, total: dec(r?.total_refunded), updated_at: ts(r?.updated_at) }).toEqual({ order_id: truth.id, total: amount(refund.totalRefundedSet), updated_at: ts(truth.updatedAt) });
    }
  }
  if (skip.size === 0) {
    expect(orders.size).toBe(checked);
    expect(lineItems.size).toBe(expected.lineItems);
    expect(fulfillments.size).toBe(expected.fulfillments);
    expect(refunds.size).toBe(expected.refunds);
  }
  return checked;
}

export async function expectCatalogMatchesTruth(sql: Sql, sim: Simulator): Promise<void> {
  const store = sim.admin.store();
  const [products, variants] = await Promise.all([byId(sql, "raw_shopify_products"), byId(sql, "raw_shopify_variants")]);
  let variantCount = 0;
  for (let p = 0; p < store.cfg.products; p++) {
    const truth = store.product(p)!;
    const row = products.get(truth.id);
    expect({ title: row?.title, handle: row?.handle, status: row?.status, vendor: row?.vendor, tags: row?.tags, updated_at: ts(row?.updated_at) }).toEqual({
      title: truth.title,
      handle: truth.handle,
      status: truth.status,
      vendor: truth.vendor,
      tags: truth.tags,
      updated_at: ts(truth.updatedAt),
    });
    for (const v of truth.variants as SimNode[]) {
      variantCount++;
      const r = variants.get(v.id);
      expect({ product_id: r?.product_id, sku: r?.sku, price: dec(r?.price), compare: dec(r?.compare_at_price), position: r?.position, qty: r?.inventory_quantity, item: r?.inventory_item_id, updated_at: ts(r?.updated_at) }).toEqual({
        product_id: truth.id,
        sku: v.sku,
        price: dec(v.price),
        compare: dec(v.compareAtPrice),
        position: v.position,
        qty: v.inventoryQuantity,
        item: (v.inventoryItem as { id: string }).id,
        updated_at: ts(v.updatedAt),
      });
    }
  }
  expect(products.size).toBe(store.cfg.products);
  expect(variants.size).toBe(variantCount);
}

export async function expectCustomersMatchTruth(sql: Sql, sim: Simulator): Promise<void> {
  const store = sim.admin.store();
  const customers = await byId(sql, "raw_shopify_customers");
  for (let c = 0; c < store.customerCount(); c++) {
    const truth = store.customer(c)!;
    const r = customers.get(truth.id);
    expect({ first: r?.first_name, email: r?.email, orders: Number(r?.number_of_orders), spent: dec(r?.amount_spent), tags: r?.tags, updated_at: ts(r?.updated_at) }).toEqual({
      first: truth.firstName,
      email: (truth.defaultEmailAddress as { emailAddress: string } | null)?.emailAddress ?? null,
      orders: Number(truth.numberOfOrders),
      spent: dec((truth.amountSpent as { amount: string }).amount),
      tags: truth.tags,
      updated_at: ts(truth.updatedAt),
    });
  }
  expect(customers.size).toBe(store.customerCount());
}

export async function expectInventoryMatchesTruth(sql: Sql, sim: Simulator): Promise<void> {
  const store = sim.admin.store();
  const [locations, levels] = await Promise.all([byId(sql, "raw_shopify_locations"), byId(sql, "raw_shopify_inventory_levels")]);
  let levelCount = 0;
  let locationCount = 0;
  for (let l = 0; l < store.locationCount(); l++) {
    const truth = store.location(l)!;
    if (!truth.isActive) continue; // the export lists active locations only
    locationCount++;
    expect({ name: locations.get(truth.id)?.name, active: locations.get(truth.id)?.is_active }).toEqual({ name: truth.name, active: true });
    for (const level of truth.inventoryLevels as SimNode[]) {
      levelCount++;
      const r = levels.get(level.id);
      const q = Object.fromEntries((level.quantities as { name: string; quantity: number }[]).map((x) => [x.name, x.quantity]));
      expect({ location: r?.location_id, item: r?.inventory_item_id, available: r?.available, on_hand: r?.on_hand, committed: r?.committed, updated_at: ts(r?.updated_at) }).toEqual({
        location: truth.id,
        item: (level.item as { id: string }).id,
        available: q.available,
        on_hand: q.on_hand,
        committed: q.committed,
        updated_at: ts(level.updatedAt),
      });
    }
  }
  expect(locations.size).toBe(locationCount);
  expect(levels.size).toBe(levelCount);
}
