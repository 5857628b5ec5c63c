// S5 end to end: f/sync/validate_sync through the local runner against the
// simulator: a clean sync validates clean; a row deleted behind the sync's back
// (drift), or a resource not loaded for too long, fails its checks and alerts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSucceeded, runSync, syncHarness, type SyncHarness } from "./helpers.ts";

let h: SyncHarness;
let runId: number;
let synced: any;

const validate = (args: Record<string, unknown> = {}) =>
  h.runner.run("f/sync/validate_sync", { db: "$res:f/platform/db", shop: "$res:f/platform/shopify", ...args });

const alerts = () => h.db.sql<{ dedupe_key: string; title: string; body: string; occurrences: number }[]>`select dedupe_key, title, body, occurrences from alerts where resolved_at is null order by id`;

beforeAll(async () => {
  h = await syncHarness({ orders: 150, seed: "validate" });
  synced = expectSucceeded(await runSync(h));
  runId = synced.run_id;
});
afterAll(() => h.close());

describe("f/sync/validate_sync", () => {
  it("a clean sync validates clean: every count, the window sum and freshness agree", async () => {
    // The daily sync validated itself as its last step, and returned it with the run's summary.
    expect(synced).toMatchObject({ status: "succeeded", validation: { passed: true, failed: [], run_id: runId } });
    const report = expectSucceeded(await validate({ drift_threshold: 0 }));
    expect(report.failed).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.run_id).toBe(runId);
    const byCheck = (check: string, resource: string) => report.checks.find((c: any) => c.check === check && c.resource === resource);
    // The whole store: Shopify's own count (ground truth from the simulator) equals ours.
    expect(byCheck("count_total", "orders")).toMatchObject({ expected: String(h.sim.admin.counts().orders), actual: String(h.sim.admin.counts().orders), drift: "0" });
    expect(byCheck("count_total", "products").expected).toBe(String(h.sim.admin.counts().products));
    const sum = byCheck("sum_window", "orders");
    expect(sum.details.shopify_orders).toBeGreaterThan(0);
    expect(sum, JSON.stringify(sum)).toMatchObject({ expected: sum.actual, passed: true });
    expect(report.window.end).toBeDefined();
    expect(report.checks.filter((c: any) => c.check === "freshness").map((c: any) => [c.resource, c.passed])).toEqual([
      ["orders", true],
      ["products", true],
      ["customers", true],
      ["inventory_levels", true],
    ]);
    const rows = await h.db.sql<{ passed: boolean; n: number }[]>`select passed, count(*)::int as n from validation_results where run_id = ${runId} group by passed`;
    expect(rows).toEqual([{ passed: true, n: 2 * report.checks.length }]); // the flow's validation and this one
    expect(await alerts()).toEqual([]);

    // A wider sample window, paged (100 orders a page): the sums still agree to the cent.
    const wide = expectSucceeded(await validate({ drift_threshold: 0, resources: ["orders"], window_start: "2026-06-01T00:00:00Z", window_end: "2026-11-28T00:00:00Z" }));
    const wideSum = wide.checks.find((c: any) => c.check === "sum_window");
    expect(wideSum.details.pages).toBeGreaterThan(0);
    expect(wideSum.details.shopify_orders).toBeGreaterThan(50);
    expect(wideSum).toMatchObject({ drift: "0", passed: true, expected: wideSum.actual });
    expect(wide.passed).toBe(true);
  });

  it("detects a row deleted from raw_shopify_orders and raises an alert", async () => {
    const [gone] = await h.db.sql<{ id: string; total_price: string }[]>`
      delete from raw_shopify_orders where id = (select id from raw_shopify_orders order by updated_at desc limit 1) returning id, total_price::text`;
    const report = expectSucceeded(await validate({ drift_threshold: 0 }));
    expect(report.passed).toBe(false);
    const failing = report.checks.filter((c: any) => !c.passed).map((c: any) => [c.check, c.resource, c.drift]);
    expect(failing).toEqual([
      ["count_total", "orders", "-1"],
      ["count_window", "orders", "-1"],
      ["sum_window", "orders", `-${gone!.total_price.replace(/0+$/, "").replace(/\.$/, "")}`],
    ]);
    const [alert] = await alerts();
    expect(alert).toMatchObject({ dedupe_key: "sync:validation_drift", title: expect.stringContaining("3 check(s) drifted") });
    expect(alert!.body).toContain("count_total orders: ours");
    expect(alert!.body).toContain("docs/runbooks/validate-daily-sync.md");
    const [{ n }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from validation_results where not passed`; // only this run's three
    expect(n).toBe(3);

    // A drift under the threshold passes: 1 of 150 orders is 0.7 %.
    const tolerant = expectSucceeded(await validate({ drift_threshold: 0.05, resources: ["orders"] }));
    expect(tolerant.checks.filter((c: any) => c.check === "count_total").every((c: any) => c.passed)).toBe(true);
  });

  it("a resource whose last successful load is older than the threshold fails freshness", async () => {
    await h.db.sql`update alerts set resolved_at = now()`;
    await h.db.sql`update sync_steps set finished_at = finished_at - interval '30 hours' where resource = 'customers'`;
    const report = expectSucceeded(await validate({ resources: ["products", "customers"], freshness_hours: 26 }));
    expect(report.failed).toEqual([expect.stringMatching(/^freshness customers: ours 3\d(\.\d)? vs limit 26$/)]);
    const [alert] = await alerts();
    expect(alert!.dedupe_key).toBe("sync:validation_drift");
  });

  it("refuses bad input, naming the field", async () => {
    const out = await validate({ window_start: "2026-11-20T00:00:00Z" });
    expect(out.status).toBe("failure");
    expect(out.error!.message).toMatch(/window_end: give both window_start and window_end, or neither/);
    const bad = await validate({ drift_threshold: 2 });
    expect(bad.error!.message).toMatch(/drift_threshold: /);
  });
});
