/**
 * The seeded store: deterministic bytes from the seed, counts that agree with the
 * count queries and the connections, realistic variety, and search filters that
 * select what the records say.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../local/sim/server.ts";
import { Store } from "../../local/sim/store/index.ts";
import { ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY, CUSTOMERS_BULK_QUERY, INVENTORY_BULK_QUERY } from "../shopify/fixtures/bulk_queries.ts";
import { graphql, runBulk, startTestSimulator, TEST_NOW, waitForBulk } from "./helpers.ts";

async function exportBytes(sim: Simulator, query: string): Promise<string> {
  const op = await waitForBulk(sim, await runBulk(sim, query));
  expect(op.status).toBe("COMPLETED");
  return op.url ? await (await fetch(op.url)).text() : "";
}

describe("seeded store generator", () => {
  let a: Simulator;
  let b: Simulator;
  let other: Simulator;
  beforeAll(async () => {
    [a, b, other] = await Promise.all([
      startTestSimulator({ seed: "same", lineOrdering: "shuffled" }),
      startTestSimulator({ seed: "same", lineOrdering: "shuffled" }),
      startTestSimulator({ seed: "different", lineOrdering: "shuffled" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), other.close()]);
  });

  it("produces the same bytes for the same seed, and different bytes for another seed", async () => {
    for (const query of [ORDERS_BULK_QUERY(""), PRODUCTS_BULK_QUERY(""), CUSTOMERS_BULK_QUERY(""), INVENTORY_BULK_QUERY]) {
      const [x, y, z] = await Promise.all([exportBytes(a, query), exportBytes(b, query), exportBytes(other, query)]);
      expect(x.length).toBeGreaterThan(1000);
      expect(x).toBe(y);
      expect(x).not.toBe(z);
    }
  });

  it("computes any order from its index alone (no dependence on generation order)", () => {
    const s1 = new Store({ seed: 9, orders: 1_000_000, now: TEST_NOW });
    const s2 = new Store({ seed: 9, orders: 1_000_000, now: TEST_NOW });
    const late = s1.order(987_654);
    for (let i = 0; i < 50; i++) s2.order(i);
    expect(s2.order(987_654)).toEqual(late);
    expect(s1.orderCreatedAt(999_999)).toBeLessThan(Date.parse(TEST_NOW));
    expect(s1.orderCreatedAt(1)).toBeGreaterThan(s1.orderCreatedAt(0));
  });

  it("counts agree with ordersCount/productsCount/customersCount and with full pagination", async () => {
    const counts = a.admin.counts();
    const { body } = await graphql(a, `{ ordersCount(limit: null) { count precision } productsCount(limit: null) { count } customersCount(limit: null) { count } }`);
    expect(body.data).toEqual({ ordersCount: { count: counts.orders, precision: "EXACT" }, productsCount: { count: counts.products }, customersCount: { count: counts.customers } });
    expect(counts.orders).toBe(200);

    // Paging through every order with cursors visits each exactly once.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await graphql(a, `query($after: String) { orders(first: 50, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      seen.push(...page.body.data.orders.edges.map((e: any) => e.node.id));
      if (!page.body.data.orders.pageInfo.hasNextPage) break;
      after = page.body.data.orders.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(counts.orders);

    // A filtered count equals the number of truth records matching the same rule.
    const truth = Array.from({ length: 200 }, (_, i) => a.admin.order(i)!);
    const rush = truth.filter((o) => (o.tags as string[]).includes("rush")).length;
    const cancelled = truth.filter((o) => o.cancelledAt).length;
    const window = truth.filter((o) => (o.updatedAt as string) >= "2026-06-01T00:00:00Z" && (o.updatedAt as string) < "2026-09-01T00:00:00Z").length;
    const res = await graphql(a, `{ rush: ordersCount(query: "tag:rush") { count } cancelled: ordersCount(query: "status:cancelled") { count } win: ordersCount(query: "updated_at:>='2026-06-01T00:00:00Z' AND updated_at:<'2026-09-01T00:00:00Z'") { count } capped: ordersCount(limit: 5) { count precision } }`);
    expect(res.body.data).toEqual({ rush: { count: rush }, cancelled: { count: cancelled }, win: { count: window }, capped: { count: 5, precision: "AT_LEAST" } });
    expect(window).toBeGreaterThan(0);
  });

  it("generates a realistic store", () => {
    const store = a.admin.store();
    const orders = Array.from({ length: 200 }, (_, i) => store.order(i)!);
    const lines = orders.flatMap((o) => o.lineItems as any[]);
    const products = Array.from({ length: store.cfg.products }, (_, p) => store.product(p)!);
    const customers = Array.from({ length: store.cfg.customers }, (_, c) => store.customer(c)!);
    const share = (n: number, of: number) => n / of;
    expect(products.some((p) => (p.tags as string[]).includes("custom"))).toBe(true);
    expect(products.some((p) => p.featuredMedia === null)).toBe(true);
    expect(products.some((p) => p.description === "")).toBe(true);
    expect(new Set(products.map((p) => p.productType)).size).toBeGreaterThan(4);
    expect(products.every((p) => (p.variants as any[]).every((v) => /^[A-Z]{3}-\d{4}/.test(v.sku) && Number(v.price) > 0))).toBe(true);
    expect(customers.some((c) => (c.tags as string[]).includes("wholesale"))).toBe(true);
    expect(lines.some((l) => l.customAttributes.some((a: any) => a.key === "Design"))).toBe(true);
    expect(orders.some((o) => (o.discountCodes as string[]).length > 0)).toBe(true);
    expect(orders.some((o) => (o.shippingLines as any[])[0].title === "Express")).toBe(true);
    expect(orders.some((o) => (o.fulfillments as any[]).length > 0)).toBe(true);
    expect(orders.some((o) => (o.refunds as any[]).length > 0)).toBe(true);
    expect(orders.some((o) => o.cancelledAt)).toBe(true);
    expect(share(orders.filter((o) => o.displayFulfillmentStatus === "FULFILLED").length, orders.length)).toBeGreaterThan(0.5);
    // Customers' order counts add up to the orders.
    expect(customers.reduce((s, c) => s + Number(c.numberOfOrders), 0)).toBe(200);
    // Money adds up on every order.
    for (const o of orders) {
      const cents = (m: any) => Math.round(Number(m.shopMoney.amount) * 100);
      expect(cents(o.totalPriceSet)).toBe(cents(o.subtotalPriceSet) + cents(o.totalShippingPriceSet) + cents(o.totalTaxSet));
    }
  });

  it("search syntax selects what the records say", async () => {
    const store = a.admin.store();
    const truth = Array.from({ length: 200 }, (_, i) => store.order(i)!);
    const email = truth[17]!.email as string;
    const ids = async (query: string) => {
      const res = await graphql(a, `query($q: String) { orders(first: 250, query: $q) { nodes { id } } }`, { q: query });
      return res.body.data.orders.nodes.map((n: { id: string }) => n.id);
    };
    expect(await ids("name:#1018")).toEqual([truth[17]!.id]);
    expect(await ids("name:1018")).toEqual([truth[17]!.id]);
    expect(await ids(`email:${email}`)).toEqual(truth.filter((o) => o.email === email).map((o) => o.id));
    expect(await ids("status:open")).toEqual(truth.filter((o) => !o.closed && !o.cancelledAt).map((o) => o.id));
    expect(await ids("tag:rush OR tag:gift")).toEqual(truth.filter((o) => (o.tags as string[]).some((t) => t === "rush" || t === "gift")).map((o) => o.id));
    expect(await ids("-tag:rush AND financial_status:paid")).toEqual(truth.filter((o) => !(o.tags as string[]).includes("rush") && o.displayFinancialStatus === "PAID").map((o) => o.id));
    const created = truth[100]!.createdAt as string;
    expect(await ids(`created_at:>='${created}'`)).toEqual(truth.slice(100).map((o) => o.id));
    const products = await graphql(a, `{ products(first: 250, query: "tag:custom", sortKey: TITLE) { nodes { title tags } } }`);
    const titles = products.body.data.products.nodes.map((p: any) => p.title);
    expect(titles).toEqual([...titles].sort((x: string, y: string) => x.toLowerCase().localeCompare(y.toLowerCase())));
    expect(products.body.data.products.nodes.every((p: any) => p.tags.includes("custom"))).toBe(true);
    const reversed = await graphql(a, `{ orders(first: 3, reverse: true) { nodes { name } } }`);
    expect(reversed.body.data.orders.nodes.map((n: any) => n.name)).toEqual(["#1200", "#1199", "#1198"]);
  });

  it("pages backwards with last/before, and by a sort key with stable cursors", async () => {
    const last = await graphql(a, `{ orders(last: 3) { edges { cursor node { name } } pageInfo { hasPreviousPage startCursor } } }`);
    expect(last.body.data.orders.edges.map((e: any) => e.node.name)).toEqual(["#1198", "#1199", "#1200"]);
    expect(last.body.data.orders.pageInfo.hasPreviousPage).toBe(true);
    const before = await graphql(a, `query($c: String) { orders(last: 2, before: $c) { nodes { name } } }`, { c: last.body.data.orders.pageInfo.startCursor });
    expect(before.body.data.orders.nodes.map((n: any) => n.name)).toEqual(["#1196", "#1197"]);
    const byUpdated: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await graphql(a, `query($after: String) { orders(first: 60, after: $after, sortKey: UPDATED_AT) { nodes { updatedAt } pageInfo { hasNextPage endCursor } } }`, { after });
      byUpdated.push(...page.body.data.orders.nodes.map((n: any) => n.updatedAt));
      if (!page.body.data.orders.pageInfo.hasNextPage) break;
      after = page.body.data.orders.pageInfo.endCursor;
    }
    expect(byUpdated).toHaveLength(200);
    expect(byUpdated).toEqual([...byUpdated].sort());
  });
});
