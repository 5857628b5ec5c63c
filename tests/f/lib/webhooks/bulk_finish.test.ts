// The bulk poller's wake-up: pollUntilFinal LISTENs (listenForBulkFinish)
// while it sleeps; recordBulkFinish, as the bulk_operations/finish webhook
// calls it, records the outcome on our ledger row and NOTIFYs, and the
// poller polls at once instead of sleeping out its interval. Real Postgres.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifyClient } from "../../../../f/lib/shopify/client.ts";
import { pollUntilFinal } from "../../../../f/lib/shopify/bulk/poll.ts";
import { listenForBulkFinish, recordBulkFinish } from "../../../../f/lib/webhooks/bulk_finish.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const ID = "gid://shopify/BulkOperation/777";

/** A Shopify that says RUNNING until `done` is set. */
function fakeShopify(state: { done: boolean; polls: number }): ShopifyClient {
  return {
    request: async () => {
      state.polls++;
      return { bulkOperation: { id: ID, status: state.done ? "COMPLETED" : "RUNNING", errorCode: null, createdAt: "2026-11-28T00:00:00Z", completedAt: null, objectCount: "3", rootObjectCount: "3", fileSize: null, url: state.done ? "https://x/y" : null, partialDataUrl: null } };
    },
  } as unknown as ShopifyClient;
}

describe("bulk_operations/finish wakes the poller", () => {
  it("a poll sleeping for a minute returns right after the finish is announced", async () => {
    const sql = db.sql;
    await sql`insert into bulk_operations (id, resource, query, status) values (${ID}, 'orders', 'q', 'RUNNING')`;
    const state = { done: false, polls: 0 };
    const started = Date.now();
    const polled = pollUntilFinal(fakeShopify(state), ID, {
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      initialIntervalMs: 60_000,
      wakeOn: listenForBulkFinish(sql),
    });
    await new Promise((r) => setTimeout(r, 300)); // first poll done, asleep
    expect(state.polls).toBe(1);
    state.done = true;
    expect(await recordBulkFinish(sql, { admin_graphql_api_id: ID, status: "completed", error_code: null, completed_at: "2026-11-28T00:05:00-00:00" })).toEqual({ id: ID, recorded: true, status: "COMPLETED" });
    const final = await polled;
    expect(final.status).toBe("COMPLETED");
    expect(state.polls).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    const [row] = await sql`select status, completed_at from bulk_operations where id = ${ID}`;
    expect(row).toEqual({ status: "COMPLETED", completed_at: new Date("2026-11-28T00:05:00Z") });
  });

  it("an announcement for another job, or for an ingested one, wakes nobody", async () => {
    const sql = db.sql;
    expect((await recordBulkFinish(sql, { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "failed" })).recorded).toBe(false);
    await sql`update bulk_operations set ingested_at = now() where id = ${ID}`;
    expect((await recordBulkFinish(sql, { admin_graphql_api_id: ID, status: "completed" })).recorded).toBe(false);
    await expect(recordBulkFinish(sql, { status: "completed" })).rejects.toThrow(/no admin_graphql_api_id/);
  });
});
