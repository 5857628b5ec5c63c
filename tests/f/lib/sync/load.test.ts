// loadResource against the simulator and a real Postgres: a step that dies
// mid-poll resumes its job on retry and counts once; failures that another
// attempt cannot fix are named and not retried; bounded re-runs give up.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBulkResult } from "../../../../f/lib/ingest/index.ts";
import { shopifyClient, type ShopifyClient } from "../../../../f/lib/shopify/client.ts";
import { loadResource, type LoadDeps } from "../../../../f/lib/sync/load.ts";
import { openRun } from "../../../../f/lib/sync/runs.ts";
import { readWatermarks } from "../../../../f/lib/sync/watermarks.ts";
import type { Simulator } from "../../../../local/sim/server.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { simShopResource } from "../../../helpers/shopify.ts";
import { startTestSimulator } from "../../../sim/helpers.ts";
import { expectCustomersMatchTruth } from "../ingest/helpers.ts";

let db: TestDatabase;
let sim: Simulator;
let runId: number;
const logs: string[] = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 100));
const WINDOW = [{ start: "2000-01-01T00:00:00Z", end: "2030-01-01T00:00:00Z" }];

async function start(options: Parameters<typeof startTestSimulator>[0] = {}) {
  db = await freshDatabase();
  sim = await startTestSimulator({ orders: 80, seed: "load", bulkDelayMs: 30, ...options });
  const run = await openRun(db.sql, { trigger: "test", jobId: null, options: { resources: ["customers"] } });
  if (!run.opened) throw new Error("no run");
  runId = run.run.id;
  logs.length = 0;
}
afterEach(async () => {
  await sim.close();
  await db.drop();
});

function deps(client?: ShopifyClient): LoadDeps {
  return { sql: db.sql, client: client ?? shopifyClient(simShopResource(sim), { log: () => {}, sleep }), ingest: ingestBulkResult, log: (l) => void logs.push(l), sleep };
}

const operations = () => db.sql<{ id: string; status: string; attempt: number; ingested_at: Date | null; note: string | null }[]>`select id, status, attempt, ingested_at, note from bulk_operations order by created_at`;

describe("loadResource", () => {
  beforeEach(() => start());

  it("a step that died right after starting its job resumes the same job when retried, and counts it once", async () => {
    const real = deps().client;
    let polls = 0;
    const dying: ShopifyClient = {
      ...real,
      request: async (doc, vars) => {
        if (/query BulkOperation\b/.test(doc) && ++polls === 1) throw new Error("worker lost");
        return real.request(doc, vars);
      },
    };
    await expect(loadResource(deps(dying), runId, "customers", WINDOW)).rejects.toThrow("worker lost");
    const [step] = await db.sql`select status, error from sync_steps`;
    expect(step).toEqual({ status: "failed", error: "worker lost" });

    const result = await loadResource(deps(), runId, "customers", WINDOW);
    const [op] = await operations();
    expect(logs.join("\n")).toContain(`resuming bulk operation ${op!.id} (`);
    expect((await operations()).map((o) => [o.id, o.attempt])).toEqual([[op!.id, 1]]);
    expect(result).toMatchObject({ status: "succeeded", operations: 1, objects: sim.admin.counts().customers, watermark_advanced: true });
    await expectCustomersMatchTruth(db.sql, sim);

    // Run again (a second retry): nothing is exported or counted twice.
    const again = await loadResource(deps(), runId, "customers", WINDOW);
    expect(again.objects).toBe(result.objects);
    expect(await operations()).toHaveLength(1);
    expect(logs.at(-2)).toMatch(/already ingested by bulk operation/);
  });

  it("gives up after the bounded number of jobs when every job FAILS, and leaves no watermark", async () => {
    sim.admin.setFaults("bulk:failed@always");
    await expect(loadResource(deps(), runId, "customers", WINDOW)).rejects.toThrow(/ended FAILED \(INTERNAL_SERVER_ERROR\): customers .*giving up after 3 job\(s\)/);
    expect((await operations()).map((o) => [o.status, o.attempt])).toEqual([["FAILED", 1], ["FAILED", 2], ["FAILED", 3]]);
    expect((await readWatermarks(db.sql)).size).toBe(0);
  });

  it("COMPLETED with objects but no url is a failed job, never an empty result", async () => {
    const real = deps().client;
    let tampered = false;
    const noUrl: ShopifyClient = {
      ...real,
      request: async <T,>(doc: string, vars?: Record<string, unknown>) => {
        const data = (await real.request(doc, vars)) as { bulkOperation?: { status: string; url: string | null } };
        if (!tampered && data.bulkOperation?.status === "COMPLETED") {
          tampered = true;
          data.bulkOperation.url = null;
        }
        return data as T;
      },
    };
    const result = await loadResource(deps(noUrl), runId, "customers", WINDOW);
    expect(result.objects).toBe(sim.admin.counts().customers);
    const ops = await operations();
    expect(ops.map((o) => [o.attempt, Boolean(o.ingested_at)])).toEqual([[1, false], [2, true]]);
    expect(ops[0]!.note).toMatch(/COMPLETED with \d+ objects but no url/);
  });
});

describe("loadResource on ACCESS_DENIED", () => {
  beforeEach(() => start({ scopes: ["read_orders", "read_all_orders", "read_products", "read_inventory", "read_locations"] }));

  it("names the missing scope, records the failure as permanent, and a retry does not start another job", async () => {
    sim.admin.setFaults("bulk:access_denied");
    await expect(loadResource(deps(), runId, "customers", WINDOW)).rejects.toThrow(/customers: Shopify denied the bulk export \(ACCESS_DENIED, .*missing access scope\(s\): read_customers/);
    const [step] = await db.sql<{ status: string; counts: Record<string, unknown> }[]>`select status, counts from sync_steps`;
    expect(step).toMatchObject({ status: "failed", counts: { permanent: true, error_class: "BulkAccessDeniedError" } });
    await expect(loadResource(deps(), runId, "customers", WINDOW)).rejects.toThrow(/not retrying, this run's load failed for good/);
    expect(await operations()).toHaveLength(1);
  });
});
