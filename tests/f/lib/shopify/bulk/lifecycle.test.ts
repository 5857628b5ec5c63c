// The bulk module against the simulator over real HTTP: start, poll, cancel,
// download, and how each of Shopify's answers surfaces.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shopifyClient, type ShopifyClient } from "../../../../../f/lib/shopify/client.ts";
import { cancelBulkOperation } from "../../../../../f/lib/shopify/bulk/cancel.ts";
import { openResult } from "../../../../../f/lib/shopify/bulk/download.ts";
import { BulkDownloadError, BulkOperationInProgressError, BulkQueryInvalidError, BulkResultExpiredError } from "../../../../../f/lib/shopify/bulk/errors.ts";
import { BulkOperationNotFoundError, getBulkOperation, pollUntilFinal } from "../../../../../f/lib/shopify/bulk/poll.ts";
import { CUSTOMERS_BULK_QUERY, INVENTORY_BULK_QUERY } from "../../../../../f/lib/shopify/bulk/queries.ts";
import { startBulkQuery } from "../../../../../f/lib/shopify/bulk/start.ts";
import type { Simulator } from "../../../../../local/sim/server.ts";
import { simShopResource } from "../../../../helpers/shopify.ts";
import { startTestSimulator } from "../../../../sim/helpers.ts";

let sim: Simulator;
let client: ShopifyClient;
const fast = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 100)), initialIntervalMs: 200 };

beforeAll(async () => {
  sim = await startTestSimulator({ orders: 60, seed: "bulk-lifecycle", bulkDelayMs: 30 });
  client = shopifyClient(simShopResource(sim), { log: () => {}, sleep: fast.sleep });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.clearFaults();
  sim.admin.configure({ bulkDelayMs: 30 });
});

async function text(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

describe("start and poll", () => {
  it("starts a job, parses the string counters, polls it to COMPLETED and downloads every line", async () => {
    const started = await startBulkQuery(client, CUSTOMERS_BULK_QUERY("updated_at:>='2000-01-01T00:00:00Z'"));
    expect(started).toMatchObject({ status: "CREATED", objectCount: 0, url: null });
    const seen: string[] = [];
    const done = await pollUntilFinal(client, started.id, { ...fast, onPoll: (op) => void seen.push(op.status) });
    expect(done.status).toBe("COMPLETED");
    expect(seen.at(-1)).toBe("COMPLETED");
    expect(done.objectCount).toBe(sim.admin.counts().customers);
    expect(typeof done.fileSize).toBe("number");
    const download = await openResult(done.url!);
    const lines = (await text(download.body)).trim().split("\n");
    expect(lines).toHaveLength(done.objectCount);
    expect(download.failure()).toBeUndefined();
    expect(download.bytesRead()).toBe(done.fileSize);
  });

  it("a query Shopify rejects fails with Shopify's own message", async () => {
    const error = await startBulkQuery(client, "{ orders { nodes { id } } }").catch((e) => e);
    expect(error).toBeInstanceOf(BulkQueryInvalidError);
    expect(error.message).toMatch(/^Shopify rejected the bulk query: All connection fields in a bulk query must select their contents using 'edges' > 'node'/);
  });

  it("the sixth concurrent job gets OPERATION_IN_PROGRESS with the running ids; cancel frees a slot", async () => {
    sim.admin.configure({ bulkTiming: { runningMs: 5000 } });
    const running = [];
    for (let i = 0; i < 5; i++) running.push(await startBulkQuery(client, INVENTORY_BULK_QUERY));
    const error = await startBulkQuery(client, INVENTORY_BULK_QUERY).catch((e) => e);
    expect(error).toBeInstanceOf(BulkOperationInProgressError);
    expect([...error.runningIds].sort()).toEqual(running.map((r) => r.id).sort());
    for (const op of running) expect(await cancelBulkOperation(client, op.id)).toEqual({ canceled: true });
    const canceled = await pollUntilFinal(client, running[0]!.id, fast);
    expect(canceled.status).toBe("CANCELED");
    expect(await cancelBulkOperation(client, running[0]!.id)).toEqual({ canceled: false, message: "A bulk operation cannot be canceled when it is canceled" });
  });

  it("an unknown id is null, and polling it fails naming the id", async () => {
    expect(await getBulkOperation(client, "gid://shopify/BulkOperation/999999")).toBeNull();
    await expect(pollUntilFinal(client, "gid://shopify/BulkOperation/999999", fast)).rejects.toThrow(BulkOperationNotFoundError);
  });
});

describe("download", () => {
  async function completed() {
    const op = await startBulkQuery(client, CUSTOMERS_BULK_QUERY("updated_at:>='2000-01-01T00:00:00Z'"));
    return pollUntilFinal(client, op.id, fast);
  }

  it("403 (an expired URL) and EXPIRED ask for the job to run again; 5xx asks for another download", async () => {
    const op = await completed();
    sim.admin.setFaults("download:403@1,download:503@1");
    await expect(openResult(op.url!)).rejects.toThrow(BulkResultExpiredError);
    const unavailable = await openResult(op.url!).catch((e) => e);
    expect(unavailable).toBeInstanceOf(BulkDownloadError);
    expect(unavailable.status).toBe(503);
    // Once the URL lapses, Shopify reports the job EXPIRED (the sync then runs it again).
    expect(sim.admin.bulk.expire(op.id)).toBe(true);
    expect(await getBulkOperation(client, op.id)).toMatchObject({ status: "EXPIRED" });
  });

  it("a connection reset mid-body errors the stream and is reported as a broken download", async () => {
    const op = await completed();
    sim.admin.setFaults("download:reset=0.3@1");
    const download = await openResult(op.url!);
    await expect(text(download.body)).rejects.toThrow(BulkDownloadError);
    expect(download.failure()?.message).toMatch(/broke after \d+ bytes/);
    expect(download.bytesRead()).toBeLessThan(op.fileSize!);
  });
});
