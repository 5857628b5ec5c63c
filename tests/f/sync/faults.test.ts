// f/sync/daily_sync under the simulator's fault injection: each case ends with
// the raw mirror equal to the store, or the run marked failed/partial with
// nothing wrong written and the watermark where it was.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectOrdersMatchTruth } from "../lib/ingest/helpers.ts";
import { expectMirrorEqualsTruth, expectSucceeded, jobLogs, operationsOf, runSync, runsOf, syncHarness, watermarks, type SyncHarness } from "./helpers.ts";

let h: SyncHarness;

beforeEach(async () => {
  h = await syncHarness({ orders: 120, seed: "sync-faults" });
});
afterEach(() => h.close());

describe("daily_sync against transient Shopify faults", () => {
  it.each([
    ["a THROTTLED storm (HTTP 200)", "graphql:throttled@40%", /THROTTLED, retry/],
    ["429 with Retry-After", "graphql:429=3@3", /HTTP 429, retry/],
    ["503 on starting the bulk queries", "mutation:503@2", /BulkOperationRunQuery: HTTP 503, retry/],
    ["500 and 502 on polls", "query:500@2,query:502@2", /HTTP 50[02], retry/],
    ["5xx on the result download", "download:500@1,download:503@1", /download answered HTTP 50[03]; download 1\/4/],
  ])("%s: retried, and the mirror equals the store", async (_name, faults, logged) => {
    h.sim.admin.setFaults(faults);
    const out = await runSync(h);
    const summary = expectSucceeded(out);
    expect(summary.status).toBe("succeeded");
    await expectMirrorEqualsTruth(h.db.sql, h.sim);
    expect(await jobLogs(h.db.sql, out.job.id)).toMatch(logged);
    // Transient faults never cost a second bulk job.
    expect((await operationsOf(h.db.sql)).map((o) => o.attempt)).toEqual([1, 1, 1, 1]);
  });

  it("a connection reset mid-download: the partial ingest is followed by a complete one", async () => {
    h.sim.admin.setFaults("download:reset=0.4@1");
    const out = await runSync(h);
    expectSucceeded(out);
    await expectMirrorEqualsTruth(h.db.sql, h.sim);
    const ops = await operationsOf(h.db.sql);
    expect(ops).toHaveLength(4);
    expect(ops.map((o) => o.ingest.downloads).sort()).toEqual([1, 1, 1, 2]);
    expect(await jobLogs(h.db.sql, out.job.id)).toMatch(/download broke after \d+ bytes.*ingest will run again on a complete file/);
    const [{ n }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from ingest_failures`;
    expect(n).toBe(0);
  });

  it("a bulk job that FAILS (INTERNAL_SERVER_ERROR) is run again", async () => {
    h.sim.admin.setFaults("bulk:failed");
    expectSucceeded(await runSync(h));
    await expectMirrorEqualsTruth(h.db.sql, h.sim);
    const ops = await operationsOf(h.db.sql);
    const failed = ops.filter((o) => o.status === "FAILED");
    expect(failed.map((o) => [o.error_code, o.attempt, o.ingested_at])).toEqual([["INTERNAL_SERVER_ERROR", 1, null]]);
    const rerun = ops.find((o) => o.resource === failed[0]!.resource && o.attempt === 2)!;
    expect(rerun).toMatchObject({ status: "COMPLETED", note: expect.stringContaining("FAILED/INTERNAL_SERVER_ERROR") });
    expect(rerun.ingested_at).not.toBeNull();
  });

  it.each([
    ["EXPIRED before download", "bulk:expired", "EXPIRED"],
    ["a 403 on the result URL", "download:403@1", "COMPLETED"],
  ])("a result that expired (%s) is exported again", async (_name, faults, firstStatus) => {
    h.sim.admin.setFaults(faults);
    const out = await runSync(h);
    expectSucceeded(out);
    await expectMirrorEqualsTruth(h.db.sql, h.sim);
    const ops = await operationsOf(h.db.sql);
    const first = ops.find((o) => o.status === firstStatus && !o.ingested_at)!;
    expect(first).toBeDefined();
    expect(ops.filter((o) => o.resource === first.resource).map((o) => o.attempt)).toEqual([1, 2]);
    expect(ops.filter((o) => o.ingested_at)).toHaveLength(4);
  });
});

describe("daily_sync on bulk outcomes that change the plan or stop it", () => {
  it("TIMEOUT splits the window in two and exports both halves", async () => {
    h.sim.admin.setFaults("bulk:timeout");
    const out = await runSync(h, { resources: ["orders"] });
    const summary = expectSucceeded(out);
    expect(summary.status).toBe("succeeded");
    await expectOrdersMatchTruth(h.db.sql, h.sim);
    const ops = await operationsOf(h.db.sql);
    expect(ops.map((o) => [o.status, o.error_code])).toEqual([["FAILED", "TIMEOUT"], ["COMPLETED", null], ["COMPLETED", null]]);
    const [whole, left, right] = ops;
    expect(left!.window_start).toEqual(whole!.window_start);
    expect(left!.window_end).toEqual(right!.window_start);
    expect(right!.window_end).toEqual(whole!.window_end);
    expect(await jobLogs(h.db.sql, out.job.id)).toMatch(/timed out on Shopify; exporting it as/);
  });

  it("ACCESS_DENIED fails the run loudly, raises an alert and leaves the watermark alone", async () => {
    expectSucceeded(await runSync(h, { resources: ["orders"] }));
    const before = await watermarks(h.db.sql);
    await h.sim.admin.advanceClock({ ms: 3_600_000, newOrders: 5, updates: 5 });
    h.sim.admin.setFaults("bulk:access_denied");
    const out = await runSync(h, { resources: ["orders"] });
    expect(out.status).toBe("failure");
    expect(out.error!.message).toMatch(/orders: Shopify denied the bulk export \(ACCESS_DENIED/);
    const runs = await runsOf(h.db.sql);
    expect(runs.at(-1)).toMatchObject({ status: "failed", error: expect.stringContaining("ACCESS_DENIED") });
    expect(await watermarks(h.db.sql)).toEqual(before);
    // Permanent: the step's retries did not start another job.
    expect((await operationsOf(h.db.sql, runs.at(-1)!.id)).map((o) => o.error_code)).toEqual(["ACCESS_DENIED"]);
    const alerts = await h.db.sql`select severity, dedupe_key, title from alerts`;
    expect(alerts).toEqual([{ severity: "critical", dedupe_key: "sync:failed", title: expect.stringMatching(/Daily sync failed \(run \d+\) at step finish/) }]);
  });

  it("missing scopes stop the run before any export, naming each one", async () => {
    await h.close();
    h = await syncHarness({ orders: 50, seed: "sync-faults", scopes: ["read_orders", "read_products", "read_customers", "read_locations"] });
    const out = await runSync(h);
    expect(out.status).toBe("failure");
    expect(out.error!.message).toContain("missing access scope(s): read_all_orders, read_inventory");
    expect(await operationsOf(h.db.sql)).toEqual([]);
    expect(await runsOf(h.db.sql)).toEqual([expect.objectContaining({ status: "failed", error: expect.stringContaining("read_all_orders") })]);
    expect(await watermarks(h.db.sql)).toEqual({});
  });

  it("malformed lines become dead letters: the run ends partial, alerts, and that watermark stays", async () => {
    h.sim.admin.setFaults("jsonl:truncated=2");
    const summary = expectSucceeded(await runSync(h, { resources: ["products"] }));
    expect(summary).toMatchObject({ status: "partial", dead_letters: 2 });
    expect(await watermarks(h.db.sql)).toEqual({});
    const [alert] = await h.db.sql`select severity, dedupe_key from alerts`;
    expect(alert).toEqual({ severity: "warning", dedupe_key: "sync:dead_letters" });
    // The next run exports the same window again and converges.
    const again = expectSucceeded(await runSync(h, { resources: ["products"] }));
    expect(again.status).toBe("succeeded");
    expect(Object.keys(await watermarks(h.db.sql))).toEqual(["products"]);
  });

  it("a download that keeps failing fails the run after bounded retries, writing nothing and keeping the watermark", async () => {
    h.sim.admin.setFaults("download:503@always");
    const out = await runSync(h, { resources: ["customers"] });
    expect(out.status).toBe("failure");
    expect(out.error!.message).toMatch(/customers: result of .* could not be downloaded after 4 attempts/);
    const [{ n }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from raw_shopify_customers`;
    expect(n).toBe(0);
    expect(await watermarks(h.db.sql)).toEqual({});
    // The step's retries downloaded the same job's result again; they never re-ran the job.
    expect((await operationsOf(h.db.sql)).map((o) => [o.status, o.attempt, o.ingested_at])).toEqual([["COMPLETED", 1, null]]);
    expect((await runsOf(h.db.sql)).map((r) => r.status)).toEqual(["failed"]);
  });

  it("a window with nothing in it completes with url null and is an empty result, not a failure", async () => {
    // Half an hour in which the store changes nothing; the sync's "now" is the store's clock.
    const before = h.sim.admin.store().clock.now();
    await h.sim.admin.advanceClock({ ms: 30 * 60_000, newOrders: 0, updates: 0, cancellations: 0, refunds: 0, deletes: 0, productUpdates: 0, inventoryUpdates: 0 });
    const since = new Date(before + 1000).toISOString();
    const summary = expectSucceeded(await runSync(h, { resources: ["orders"], since }));
    expect(summary).toMatchObject({ status: "succeeded", objects: 0 });
    const ops = await operationsOf(h.db.sql);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ status: "COMPLETED", ingest: { lines: 0 } });
    expect(ops[0]!.ingested_at).not.toBeNull();
    expect(await watermarks(h.db.sql)).toEqual({});
  });
});
