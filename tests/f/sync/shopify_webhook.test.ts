// S2 webhook ingest end to end: real HTTP to the route POST shopify/webhooks
// served by startServer, the script's preprocessor checking the signature,
// a fresh Postgres mirror filled first by the real daily sync against the
// simulator. Payloads are the simulator's REST renderings of its own records,
// signed like Shopify signs them. The last tests let the simulator's time
// travel post its signed webhooks to the route and compare with its truth,
// then run a bulk sync over the same data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { startServer, type Served } from "../../../local/serve.ts";
import { restInventoryLevel, restOrder, restProduct } from "../../../local/sim/webhooks.ts";
import type { SimNode } from "../../../local/sim/store/types.ts";
import { shopifyHmac } from "../../../f/lib/webhooks/hmac.ts";
import { BULK_FINISHED_CHANNEL } from "../../../f/lib/webhooks/bulk_finish.ts";
import { expectOrdersMatchTruth } from "../lib/ingest/helpers.ts";
import { expectSucceeded, runSync, syncHarness, type SyncHarness } from "./helpers.ts";

const SECRET = "whsec-test-3b1f";
let h: SyncHarness;
let served: Served;
let route: string;
let sql: Sql;

beforeAll(async () => {
  h = await syncHarness({ orders: 60, seed: "webhooks" });
  sql = h.db.sql;
  h.runner.resources.bind({ variables: { "f/platform/shopify_webhook_secret": SECRET } });
  served = await startServer({ runner: h.runner, port: 0, token: "test-token" });
  route = `${served.url}/api/r/shopify/webhooks`;
  expectSucceeded(await runSync(h)); // the mirror a webhook lands on
}, 120_000);
afterAll(async () => {
  await served?.close();
  await h?.close();
});

let seq = 0;
interface Delivery {
  id?: string;
  /** null: no signature header; a string: that header as is. */
  hmac?: string | null;
  secret?: string;
  contentType?: string;
  triggeredAt?: string;
}

async function deliver(topic: string, body: unknown, d: Delivery = {}): Promise<{ status: number; body: any; id: string }> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const id = d.id ?? `test-${++seq}-${Date.now()}`;
  const headers: Record<string, string> = {
    "Content-Type": d.contentType ?? "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Webhook-Id": id,
    "X-Shopify-Shop-Domain": h.sim.shop,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Triggered-At": d.triggeredAt ?? new Date().toISOString(),
  };
  const hmac = d.hmac === undefined ? shopifyHmac(raw, d.secret ?? SECRET) : d.hmac;
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  const res = await fetch(route, { method: "POST", headers, body: raw });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON (e.g. the platform's own 400) */
  }
  return { status: res.status, body: parsed, id };
}

const later = (iso: unknown, ms: number) => new Date(Date.parse(String(iso)) + ms).toISOString().replace(/\.\d{3}Z$/, "Z");

async function orderRows(id: string) {
  const [order] = await sql<Record<string, any>[]>`select * from raw_shopify_orders where id = ${id}`;
  const lines = await sql<Record<string, any>[]>`select * from raw_shopify_line_items where order_id = ${id} order by id`;
  return { order: order!, lines };
}
const without = (row: Record<string, any>, ...keys: string[]) => Object.fromEntries(Object.entries(row).filter(([k]) => !["synced_at", ...keys].includes(k)));

async function deliveryCount(): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries`;
  return n;
}
async function jobLogsOf(webhookIdOrText: string): Promise<string> {
  const rows = await sql<{ line: string }[]>`
    select l.line from wm_local.job_logs l join wm_local.jobs j on j.id = l.job_id
    where j.path = 'f/sync/shopify_webhook' order by j.created_at, l.seq`;
  return rows.map((r) => r.line).filter((l) => l.includes(webhookIdOrText)).join("\n");
}

function orderTruth(index: number): SimNode {
  return h.sim.admin.order(index)!;
}

describe("POST shopify/webhooks", () => {
  it("a signed orders/updated lands in the raw mirror as the same columns the bulk sync wrote", async () => {
    const truth = orderTruth(5);
    const before = await orderRows(truth.id);
    const updatedAt = later(truth.updatedAt, 3_600_000);
    const payload = { ...restOrder(truth), tags: "rush, webhook-test", updated_at: updatedAt };
    const res = await deliver("orders/updated", payload);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "processed", topic: "orders/updated", webhook_id: res.id, resource_id: truth.id });

    const after = await orderRows(truth.id);
    expect(after.order.tags).toEqual(["rush", "webhook-test"]);
    expect(after.order.updated_at.toISOString()).toBe(new Date(updatedAt).toISOString());
    // Everything else, typed columns and the whole node, is what the bulk export wrote.
    expect(without(after.order, "tags", "updated_at", "payload")).toEqual(without(before.order, "tags", "updated_at", "payload"));
    expect(without(after.order.payload, "tags", "updatedAt")).toEqual(without(before.order.payload, "tags", "updatedAt"));
    expect(after.lines.map((l) => without(l, "updated_at"))).toEqual(before.lines.map((l) => without(l, "updated_at")));
    expect(after.lines.every((l) => l.updated_at.toISOString() === new Date(updatedAt).toISOString())).toBe(true);

    const [row] = await sql`select * from webhook_deliveries where webhook_id = ${res.id}`;
    expect(row).toMatchObject({ topic: "orders/updated", status: "processed", resource_id: truth.id, shop_domain: h.sim.shop, attempts: 1, error: null });
    expect(row!.job_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await jobLogsOf(res.id)).toMatch(/orders\/updated webhook .*: processed: gid:\/\/shopify\/Order\/\d+ \(#\d+\) updated_at .*: wrote 1 Order, \d+ Fulfillment, \d+ Refund, \d+ LineItem/);
  });

  it("a wrong signature is refused with 401: nothing written, and the body is not logged", async () => {
    const truth = orderTruth(6);
    const before = await orderRows(truth.id);
    const deliveries = await deliveryCount();
    const payload = { ...restOrder(truth), note: "SECRET-NOTE-forged", updated_at: later(truth.updatedAt, 7_200_000) };
    const forged = await deliver("orders/updated", payload, { secret: "not-the-app-secret" });
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: "invalid X-Shopify-Hmac-Sha256 signature" });
    // A signature of other bytes (the body changed after signing) is as wrong.
    const tampered = await deliver("orders/updated", JSON.stringify(payload), { hmac: shopifyHmac(JSON.stringify({ ...payload, note: "x" }), SECRET) });
    expect(tampered.status).toBe(401);

    expect(await orderRows(truth.id)).toEqual(before);
    expect(await deliveryCount()).toBe(deliveries);
    const logs = await jobLogsOf(forged.id);
    expect(logs).toMatch(/refused orders\/updated webhook .*: invalid X-Shopify-Hmac-Sha256 signature \(HTTP 401\); nothing written/);
    const allLogs = (await sql<{ line: string }[]>`select line from wm_local.job_logs`).map((r) => r.line).join("\n");
    expect(allLogs).not.toContain("SECRET-NOTE-forged");
  });

  it("a missing signature is refused with 401 and nothing written", async () => {
    const truth = orderTruth(7);
    const before = await orderRows(truth.id);
    const deliveries = await deliveryCount();
    const res = await deliver("orders/updated", { ...restOrder(truth), updated_at: later(truth.updatedAt, 60_000) }, { hmac: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "missing X-Shopify-Hmac-Sha256 header" });
    expect(await orderRows(truth.id)).toEqual(before);
    expect(await deliveryCount()).toBe(deliveries);
  });

  it("a duplicate delivery (same X-Shopify-Webhook-Id) is acknowledged and not applied again", async () => {
    const truth = orderTruth(8);
    const payload = { ...restOrder(truth), note: "first", updated_at: later(truth.updatedAt, 60_000) };
    const first = await deliver("orders/updated", payload);
    expect(first.body.outcome).toBe("processed");
    const written = await orderRows(truth.id);
    // Shopify's retry of the same delivery, and a forged replay carrying other content under the same id.
    const again = await deliver("orders/updated", payload, { id: first.id });
    const replay = await deliver("orders/updated", { ...payload, note: "second", updated_at: later(truth.updatedAt, 120_000) }, { id: first.id });
    for (const r of [again, replay]) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ outcome: "duplicate", webhook_id: first.id });
    }
    expect(await orderRows(truth.id)).toEqual(written);
    expect(written.order.note).toBe("first");
    const [row] = await sql`select status, attempts from webhook_deliveries where webhook_id = ${first.id}`;
    expect(row).toEqual({ status: "processed", attempts: 1 });
  });

  it("out of order: an older update never overwrites newer data, from a webhook or from the bulk sync", async () => {
    const truth = orderTruth(9);
    const newer = { ...restOrder(truth), note: "newer", updated_at: later(truth.updatedAt, 2 * 3_600_000) };
    const older = { ...restOrder(truth), note: "older", updated_at: later(truth.updatedAt, 3_600_000) };
    expect((await deliver("orders/updated", newer)).body.outcome).toBe("processed");
    const res = await deliver("orders/updated", older);
    expect(res.status).toBe(200);
    expect(res.body.summary).toMatch(/^stale: /);
    const rows = await orderRows(truth.id);
    expect(rows.order.note).toBe("newer");
    expect(rows.order.updated_at.toISOString()).toBe(new Date(newer.updated_at).toISOString());

    // As old as what we hold (e.g. the bulk row of the same change): the row we hold stays.
    const bulkRow = await orderRows(orderTruth(10).id);
    const same = await deliver("orders/updated", { ...restOrder(orderTruth(10)), note: "same version" });
    expect(same.body.summary).toMatch(/^stale: /);
    expect(await orderRows(orderTruth(10).id)).toEqual(bulkRow);
  });

  it("orders/delete soft-deletes the order and its children; no later or older update brings it back", async () => {
    const truth = orderTruth(11);
    const deletedAt = "2026-11-28T01:00:00.000Z";
    const res = await deliver("orders/delete", { id: Number(truth.legacyResourceId) }, { triggeredAt: deletedAt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "processed", resource_id: truth.id });
    const rows = await orderRows(truth.id);
    expect(rows.order.deleted_at.toISOString()).toBe(deletedAt);
    expect(rows.lines.length).toBeGreaterThan(0);
    expect(rows.lines.every((l) => l.deleted_at?.toISOString() === deletedAt)).toBe(true);
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from (select deleted_at from raw_shopify_fulfillments where order_id = ${truth.id}
                                      union all select deleted_at from raw_shopify_refunds where order_id = ${truth.id}) x where deleted_at is null`;
    expect(n).toBe(0);

    // An update delivered late (Shopify does not guarantee order) updates the row but it stays deleted.
    expect((await deliver("orders/updated", { ...restOrder(truth), note: "late", updated_at: later(truth.updatedAt, 60_000) })).body.outcome).toBe("processed");
    expect((await orderRows(truth.id)).order).toMatchObject({ note: "late" });
    expect((await orderRows(truth.id)).order.deleted_at.toISOString()).toBe(deletedAt);

    // A create we never held, delivered after its delete: the tombstone keeps it deleted.
    const ghost = { ...restOrder(orderTruth(12)), id: 990000001, admin_graphql_api_id: "gid://shopify/Order/990000001", name: "#GHOST", line_items: [] };
    expect((await deliver("orders/delete", { id: 990000001 }, { triggeredAt: deletedAt })).body.summary).toMatch(/none held yet/);
    const created = await deliver("orders/create", ghost);
    expect(created.body.summary).toMatch(/stays deleted/);
    const [row] = await sql`select name, deleted_at from raw_shopify_orders where id = 'gid://shopify/Order/990000001'`;
    expect(row!.name).toBe("#GHOST");
    expect(row!.deleted_at.toISOString()).toBe(deletedAt);
  });

  it("malformed JSON is answered 400 with nothing written", async () => {
    const deliveries = await deliveryCount();
    const [{ n: orders }] = await sql<{ n: number }[]>`select count(*)::int as n from raw_shopify_orders`;
    const broken = '{"id": 1, "name": "#1001", ';
    // As Shopify sends it (application/json): the route refuses an unparseable JSON body before any job runs.
    const asJson = await deliver("orders/create", broken);
    expect(asJson.status).toBe(400);
    // Any other content type reaches the preprocessor, which checks the signature and then the JSON.
    const asText = await deliver("orders/create", broken, { contentType: "text/plain" });
    expect(asText.status).toBe(400);
    expect(asText.body.error).toMatch(/^malformed JSON body: /);
    const notObject = await deliver("orders/create", "[1,2]", { contentType: "text/plain" });
    expect(notObject.status).toBe(400);
    expect(await deliveryCount()).toBe(deliveries);
    const [{ n: after }] = await sql<{ n: number }[]>`select count(*)::int as n from raw_shopify_orders`;
    expect(after).toBe(orders);
  });

  it("an unknown topic is acknowledged and logged, with nothing written", async () => {
    const deliveries = await deliveryCount();
    const res = await deliver("customers/update", { id: 1, admin_graphql_api_id: "gid://shopify/Customer/1", email: "x@example.com" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "ignored", topic: "customers/update" });
    expect(await deliveryCount()).toBe(deliveries);
    expect(await jobLogsOf(res.id)).toMatch(/customers\/update webhook .*: ignored: topic customers\/update is not ingested/);
  });

  it("products/update and inventory_levels/update write the catalogue and stock rows, newest wins", async () => {
    const product = h.sim.admin.store().product(3)!;
    const updatedAt = later(product.updatedAt, 3_600_000);
    const rest = { ...restProduct(product), title: "Renamed by webhook", updated_at: updatedAt };
    const before = await sql<Record<string, any>[]>`select * from raw_shopify_variants where product_id = ${product.id} order by id`;
    const res = await deliver("products/update", rest);
    expect(res.body).toMatchObject({ outcome: "processed", resource_id: product.id });
    const [row] = await sql`select title, updated_at, payload from raw_shopify_products where id = ${product.id}`;
    expect(row!.title).toBe("Renamed by webhook");
    expect(row!.updated_at.toISOString()).toBe(new Date(updatedAt).toISOString());
    // Variants did not change (same updatedAt): the rows we hold stay, untouched.
    expect(await sql`select * from raw_shopify_variants where product_id = ${product.id} order by id`).toEqual(before);

    const level = (h.sim.admin.store().location(0)!.inventoryLevels as SimNode[])[0]!;
    const [held] = await sql<Record<string, any>[]>`select * from raw_shopify_inventory_levels where id = ${level.id}`;
    const stock = { ...restInventoryLevel(level), available: 4242, updated_at: later(level.updatedAt, 60_000) };
    expect((await deliver("inventory_levels/update", stock)).body.outcome).toBe("processed");
    const [now] = await sql<Record<string, any>[]>`select * from raw_shopify_inventory_levels where id = ${level.id}`;
    expect(now).toMatchObject({ available: 4242, on_hand: held!.on_hand, committed: held!.committed, sku: held!.sku, location_id: held!.location_id, inventory_item_id: held!.inventory_item_id });
    // An older level update is stale.
    expect((await deliver("inventory_levels/update", { ...stock, available: 1, updated_at: later(level.updatedAt, 30_000) })).body.summary).toMatch(/^stale/);
    expect((await sql`select available from raw_shopify_inventory_levels where id = ${level.id}`)[0]!.available).toBe(4242);
  });

  it("products/delete soft-deletes the product, its variants and their stock", async () => {
    const product = h.sim.admin.store().product(4)!;
    const res = await deliver("products/delete", { id: Number(String(product.id).split("/").pop()) });
    expect(res.body).toMatchObject({ outcome: "processed", resource_id: product.id });
    const [p] = await sql`select deleted_at from raw_shopify_products where id = ${product.id}`;
    expect(p!.deleted_at).not.toBeNull();
    const live = await sql`select id from raw_shopify_variants where product_id = ${product.id} and deleted_at is null`;
    expect(live).toHaveLength(0);
  });

  it("bulk_operations/finish records the outcome and wakes a poller LISTENing for it", async () => {
    const id = "gid://shopify/BulkOperation/424242";
    const [run] = await sql<{ id: number }[]>`insert into sync_runs (trigger, status) values ('test', 'running') returning id::int`;
    await sql`insert into bulk_operations (id, run_id, resource, query, status) values (${id}, ${run!.id}, 'orders', 'test', 'RUNNING')`;
    let wake: (payload: string) => void = () => undefined;
    const woken = new Promise<string>((resolve) => (wake = resolve));
    const listening = await sql.listen(BULK_FINISHED_CHANNEL, (payload) => wake(payload)); // resolves once LISTEN is in place
    const res = await deliver("bulk_operations/finish", { admin_graphql_api_id: id, completed_at: "2026-11-28T00:10:00Z", created_at: "2026-11-28T00:00:00Z", error_code: null, status: "completed", type: "query" });
    expect(res.body).toMatchObject({ outcome: "processed", resource_id: id });
    expect(await woken).toBe(id);
    await listening.unlisten();
    const [op] = await sql`select status, error_code, completed_at from bulk_operations where id = ${id}`;
    expect(op).toEqual({ status: "COMPLETED", error_code: null, completed_at: new Date("2026-11-28T00:10:00Z") });
    // A job that is not ours is acknowledged and ignored.
    const other = await deliver("bulk_operations/finish", { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "failed", error_code: "internal_server_error", type: "query" });
    expect(other.body).toMatchObject({ outcome: "ignored" });
    // Not a real job: leave no running run or open job behind for the sync below.
    await sql`delete from bulk_operations where id = ${id}`;
    await sql`delete from sync_runs where id = ${run!.id}`;
  });
});

describe("the simulator's time travel posting signed webhooks to the route", () => {
  it("lands exactly the generator's truth for the touched orders, and a bulk sync over the same data changes nothing", async () => {
    h.sim.admin.setWebhook(route, SECRET);
    const t0 = performance.now();
    const travel = await h.sim.admin.advanceClock({ ms: 6 * 3_600_000, newOrders: 6, updates: 8, cancellations: 2, refunds: 2, deletes: 1, productUpdates: 2, inventoryUpdates: 3 });
    const ms = performance.now() - t0;
    console.log(`time travel: ${travel.deliveries.length} signed webhooks delivered one at a time through the route in ${Math.round(ms)} ms (${Math.round(ms / Math.max(1, travel.deliveries.length))} ms each, mart refresh included)`);
    expect(travel.deliveries.length).toBe(travel.events.length);
    expect(travel.deliveries.filter((d) => d.status !== 200)).toEqual([]);
    const topics = new Set(travel.events.map((e) => e.topic));
    expect([...topics].sort()).toEqual(expect.arrayContaining(["orders/create", "orders/delete", "orders/updated", "products/update", "inventory_levels/update"]));

    const orderEvents = travel.events.filter((e) => e.topic.startsWith("orders/"));
    const touched = new Set(orderEvents.map((e) => e.id));
    const store = h.sim.admin.store();
    const untouched = new Set<string>();
    for (let i = 0; i < store.orderSlots; i++) {
      const o = store.order(i);
      if (o && !touched.has(o.id)) untouched.add(o.id);
    }
    const checked = await expectOrdersMatchTruth(sql, h.sim, untouched);
    const deleted = orderEvents.filter((e) => e.topic === "orders/delete").map((e) => e.id);
    expect(checked).toBe(touched.size - deleted.length);
    for (const id of deleted) {
      const [row] = await sql`select deleted_at from raw_shopify_orders where id = ${id}`;
      expect(row?.deleted_at ?? null, `deleted ${id}`).not.toBeNull();
    }
    // Products touched by the travel (the earlier tests renamed and deleted others on purpose).
    for (const e of travel.events.filter((x) => x.topic === "products/update")) {
      const truth = h.sim.admin.node(e.id)!;
      const [row] = await sql`select title, tags, status, updated_at from raw_shopify_products where id = ${e.id}`;
      expect({ ...row, updated_at: row!.updated_at.toISOString() }).toEqual({ title: truth.title, tags: truth.tags, status: truth.status, updated_at: new Date(truth.updatedAt as string).toISOString() });
      const variants = await sql`select id, sku, price::text, updated_at from raw_shopify_variants where product_id = ${e.id} order by id`;
      expect(variants.map((v) => v.id)).toEqual((truth.variants as SimNode[]).map((v) => v.id).sort());
    }
    for (const e of travel.events.filter((x) => x.topic === "inventory_levels/update")) {
      const truth = h.sim.admin.node(e.id) ?? (store.location(0)!.inventoryLevels as SimNode[]).find((l) => l.id === e.id)!;
      const [row] = await sql`select available, updated_at from raw_shopify_inventory_levels where id = ${e.id}`;
      const available = (truth.quantities as { name: string; quantity: number }[]).find((q) => q.name === "available")!.quantity;
      expect({ available: row!.available, updated_at: row!.updated_at.toISOString() }).toEqual({ available, updated_at: new Date(truth.updatedAt as string).toISOString() });
    }

    // The bulk sync exports the same changes: the webhook rows are already what it writes.
    const ids = [...touched];
    const snapshot = async () => ({
      orders: (await sql<Record<string, any>[]>`select * from raw_shopify_orders where id = any(${ids}) order by id`).map((r) => without(r)),
      lines: (await sql<Record<string, any>[]>`select * from raw_shopify_line_items where order_id = any(${ids}) order by id`).map((r) => without(r)),
      fulfillments: (await sql<Record<string, any>[]>`select * from raw_shopify_fulfillments where order_id = any(${ids}) order by id`).map((r) => without(r)),
      refunds: (await sql<Record<string, any>[]>`select * from raw_shopify_refunds where order_id = any(${ids}) order by id`).map((r) => without(r)),
    });
    const beforeSync = await snapshot();
    const summary = expectSucceeded(await runSync(h, { resources: ["orders"] }));
    expect(summary.status, JSON.stringify(summary)).toBe("succeeded");
    const afterSync = await snapshot();
    // Typed columns agree column for column; the stored nodes too, but for what REST cannot say.
    const strip = (rows: Record<string, any>[]) => rows.map((r) => without(r, "payload"));
    for (const k of ["orders", "lines", "fulfillments", "refunds"] as const) expect(strip(afterSync[k]), k).toEqual(strip(beforeSync[k]));
    expect(afterSync.lines.map((l) => l.payload)).toEqual(beforeSync.lines.map((l) => l.payload));
    expect(afterSync.orders.map((o) => o.payload)).toEqual(beforeSync.orders.map((o) => o.payload));
    await expectOrdersMatchTruth(sql, h.sim, untouched);

    // The sync's own bulk jobs announced their end through the route, and the ledger took it.
    const finishes = await sql`select status, detail from webhook_deliveries where topic = 'bulk_operations/finish' and resource_id in (select id from bulk_operations where run_id = ${summary.run_id})`;
    expect(finishes.length).toBeGreaterThan(0);
    expect(finishes.every((f) => f.status === "processed")).toBe(true);
    h.sim.admin.setWebhook(null);
  }, 120_000);
});
