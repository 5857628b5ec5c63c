/** Bulk JSONL layout: line orderings, __parentId, inline lists, and other roots against truth. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../local/sim/server.ts";
import { INVENTORY_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "../shopify/fixtures/bulk_queries.ts";
import { adminCall, graphql, parseJsonl, pick, RUN_BULK, runBulk, startTestSimulator, waitForBulk } from "./helpers.ts";

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator({ seed: "bulk", orders: 120 });
});
afterAll(async () => {
  await sim.close();
});

async function exportLines(query: string): Promise<any[]> {
  const op = await waitForBulk(sim, await runBulk(sim, query));
  expect(op.status).toBe("COMPLETED");
  return parseJsonl(await (await fetch(op.url)).text());
}

function positions(lines: any[]) {
  const index = new Map(lines.map((l, i) => [l.id, i]));
  return lines.filter((l) => l.__parentId).map((child) => ({ child: index.get(child.id)!, parent: index.get(child.__parentId)! }));
}

describe("bulk JSONL layout", () => {
  it("adjacent: each parent is followed by its children", async () => {
    await adminCall(sim, "POST", "/_sim/config", { lineOrdering: "adjacent" });
    const lines = await exportLines(ORDERS_BULK_QUERY(""));
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].__parentId) expect([lines[i - 1].id, lines[i - 1].__parentId]).toContain(lines[i].__parentId);
    }
  });

  it("children-first: every child precedes its parent", async () => {
    await adminCall(sim, "POST", "/_sim/config", { lineOrdering: "children-first" });
    const pairs = positions(await exportLines(ORDERS_BULK_QUERY("")));
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((p) => p.child < p.parent)).toBe(true);
  });

  it("shuffled (default): children are not kept next to their parents, within bounded windows", async () => {
    await adminCall(sim, "POST", "/_sim/config", { lineOrdering: "shuffled" });
    const pairs = positions(await exportLines(ORDERS_BULK_QUERY("")));
    expect(pairs.some((p) => p.child < p.parent)).toBe(true);
    expect(pairs.some((p) => Math.abs(p.child - p.parent) > 1)).toBe(true);
    expect(Math.max(...pairs.map((p) => Math.abs(p.child - p.parent)))).toBeLessThan(600);
  });

  it("groupObjects: true keeps children under their parent", async () => {
    const { body } = await graphql(sim, `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: true) { bulkOperation { id } userErrors { message } } }`, { q: ORDERS_BULK_QUERY("") });
    const op = await waitForBulk(sim, body.data.bulkOperationRunQuery.bulkOperation.id);
    const lines = parseJsonl(await (await fetch(op.url)).text());
    expect(positions(lines).every((p) => p.child > p.parent)).toBe(true);
    void RUN_BULK;
  });

  it("products with variants match the store; lists stay inline", async () => {
    const lines = await exportLines(PRODUCTS_BULK_QUERY("status:active"));
    const products = lines.filter((l) => !l.__parentId);
    const truthProducts = Array.from({ length: sim.admin.store().cfg.products }, (_, p) => sim.admin.store().product(p)!).filter((p) => p.status === "ACTIVE");
    expect(products.map((p) => p.id).sort()).toEqual(truthProducts.map((p) => p.id).sort());
    for (const line of lines) {
      const { __parentId, ...rest } = line;
      const truth = __parentId ? (sim.admin.node(__parentId)!.variants as any[]).find((v) => v.id === line.id) : sim.admin.node(line.id);
      expect(rest).toEqual(pick(truth, rest));
      if (__parentId) expect(Array.isArray(rest.selectedOptions)).toBe(true);
    }
  });

  it("inventory levels per location with quantities(names:)", async () => {
    const lines = await exportLines(INVENTORY_BULK_QUERY);
    const locations = lines.filter((l) => !l.__parentId);
    expect(locations.map((l) => l.name).sort()).toEqual(["Main Warehouse", "Print Studio"]);
    const levels = lines.filter((l) => l.__parentId);
    const truthCount = locations.reduce((s, l) => s + (sim.admin.node(l.id)!.inventoryLevels as any[]).length, 0);
    expect(levels.length).toBe(truthCount);
    for (const level of levels.slice(0, 50)) {
      expect(level.quantities.map((q: any) => q.name)).toEqual(["available", "on_hand", "committed", "incoming", "reserved"]);
      const truth = (sim.admin.node(level.__parentId)!.inventoryLevels as any[]).find((x) => x.id === level.id);
      expect(level.quantities[0].quantity).toBe(truth.quantities.find((q: any) => q.name === "available").quantity);
    }
  });

  it("customers, variants and bulkOperations(query:) answer too", async () => {
    const res = await graphql(sim, `{ productVariants(first: 5, query: "sku:TEE*") { nodes { sku product { id title } } } customers(first: 3, query: "tag:wholesale") { nodes { id tags numberOfOrders } } bulkOperations(first: 50, query: "status:completed operation_type:query") { nodes { id status } } }`);
    expect(res.body.errors).toBeUndefined();
    for (const v of res.body.data.productVariants.nodes) {
      expect(v.sku.startsWith("TEE")).toBe(true);
      expect(v.product.title).toBe(sim.admin.node(v.product.id)!.title);
    }
    expect(res.body.data.customers.nodes.every((c: any) => c.tags.includes("wholesale") && typeof c.numberOfOrders === "string")).toBe(true);
    expect(res.body.data.bulkOperations.nodes.length).toBeGreaterThan(3);
    expect(res.body.data.bulkOperations.nodes.every((n: any) => n.status === "COMPLETED")).toBe(true);
    const expired = await graphql(sim, `{ bulkOperations(first: 5, query: "status:expired") { nodes { id } } }`);
    expect(expired.body.errors[0].message).toBe("Input `EXPIRED` is not an accepted value.");
  });
});
