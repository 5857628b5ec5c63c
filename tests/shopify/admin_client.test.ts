/**
 * The real @shopify/admin-api-client against the simulator: what our sync code will see.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../local/sim/server.ts";
import { BULK_MESSAGES } from "../../local/sim/bulk/validate.ts";
import { ORDERS_BULK_QUERY } from "./fixtures/bulk_queries.ts";
import { adminClient, parseJsonl, pick, POLL_BULK, RUN_BULK, startTestSimulator } from "../sim/helpers.ts";

const DAY = 86_400_000;
let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

async function runAndWait(query: string) {
  const client = adminClient(sim);
  const run = await client.request(RUN_BULK, { variables: { query } });
  expect(run.errors).toBeUndefined();
  expect(run.data.bulkOperationRunQuery.userErrors).toEqual([]);
  const id: string = run.data.bulkOperationRunQuery.bulkOperation.id;
  const seen = new Set<string>([run.data.bulkOperationRunQuery.bulkOperation.status]);
  for (;;) {
    const poll = await client.request(POLL_BULK, { variables: { id } });
    const op = poll.data.bulkOperation;
    seen.add(op.status);
    if (["COMPLETED", "FAILED", "CANCELED", "EXPIRED"].includes(op.status)) return { op, seen };
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("@shopify/admin-api-client against the simulator", () => {
  it("answers a query with data matching the store", async () => {
    const client = adminClient(sim);
    const res = await client.request(`query { shop { currencyCode ianaTimezone } orders(first: 3) { nodes { id name email } } ordersCount(limit: null) { count precision } }`);
    expect(res.errors).toBeUndefined();
    const truth = [0, 1, 2].map((i) => sim.admin.order(i)!);
    expect(res.data.orders.nodes).toEqual(truth.map((o) => ({ id: o.id, name: o.name, email: o.email })));
    expect(res.data.ordersCount).toEqual({ count: sim.admin.counts().orders, precision: "EXACT" });
    expect(res.data.shop.currencyCode).toBe(sim.admin.store().cfg.shop.currencyCode);
    expect(res.extensions?.cost?.throttleStatus?.maximumAvailable).toBe(2000);
    expect(res.headers?.get("x-shopify-api-version")).toBe("2026-10");
  });

  it("returns THROTTLED at HTTP 200 with cost extensions when the bucket is empty", async () => {
    sim.admin.configure({ throttle: { size: 20, restoreRate: 1 } });
    try {
      const client = adminClient(sim, sim.token + "", "2026-10");
      const expensive = `{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id } } } } }`;
      let throttled;
      for (let i = 0; i < 3 && !throttled; i++) {
        const res = await client.request(expensive);
        if (res.errors) throttled = res;
      }
      expect(throttled).toBeDefined();
      expect(throttled!.errors!.networkStatusCode).toBe(200);
      expect(throttled!.errors!.graphQLErrors![0]).toMatchObject({ message: "Throttled", extensions: { code: "THROTTLED" } });
      expect(throttled!.data).toBeUndefined();
      const cost = throttled!.extensions!.cost!;
      expect(cost.actualQueryCost).toBeNull();
      expect(cost.requestedQueryCost).toBeGreaterThan(cost.throttleStatus!.currentlyAvailable!);
      expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 20, restoreRate: 1 });
    } finally {
      sim.admin.configure({ throttle: { size: 2000, restoreRate: 100 } });
    }
  });

  it("rejects a wrong token with Shopify's 401", async () => {
    const res = await adminClient(sim, "shpat_wrong").request(`{ shop { name } }`);
    expect(res.errors?.networkStatusCode).toBe(401);
    const raw = await fetch(sim.graphqlUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query: "{ shop { name } }" }) });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  });

  it("runs a bulk export end to end whose JSONL matches the generator object by object", async () => {
    const { op, seen } = await runAndWait(ORDERS_BULK_QUERY("updated_at:>='2025-01-01T00:00:00Z' AND updated_at:<'2027-01-01T00:00:00Z'"));
    expect(op.status).toBe("COMPLETED");
    expect([...seen]).toEqual(expect.arrayContaining(["COMPLETED"]));
    expect(typeof op.objectCount).toBe("string");
    expect(typeof op.rootObjectCount).toBe("string");
    expect(typeof op.fileSize).toBe("string");
    const response = await fetch(op.url); // no Shopify auth header
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(String(Buffer.byteLength(text))).toBe(op.fileSize);
    const lines = parseJsonl(text);
    expect(String(lines.length)).toBe(op.objectCount);

    const orders = lines.filter((l) => l.id.startsWith("gid://shopify/Order/"));
    const items = lines.filter((l) => l.id.startsWith("gid://shopify/LineItem/"));
    expect(String(orders.length)).toBe(op.rootObjectCount);
    expect(orders.length).toBe(sim.admin.counts().orders);
    const expectedOrderKeys = ["id", "legacyResourceId", "name", "createdAt", "updatedAt", "processedAt", "cancelledAt", "cancelReason", "closedAt", "displayFinancialStatus", "displayFulfillmentStatus", "tags", "note", "test", "currencyCode", "presentmentCurrencyCode", "totalPriceSet", "subtotalPriceSet", "totalDiscountsSet", "totalTaxSet", "totalShippingPriceSet", "totalRefundedSet", "customer", "shippingAddress", "fulfillments", "refunds", "shippingLine"];
    for (const line of orders) {
      expect(Object.keys(line)).toEqual(expectedOrderKeys);
      const truth = sim.admin.node(line.id)!;
      expect(line).toEqual(pick(truth, line));
    }
    const truthItems = orders.flatMap((o) => (sim.admin.node(o.id)!.lineItems as { id: string }[]).map((li) => ({ ...li, orderId: o.id })));
    expect(items.length).toBe(truthItems.length);
    for (const line of items) {
      const { __parentId, ...rest } = line;
      const truth = truthItems.find((t) => t.id === line.id)!;
      expect(__parentId).toBe(truth.orderId);
      expect(rest).toEqual(pick(truth, rest));
      expect(Object.keys(rest)).toContain("originalUnitPriceSet");
    }
  });

  it("returns url null and zero counts for an export with no results", async () => {
    const { op } = await runAndWait(ORDERS_BULK_QUERY("created_at:<'2000-01-01T00:00:00Z'"));
    expect(op).toMatchObject({ status: "COMPLETED", objectCount: "0", rootObjectCount: "0", url: null });
  });

  const invalid: [string, string][] = [
    ["{ shop { name } }", BULK_MESSAGES.noConnection],
    ["{ orders { edges { node { id a1: lineItems { edges { node { id } } } a2: lineItems { edges { node { id } } } a3: lineItems { edges { node { id } } } a4: lineItems { edges { node { id } } } a5: lineItems { edges { node { id } } } } } } }", BULK_MESSAGES.tooManyConnections],
    ["{ products { edges { node { id collections { edges { node { id products { edges { node { id } } } } } } } } } }", BULK_MESSAGES.tooDeep],
    ['{ node(id: "gid://shopify/Order/1") { id } }', BULK_MESSAGES.topLevelNode],
    ["{ orders { nodes { id } } }", BULK_MESSAGES.nodesSelection(["orders"])],
    ["{ products { edges { node { title variants { edges { node { id } } } } } } }", BULK_MESSAGES.parentWithoutId(["products"])],
    ["{ products { edges { node { productId: id variants { edges { node { id } } } } } } }", BULK_MESSAGES.parentWithoutId(["products"])],
    ["{ orders { edges { node { id fulfillments { events { edges { node { id } } } } } } } }", BULK_MESSAGES.connectionInList],
    ['mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }', BULK_MESSAGES.notQuery],
    ["", BULK_MESSAGES.emptyQuery],
  ];
  it.each(invalid)("rejects an invalid bulk query with Shopify's message: %s", async (query, message) => {
    const res = await adminClient(sim).request(RUN_BULK, { variables: { query } });
    expect(res.data.bulkOperationRunQuery).toEqual({ bulkOperation: null, userErrors: [{ field: ["query"], message, code: "INVALID" }] });
  });

  it("refuses the 6th concurrent bulk query with OPERATION_IN_PROGRESS listing the running ids, and cancels", async () => {
    sim.admin.configure({ bulkTiming: { createdMs: 60_000 } });
    const client = adminClient(sim);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const res = await client.request(RUN_BULK, { variables: { query: ORDERS_BULK_QUERY(`name:#${1001 + i}`) } });
        expect(res.data.bulkOperationRunQuery.userErrors).toEqual([]);
        ids.push(res.data.bulkOperationRunQuery.bulkOperation.id);
      }
      const sixth = await client.request(RUN_BULK, { variables: { query: ORDERS_BULK_QUERY("name:#1010") } });
      expect(sixth.data.bulkOperationRunQuery.bulkOperation).toBeNull();
      expect(sixth.data.bulkOperationRunQuery.userErrors).toEqual([
        { field: null, code: "OPERATION_IN_PROGRESS", message: `A bulk query operation for this app and shop is already in progress: ${ids.join(", ")}.` },
      ]);
      const running = await client.request(`{ bulkOperations(first: 10, query: "status:created") { nodes { id } } }`);
      expect(running.data.bulkOperations.nodes.map((n: { id: string }) => n.id)).toEqual(ids);
    } finally {
      sim.admin.configure({ bulkTiming: { createdMs: 5, cancelingMs: 30 } });
      const cancel = `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }`;
      for (const id of ids) {
        const res = await client.request(cancel, { variables: { id } });
        expect(res.data.bulkOperationCancel).toEqual({ bulkOperation: { id, status: "CANCELING" }, userErrors: [] });
      }
    }
    // CANCELING -> CANCELED (the job notices at its next step).
    for (const id of ids) {
      let status = "";
      for (let i = 0; i < 400 && status !== "CANCELED"; i++) {
        status = (await client.request(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, { variables: { id } })).data.node.status;
        if (status !== "CANCELED") await new Promise((r) => setTimeout(r, 10));
      }
      expect(status).toBe("CANCELED");
    }
    const missing = await client.request(`mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { field message } } }`);
    expect(missing.data.bulkOperationCancel.userErrors).toEqual([{ field: ["id"], message: "Bulk operation does not exist" }]);
  });

  it("refuses to cancel a completed job, and the deprecated currentBulkOperation still answers", async () => {
    const { op } = await runAndWait(ORDERS_BULK_QUERY("name:#1001"));
    const client = adminClient(sim);
    const res = await client.request(`mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { field message } } }`, { variables: { id: op.id } });
    expect(res.data.bulkOperationCancel.userErrors).toEqual([{ field: null, message: "A bulk operation cannot be canceled when it is completed" }]);
    const current = await client.request(`{ currentBulkOperation { id status } }`);
    expect(current.data.currentBulkOperation).toEqual({ id: op.id, status: "COMPLETED" });
    expect((await client.request(`{ bulkOperation(id: "gid://shopify/BulkOperation/0") { id } }`)).data.bulkOperation).toBeNull();
  });

  it("expires the result URL after 7 days (403) and reports EXPIRED", async () => {
    const { op } = await runAndWait(ORDERS_BULK_QUERY("name:#1002"));
    expect((await fetch(op.url)).status).toBe(200);
    await sim.admin.advanceClock({ ms: 7 * DAY + 60_000, newOrders: 0, updates: 0, cancellations: 0, refunds: 0, deletes: 0, productUpdates: 0, inventoryUpdates: 0 });
    const expired = await fetch(op.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("ExpiredToken");
    const poll = await adminClient(sim).request(POLL_BULK, { variables: { id: op.id } });
    expect(poll.data.bulkOperation.status).toBe("EXPIRED");
    const tampered = await fetch(op.url.replace(/Expires=\d+/, "Expires=9999999999"));
    expect(tampered.status).toBe(403);
  });
});
