// f/sync/daily_sync end to end through the local runner, against the Shopify
// simulator (real HTTP), a fresh Postgres and the test S3: a full first sync, an
// incremental one after time travel, a refused concurrent sync, and a stale run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_NOW } from "../../sim/helpers.ts";
import { refreshMarts } from "../../../f/lib/marts/refresh.ts";
import { expectMirrorEqualsTruth, expectSucceeded, jobLogs, operationsOf, runSync, runsOf, syncHarness, watermarks, type SyncHarness } from "./helpers.ts";

let h: SyncHarness;

beforeAll(async () => {
  h = await syncHarness({ orders: 200, seed: "daily-sync" });
});
afterAll(() => h.close());

describe("f/sync/daily_sync", () => {
  /** Step 8: every live order of the mirror has its mart row, classified with the run's data. */
  async function expectMartsCoverMirror(): Promise<void> {
    const missing = await h.db.sql`
      select o.id from raw_shopify_orders o left join mart_orders m on m.order_id = o.id
      where o.deleted_at is null and not o.test and (m.order_id is null or m.order_updated_at is distinct from o.updated_at)`;
    expect(missing).toEqual([]);
    const [{ n }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from mart_orders`;
    expect(n).toBeGreaterThan(0);
  }

  it("a first sync exports every resource from its first record and lands exactly the store", async () => {
    const out = await runSync(h);
    const summary = expectSucceeded(out);
    expect(summary).toMatchObject({ status: "succeeded", dead_letters: 0, error: null });
    expect(summary.resources.map((r: any) => [r.resource, r.status])).toEqual([
      ["orders", "succeeded"],
      ["products", "succeeded"],
      ["customers", "succeeded"],
      ["inventory_levels", "succeeded"],
    ]);
    await expectMirrorEqualsTruth(h.db.sql, h.sim);
    await expectMartsCoverMirror();

    const counts = h.sim.admin.counts();
    const byResource = Object.fromEntries(summary.resources.map((r: any) => [r.resource, r]));
    const [{ n: lineItems }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from raw_shopify_line_items`;
    expect(byResource.orders.objects).toBe(counts.orders + lineItems);

    // One bulk operation per resource, recorded with its window and archived.
    const ops = await operationsOf(h.db.sql, summary.run_id);
    expect(ops.map((o) => [o.resource, o.status, o.attempt])).toEqual(
      expect.arrayContaining([["orders", "COMPLETED", 1], ["products", "COMPLETED", 1], ["customers", "COMPLETED", 1], ["inventory_levels", "COMPLETED", 1]]),
    );
    expect(ops).toHaveLength(4);
    expect(ops.every((o) => o.ingested_at)).toBe(true);
    const firstOrder = h.sim.admin.order(0)!;
    expect(ops.find((o) => o.resource === "orders")!.window_start!.toISOString()).toBe(new Date(firstOrder.createdAt as string).toISOString());
    const archived = await h.db.sql<{ key: string; line_count: string }[]>`select key, line_count from archive_objects where run_id = ${summary.run_id}`;
    expect(archived).toHaveLength(4);
    for (const o of ops) {
      const key = archived.find((a) => a.key.endsWith(`/${summary.run_id}-${o.id.split("/").pop()}.jsonl.gz`))?.key;
      expect(key).toMatch(new RegExp(`^shopify/${o.resource}/\\d{4}/\\d{2}/\\d{2}/`));
    }

    // Watermarks are the newest updated_at committed, per resource.
    const [{ max }] = await h.db.sql<{ max: Date }[]>`select max(updated_at) as max from raw_shopify_orders`;
    expect((await watermarks(h.db.sql)).orders).toBe(max.toISOString());

    const [run] = await runsOf(h.db.sql);
    expect(run).toMatchObject({ id: summary.run_id, status: "succeeded", error: null });
    const logs = await jobLogs(h.db.sql, out.job.id);
    expect(logs).toMatch(/orders: \d+ objects from \d+ lines in [\d.]+ s \(\d+ lines\/s\)/);
  });

  it("an incremental sync after time travel exports only the window since the watermark and converges", async () => {
    const before = await watermarks(h.db.sql);
    await h.sim.admin.advanceClock({ ms: 6 * 3_600_000, newOrders: 12, updates: 15, cancellations: 2, refunds: 2, productUpdates: 3, inventoryUpdates: 5 });
    const summary = expectSucceeded(await runSync(h));
    expect(summary.status).toBe("succeeded");
    await expectMirrorEqualsTruth(h.db.sql, h.sim, { customerStats: false });
    await expectMartsCoverMirror();
    // The run refreshed the marts incrementally; a full rebuild gives the same rows.
    const snapshot = async () => ({
      orders: await h.db.sql`select * from mart_orders order by order_id`,
      daily: await h.db.sql`select * from mart_daily_sales`,
      velocity: await h.db.sql`select * from mart_sku_velocity`,
    });
    // Rows as sorted JSON: the mart tables have many grouping columns and no natural total order.
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ refreshed_at: _r, ...rest }) => JSON.stringify(rest)).sort();
    const incremental = await snapshot();
    await refreshMarts(h.db.sql, { full: true });
    const full = await snapshot();
    expect(strip(incremental.orders)).toEqual(strip(full.orders));
    expect(strip(incremental.daily)).toEqual(strip(full.daily));
    expect(strip(incremental.velocity)).toEqual(strip(full.velocity));

    const ops = await operationsOf(h.db.sql, summary.run_id);
    const orders = ops.find((o) => o.resource === "orders")!;
    // [watermark - 1 h overlap, now - skew): far fewer orders than the store holds.
    expect(orders.window_start!.toISOString()).toBe(new Date(Date.parse(before.orders!) - 3_600_000).toISOString());
    const exported = summary.resources.find((r: any) => r.resource === "orders");
    expect(exported.lines).toBeGreaterThan(0);
    expect(orders.ingest.byType.Order).toBeLessThan(h.sim.admin.counts().orders / 2);
    const after = await watermarks(h.db.sql);
    expect(Date.parse(after.orders!)).toBeGreaterThan(Date.parse(before.orders!));
    expect(Date.parse(after.orders!)).toBeGreaterThanOrEqual(Date.parse(TEST_NOW));
  });

  it("a second sync started while one runs is refused and does no work", async () => {
    const [a, b] = await Promise.all([runSync(h, { resources: ["customers"] }), runSync(h, { resources: ["customers"] })]);
    const results = [expectSucceeded(a), expectSucceeded(b)];
    const refused = results.filter((r) => r.refused === true);
    const ran = results.filter((r) => r.run_id && !r.refused);
    expect(refused).toHaveLength(1);
    expect(ran).toHaveLength(1);
    expect(refused[0].reason).toMatch(/already running|being planned/);
    const runs = await runsOf(h.db.sql);
    expect(runs.filter((r) => r.id > 2)).toHaveLength(1);
    expect(await operationsOf(h.db.sql, ran[0].run_id)).toHaveLength(1);
  });

  it("a run whose flow died (stale heartbeat) is marked failed and does not block the next sync", async () => {
    const [dead] = await h.db.sql<{ id: number }[]>`
      insert into sync_runs (trigger, status, started_at, heartbeat_at) values ('test', 'running', now() - interval '1 hour', now() - interval '20 minutes') returning id::int`;
    const summary = expectSucceeded(await runSync(h, { resources: ["products"] }));
    expect(summary.status).toBe("succeeded");
    const runs = await runsOf(h.db.sql);
    expect(runs.find((r) => r.id === dead!.id)).toMatchObject({ status: "failed", error: expect.stringContaining("abandoned: no heartbeat") });
  });
});
