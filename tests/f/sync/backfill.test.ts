// S1 backfill end to end: f/sync/backfill through the local runner against the
// simulator: a range split into windows, run in parallel, lands exactly the
// store's records of that range, and never moves a watermark.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_NOW } from "../../sim/helpers.ts";
import { expectCatalogMatchesTruth, expectOrdersMatchTruth } from "../lib/ingest/helpers.ts";
import { expectSucceeded, runSync, syncHarness, watermarks, type SyncHarness } from "./helpers.ts";

let h: SyncHarness;

const backfill = (args: Record<string, unknown>) => h.runner.run("f/sync/backfill", args);

beforeAll(async () => {
  h = await syncHarness({ orders: 150, seed: "backfill" });
});
afterAll(() => h.close());

describe("f/sync/backfill", () => {
  it("exports the range in windows, several at once, lands the store and sets no watermark", async () => {
    const from = "2024-11-01T00:00:00Z"; // before the store's first product, customer and order
    const out = await backfill({ from, to: TEST_NOW, window_hours: 24 * 180, resources: ["orders", "products", "customers"], parallelism: 4 });
    const summary = expectSucceeded(out);
    expect(summary.status).toBe("succeeded");
    // 757 days in 180-day windows: 5 windows per resource, each its own bulk export and step.
    expect(summary.windows).toHaveLength(15);
    expect(summary.windows.every((w: any) => w.status === "succeeded")).toBe(true);
    await expectOrdersMatchTruth(h.db.sql, h.sim);
    await expectCatalogMatchesTruth(h.db.sql, h.sim);
    expect(await watermarks(h.db.sql)).toEqual({});

    const ops = await h.db.sql<{ resource: string; window_start: Date; window_end: Date; ingested_at: Date | null }[]>`
      select resource, window_start, window_end, ingested_at from bulk_operations where run_id = ${summary.run_id} order by resource, window_start`;
    expect(ops).toHaveLength(15);
    const orders = ops.filter((o) => o.resource === "orders");
    expect(orders[0]!.window_start.toISOString()).toBe("2024-11-01T00:00:00.000Z");
    for (let i = 1; i < orders.length; i++) expect(orders[i]!.window_start).toEqual(orders[i - 1]!.window_end);
    expect(orders.at(-1)!.window_end.toISOString()).toBe(new Date(TEST_NOW).toISOString());
    // Window counts add up to the store (each order is in exactly one window).
    const orderObjects = summary.windows.filter((w: any) => w.resource === "orders").reduce((n: number, w: any) => n + w.objects, 0);
    const [{ n: lineItems }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from raw_shopify_line_items`;
    expect(orderObjects).toBe(h.sim.admin.counts().orders + lineItems);

    // Bounded parallelism: window steps overlapped in time, never more than 4 at once.
    const steps = await h.db.sql<{ started_at: Date; finished_at: Date }[]>`select started_at, finished_at from sync_steps where run_id = ${summary.run_id}`;
    const concurrency = steps.map((s) => steps.filter((t) => t.started_at <= s.started_at && t.finished_at > s.started_at).length);
    expect(Math.max(...concurrency)).toBeGreaterThan(1);
    expect(Math.max(...concurrency)).toBeLessThanOrEqual(4);
    const [run] = await h.db.sql`select trigger, status from sync_runs where id = ${summary.run_id}`;
    expect(run).toEqual({ trigger: "backfill", status: "succeeded" });
  });

  it("a backfill after a daily sync leaves the watermarks exactly where they were", async () => {
    expectSucceeded(await runSync(h));
    const before = await watermarks(h.db.sql);
    expect(Object.keys(before).sort()).toEqual(["customers", "inventory_levels", "orders", "products"]);
    // Newer records than the watermark exist, and the backfill range covers them: it loads them, and still leaves the watermark.
    await h.sim.admin.advanceClock({ ms: 6 * 3_600_000, newOrders: 5, updates: 10 });
    const summary = expectSucceeded(await backfill({ from: "2026-06-01", to: "2026-11-28T07:00:00Z", window_hours: 24 * 90, resources: ["orders"], parallelism: 2 }));
    expect(summary.status).toBe("succeeded");
    expect(await watermarks(h.db.sql)).toEqual(before);
    const [{ max }] = await h.db.sql<{ max: Date }[]>`select max(updated_at) as max from raw_shopify_orders`;
    expect(max.getTime()).toBeGreaterThan(Date.parse(before.orders!));
    await expectOrdersMatchTruth(h.db.sql, h.sim);
  });

  it("refuses a range that ends before it starts, naming the field", async () => {
    const out = await backfill({ from: "2026-06-01", to: "2026-05-01" });
    expect(out.status).toBe("failure");
    expect(out.error!.message).toMatch(/to: must be after from/);
  });
});
