// ingestWebhook on a real Postgres, without HTTP: the dedupe ledger's retry
// rules (a failed delivery is retried by Shopify under the same id and must
// then be applied; a processed one never again) and the mart refresh hook.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestWebhook } from "../../../../f/lib/webhooks/index.ts";
import type { WebhookHeaders } from "../../../../f/lib/webhooks/delivery.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const order = (updatedAt: string, note: string) => ({
  id: 1001,
  name: "#1001",
  created_at: "2026-11-20T09:00:00Z",
  updated_at: updatedAt,
  processed_at: "2026-11-20T09:00:00Z",
  financial_status: "paid",
  fulfillment_status: null,
  currency: "CAD",
  total_price: "30.00",
  subtotal_price: "30.00",
  total_tax: "0.00",
  total_discounts: "0.00",
  tags: "",
  note,
  line_items: [{ id: 5001, sku: "TEE-1", title: "Tee", quantity: 1, price: "30.00", total_discount: "0.00", product_id: 7, variant_id: 8 }],
  fulfillments: [],
  refunds: [],
});
const headers = (webhookId: string, topic = "orders/updated"): WebhookHeaders => ({ topic, webhookId, shopDomain: "test.myshopify.com", apiVersion: "2026-10", triggeredAt: null, eventId: null });

describe("ingestWebhook", () => {
  it("a delivery that failed is applied when Shopify retries it; then it is a duplicate", async () => {
    const refreshed: string[][] = [];
    let failRefresh = true;
    const refreshMarts = async (ids: string[]) => {
      refreshed.push(ids);
      if (failRefresh) throw new Error("marts are locked");
    };
    const first = await ingestWebhook(db.sql, headers("w-1"), order("2026-11-21T00:00:00Z", "hello"), { refreshMarts });
    expect(first).toMatchObject({ httpStatus: 500, outcome: "failed" });
    expect(first.summary).toMatch(/raw rows written, but the mart refresh failed: marts are locked/);
    const [failed] = await db.sql`select status, attempts, error from webhook_deliveries where webhook_id = 'w-1'`;
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });

    failRefresh = false;
    const retry = await ingestWebhook(db.sql, headers("w-1"), order("2026-11-21T00:00:00Z", "hello"), { refreshMarts });
    expect(retry).toMatchObject({ httpStatus: 200, outcome: "processed" });
    expect(retry.summary).toMatch(/^stale: /); // the rows were already in
    expect(refreshed).toEqual([["gid://shopify/Order/1001"], ["gid://shopify/Order/1001"]]); // but the marts are refreshed
    const [done] = await db.sql`select status, attempts, error from webhook_deliveries where webhook_id = 'w-1'`;
    expect(done).toEqual({ status: "processed", attempts: 2, error: null });

    const dup = await ingestWebhook(db.sql, headers("w-1"), order("2026-11-22T00:00:00Z", "changed"), { refreshMarts });
    expect(dup).toMatchObject({ httpStatus: 200, outcome: "duplicate" });
    const [row] = await db.sql`select note, updated_at from raw_shopify_orders where id = 'gid://shopify/Order/1001'`;
    expect(row).toEqual({ note: "hello", updated_at: new Date("2026-11-21T00:00:00Z") });
  });

  it("a payload that cannot map to a valid node is a 400 with nothing written to the mirror", async () => {
    const bad = { ...order("2026-11-23T00:00:00Z", "x"), id: 2002, created_at: null }; // an order needs createdAt
    const out = await ingestWebhook(db.sql, headers("w-bad"), bad);
    expect(out).toMatchObject({ httpStatus: 400, outcome: "invalid" });
    expect(out.summary).toMatch(/createdAt/);
    expect(await db.sql`select id from raw_shopify_orders where id = 'gid://shopify/Order/2002'`).toHaveLength(0);
    expect(await db.sql`select id from ingest_staging`).toHaveLength(0);
    const [row] = await db.sql`select status, error from webhook_deliveries where webhook_id = 'w-bad'`;
    expect(row!.status).toBe("failed");
  });
});
