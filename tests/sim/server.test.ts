/**
 * HTTP surface of the simulator: auth (static and client-credentials tokens), API
 * versions, Shopify-style errors, the mutations our scenarios use, inventory, time
 * travel with signed webhooks, and the admin endpoints.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../local/sim/server.ts";
import { ORDERS_BULK_QUERY } from "../shopify/fixtures/bulk_queries.ts";
import { adminCall, graphql, parseJsonl, runBulk, startTestSimulator, waitForBulk } from "./helpers.ts";

const HOUR = 3_600_000;
let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ seed: "server" });
});
afterAll(async () => {
  await sim.close();
});

function firstOrderWhere(test: (o: any) => boolean): any {
  for (let i = 0; i < 200; i++) {
    const order = sim.admin.order(i);
    if (order && test(order)) return order;
  }
  throw new Error("no such order in the test store");
}

describe("auth and versions", () => {
  it("issues 24 h client-credentials tokens that work until they expire", async () => {
    const res = await fetch(`${sim.url}/admin/oauth/access_token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: sim.clientId, client_secret: sim.clientSecret }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string; expires_in: number };
    expect(body.expires_in).toBe(86_399);
    expect(body.scope).toContain("read_all_orders");
    expect((await graphql(sim, "{ shop { name } }", undefined, { token: body.access_token })).status).toBe(200);
    const wrong = await fetch(`${sim.url}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ grant_type: "client_credentials", client_id: sim.clientId, client_secret: "nope" }) });
    expect(wrong.status).toBe(401);
    await sim.admin.advanceClock({ ms: 25 * HOUR, newOrders: 0, updates: 0, cancellations: 0, refunds: 0, deletes: 0, productUpdates: 0, inventoryUpdates: 0 });
    expect((await graphql(sim, "{ shop { name } }", undefined, { token: body.access_token })).status).toBe(401);
    expect((await graphql(sim, "{ shop { name } }")).status).toBe(200); // the static token does not expire
  });

  it("serves an unsupported version as the oldest supported one and says so", async () => {
    const old = await graphql(sim, "{ shop { name } }", undefined, { version: "2024-01" });
    expect(old.status).toBe(200);
    expect(old.headers.get("x-shopify-api-version")).toBe("2026-01");
    const pinned = await graphql(sim, "{ shop { name } }", undefined, { version: "2026-10" });
    expect(pinned.headers.get("x-shopify-api-version")).toBe("2026-10");
  });

  it("guards the admin endpoints with the token", async () => {
    expect((await fetch(`${sim.url}/_sim/truth/counts`)).status).toBe(401);
    const counts = await adminCall(sim, "GET", "/_sim/truth/counts");
    expect(counts.body).toEqual(sim.admin.counts());
  });
});

describe("GraphQL errors", () => {
  it("reports invalid documents like Shopify: HTTP 200, errors, no data", async () => {
    const res = await graphql(sim, "{ orders(first: 1) { nodes { userErrors } } }");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errors: [{ message: "Field 'userErrors' doesn't exist on type 'Order'", locations: [{ line: 1, column: 30 }], extensions: { code: "undefinedField", typeName: "Order", fieldName: "userErrors" } }] });
  });

  it("names a field the simulator does not resolve instead of returning a silent null", async () => {
    const res = await graphql(sim, "{ orders(first: 1) { nodes { id riskLevel } } }");
    expect(res.body.errors[0]).toMatchObject({ message: "Field 'Order.riskLevel' is not implemented by the Shopify simulator.", path: ["orders", "nodes", 0, "riskLevel"] });
  });

  it("requires first or last on connections, and rejects queries over the cost limit", async () => {
    expect((await graphql(sim, "{ orders { nodes { id } } }")).body.errors[0].message).toBe("you must provide one of first or last");
    const costly = await graphql(sim, "{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }");
    expect(costly.body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
  });
});

describe("mutations", () => {
  it("tagsAdd / tagsRemove change tags and updatedAt, and the order appears in an updated_at window", async () => {
    const order = firstOrderWhere((o) => !(o.tags as string[]).includes("proof-approved"));
    const add = await graphql(sim, `mutation($id: ID!) { tagsAdd(id: $id, tags: ["proof-approved", "vip-check"]) { node { id ... on Order { tags updatedAt } } userErrors { field message } } }`, { id: order.id });
    expect(add.body.data.tagsAdd.userErrors).toEqual([]);
    const added = add.body.data.tagsAdd.node;
    expect(added.tags).toEqual(expect.arrayContaining(["proof-approved", "vip-check"]));
    expect(added.updatedAt > order.updatedAt).toBe(true);
    const since = await graphql(sim, `query($q: String) { orders(first: 50, query: $q) { nodes { id } } }`, { q: `updated_at:>='${added.updatedAt}'` });
    expect(since.body.data.orders.nodes.map((n: any) => n.id)).toContain(order.id);
    const remove = await graphql(sim, `mutation($id: ID!) { tagsRemove(id: $id, tags: "vip-check") { node { ... on Order { tags } } userErrors { message } } }`, { id: order.id });
    expect(remove.body.data.tagsRemove.node.tags).toContain("proof-approved");
    expect(remove.body.data.tagsRemove.node.tags).not.toContain("vip-check");
    const missing = await graphql(sim, `mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { node { id } userErrors { field message } } }`);
    expect(missing.body.data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] });
  });

  it("orderUpdate overwrites the note", async () => {
    const order = sim.admin.order(3)!;
    const res = await graphql(sim, `mutation($input: OrderInput!) { orderUpdate(input: $input) { order { id note } userErrors { field message } } }`, { input: { id: order.id, note: "Ring before delivery" } });
    expect(res.body.data.orderUpdate).toEqual({ order: { id: order.id, note: "Ring before delivery" }, userErrors: [] });
    expect(sim.admin.node(order.id)!.note).toBe("Ring before delivery");
  });

  it("fulfillmentCreate fulfils an open fulfillment order with tracking, then refuses the closed one", async () => {
    const order = firstOrderWhere((o) => o.displayFulfillmentStatus === "UNFULFILLED" && !o.cancelledAt);
    const fos = await graphql(sim, `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 50) { nodes { id remainingQuantity lineItem { id sku } } } } } } }`, { id: order.id });
    const fo = fos.body.data.order.fulfillmentOrders.nodes[0];
    expect(fo.status).toBe("OPEN");
    const create = `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id status trackingInfo { company number url } } userErrors { field message } } }`;
    const input = { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }], notifyCustomer: true, trackingInfo: { company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" } };
    const res = await graphql(sim, create, { f: input });
    expect(res.body.data.fulfillmentCreate.userErrors).toEqual([]);
    expect(res.body.data.fulfillmentCreate.fulfillment).toMatchObject({ status: "SUCCESS", trackingInfo: [{ company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" }] });
    const after = sim.admin.node(order.id)!;
    expect(after.displayFulfillmentStatus).toBe("FULFILLED");
    expect((after.fulfillmentOrders as any[])[0].status).toBe("CLOSED");
    const again = await graphql(sim, create, { f: input });
    const numericFo = fo.id.split("/").pop();
    expect(again.body.data.fulfillmentCreate).toEqual({ fulfillment: null, userErrors: [{ field: ["fulfillment"], message: `Fulfillment order ${numericFo} has an unfulfillable status= closed.` }] });
  });

  it("metafieldsSet stores metafields atomically and validates them", async () => {
    const owner = sim.admin.order(5)!.id;
    const set = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key namespace value type } userErrors { field message code elementIndex } } }`;
    const ok = await graphql(sim, set, { m: [{ ownerId: owner, namespace: "ops", key: "design_status", type: "single_line_text_field", value: "approved" }] });
    expect(ok.body.data.metafieldsSet).toEqual({ metafields: [{ key: "design_status", namespace: "ops", value: "approved", type: "single_line_text_field" }], userErrors: [] });
    const read = await graphql(sim, `query($id: ID!) { order(id: $id) { metafield(namespace: "ops", key: "design_status") { value } } }`, { id: owner });
    expect(read.body.data.order.metafield).toEqual({ value: "approved" });
    const bad = await graphql(sim, set, { m: [{ ownerId: owner, namespace: "ops", key: "ok_key", type: "single_line_text_field", value: "x" }, { ownerId: owner, namespace: "ops", key: "no_type", value: "y" }] });
    expect(bad.body.data.metafieldsSet.metafields).toBeNull();
    expect(bad.body.data.metafieldsSet.userErrors).toEqual([{ field: ["metafields", "1", "type"], message: "Type can't be blank.", code: "BLANK", elementIndex: 1 }]);
    const none = await graphql(sim, `query($id: ID!) { order(id: $id) { metafield(namespace: "ops", key: "ok_key") { value } } }`, { id: owner });
    expect(none.body.data.order.metafield).toBeNull();
  });
});

describe("inventory", () => {
  it("serves locations with inventory levels and quantities(names:) from the store", async () => {
    const res = await graphql(sim, `{ locations(first: 5) { nodes { id name isActive inventoryLevels(first: 3) { nodes { id quantities(names: ["available", "on_hand"]) { name quantity } item { id sku } } } } } }`);
    const locations = res.body.data.locations.nodes;
    expect(locations.every((l: any) => l.isActive)).toBe(true);
    expect(locations.length).toBe(2); // the inactive one needs includeInactive
    for (const location of locations) {
      const truth = sim.admin.node(location.id)!;
      for (const level of location.inventoryLevels.nodes) {
        const t = (truth.inventoryLevels as any[]).find((x) => x.id === level.id);
        expect(level.quantities).toEqual(["available", "on_hand"].map((name) => ({ name, quantity: t.quantities.find((q: any) => q.name === name).quantity })));
        expect(level.item.sku).toBe(sim.admin.node(level.item.id)!.sku);
      }
    }
    const all = await graphql(sim, `{ locations(first: 5, includeInactive: true) { nodes { isActive } } }`);
    expect(all.body.data.locations.nodes.length).toBe(3);
  });
});

describe("time travel and webhooks", () => {
  // A fresh store: earlier tests' mutations must not fall inside the travelled window.
  let tsim: Simulator;
  let receiver: Server;
  const received: { headers: Record<string, string | string[] | undefined>; raw: string }[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        received.push({ headers: req.headers, raw });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    tsim = await startTestSimulator({ seed: "travel" });
  });
  afterAll(async () => {
    await tsim.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it("advances the clock, changes the store and sends signed REST-shaped webhooks", async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    expect((await adminCall(tsim, "POST", "/_sim/webhook", { url })).status).toBe(200);
    const before = tsim.admin.counts().orders;
    const res = await adminCall(tsim, "POST", "/_sim/clock/advance", { hours: 6, newOrders: 4, updates: 3, cancellations: 1, refunds: 1, deletes: 1, productUpdates: 1, inventoryUpdates: 1 });
    expect(res.status).toBe(200);
    const { events, from, to, deliveries } = res.body as { events: { topic: string; id: string; at: string }[]; from: string; to: string; deliveries: { status: number }[] };
    expect(events.filter((e) => e.topic === "orders/create")).toHaveLength(4);
    expect(events.filter((e) => e.topic === "orders/delete")).toHaveLength(1);
    expect(events.some((e) => e.topic === "products/update")).toBe(true);
    expect(events.some((e) => e.topic === "inventory_levels/update")).toBe(true);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(received.length).toBe(events.length);
    expect(tsim.admin.counts().orders).toBe(before + 4 - 1);

    for (const hook of received) {
      const expected = createHmac("sha256", tsim.clientSecret).update(hook.raw, "utf8").digest("base64");
      expect(hook.headers["x-shopify-hmac-sha256"]).toBe(expected);
      expect(hook.headers["x-shopify-shop-domain"]).toBe(tsim.shop);
      expect(hook.headers["x-shopify-api-version"]).toBe("2026-10");
      expect(hook.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(hook.headers["x-shopify-triggered-at"]).toBeTruthy();
    }
    const created = received.filter((h) => h.headers["x-shopify-topic"] === "orders/create").map((h) => JSON.parse(h.raw));
    expect(created[0]).toMatchObject({ admin_graphql_api_id: expect.stringMatching(/^gid:\/\/shopify\/Order\//), line_items: expect.any(Array), financial_status: expect.any(String) });
    const deleted = received.find((h) => h.headers["x-shopify-topic"] === "orders/delete")!;
    const deletedId = events.find((e) => e.topic === "orders/delete")!.id;
    expect(JSON.parse(deleted.raw)).toEqual({ id: Number(deletedId.split("/").pop()) });
    expect((await graphql(tsim, `query($id: ID!) { node(id: $id) { id } }`, { id: deletedId })).body.data.node).toBeNull();

    // An incremental export over the travelled window returns exactly the changed, surviving orders.
    const changed = new Set(events.filter((e) => e.topic.startsWith("orders/") && e.topic !== "orders/delete").map((e) => e.id));
    changed.delete(deletedId);
    const op = await waitForBulk(tsim, await runBulk(tsim, ORDERS_BULK_QUERY(`updated_at:>='${from}' AND updated_at:<='${to}'`)));
    const exported = parseJsonl(await (await fetch(op.url)).text()).filter((l) => !l.__parentId).map((l) => l.id);
    expect(new Set(exported)).toEqual(changed);
    for (const id of exported) expect(tsim.admin.node(id)!.updatedAt as string >= from).toBe(true);
  });

  it("sends bulk_operations/finish with lowercase status", async () => {
    received.length = 0;
    const id = await runBulk(tsim, ORDERS_BULK_QUERY("name:#1001"));
    await waitForBulk(tsim, id);
    for (let i = 0; i < 100 && !received.some((h) => h.headers["x-shopify-topic"] === "bulk_operations/finish"); i++) await new Promise((r) => setTimeout(r, 10));
    const hook = received.find((h) => h.headers["x-shopify-topic"] === "bulk_operations/finish")!;
    expect(JSON.parse(hook.raw)).toMatchObject({ admin_graphql_api_id: id, status: "completed", error_code: null, type: "query" });
  });

  it("is deterministic: the same seed and advances give the same events", async () => {
    const [x, y] = await Promise.all([startTestSimulator({ seed: "tt" }), startTestSimulator({ seed: "tt" })]);
    try {
      const opts = { ms: 3 * 86_400_000 };
      const [ex, ey] = await Promise.all([x.admin.advanceClock(opts), y.admin.advanceClock(opts)]);
      expect(ex.events.length).toBeGreaterThan(0);
      expect(ex.events.map(({ topic, id }) => [topic, id])).toEqual(ey.events.map(({ topic, id }) => [topic, id]));
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });

  it("reset restores the generated store", async () => {
    await adminCall(sim, "POST", "/_sim/reset");
    expect(sim.admin.counts().orders).toBe(200);
    expect(sim.admin.order(3)!.note).not.toBe("Ring before delivery");
  });
});
