// OPERATION_IN_PROGRESS: the shop's five bulk slots are taken. Our own job left
// by a dead run is taken over (resumed, not exported again); an orphan the run
// cannot use is canceled; jobs that are not ours are waited for with backoff.
import { expect, it, onTestFinished } from "vitest";
import { shopifyClient } from "../../../f/lib/shopify/client.ts";
import { CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "../../../f/lib/shopify/bulk/queries.ts";
import { cancelBulkOperation } from "../../../f/lib/shopify/bulk/cancel.ts";
import { startBulkQuery } from "../../../f/lib/shopify/bulk/start.ts";
import { updatedAtFilter, isoSeconds } from "../../../f/lib/sync/windows.ts";
import { simShopResource } from "../../helpers/shopify.ts";
import { expectMirrorEqualsTruth, expectSucceeded, jobLogs, operationsOf, syncHarness, type SyncHarness } from "./helpers.ts";

/** Waits until the jobs' exports are written: their time in RUNNING is fixed from then on. */
async function exported(ids: string[]): Promise<void> {
  const deadline = Date.now() + 30_000; // generous: a loaded machine exports slowly
  while (!ids.every((id) => h.sim.admin.bulk.inspect(id)?.hasFile)) {
    if (Date.now() > deadline) throw new Error(`bulk exports not written after 30 s: ${ids.join(", ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let h: SyncHarness;

// Timing-sensitive (it needs the five slots still taken when the sync starts): on a loaded
// 2-core machine the setup can lose that race, so it gets two more tries.
it("resumes our orphaned job, cancels an unusable orphan, waits for foreign jobs, and converges", { retry: 2 }, async () => {
  // A fresh store and database per attempt.
  h = await syncHarness({ orders: 100, seed: "in-progress", bulkDelayMs: 50 });
  onTestFinished(() => h.close());
  const { sql } = h.db;
  const client = shopifyClient(simShopResource(h.sim), { log: () => {} });
  const [dead] = await sql<{ id: number }[]>`insert into sync_runs (trigger, status, finished_at, error) values ('test', 'failed', now(), 'worker lost') returning id::int`;
  const record = async (id: string, resource: string, window: { start: string; end: string }, query: string) =>
    sql`insert into bulk_operations (id, run_id, resource, window_start, window_end, query, status) values (${id}, ${dead!.id}, ${resource}, ${window.start}, ${window.end}, ${query}, 'RUNNING')`;

  // The dead run's orders job: from the first order to an hour ago (what a first run plans).
  const first = Date.parse(h.sim.admin.order(0)!.createdAt as string);
  // The sync reads "now" from the store (the Date header), so the window ends by its clock.
  const ordersWindow = { start: isoSeconds(first), end: isoSeconds(h.sim.admin.store().clock.now() - 3_600_000) };
  const ordersQuery = ORDERS_BULK_QUERY(updatedAtFilter(ordersWindow));
  // A job's time in RUNNING is fixed when its export ends (a few ms after the start).
  h.sim.admin.configure({ bulkTiming: { runningMs: 1500 } });
  const adoptable = await startBulkQuery(client, ordersQuery);
  await record(adoptable.id, "orders", ordersWindow, ordersQuery);
  await exported([adoptable.id]);
  h.sim.admin.configure({ bulkTiming: { runningMs: 60_000 } });
  // Its customers job started later than a first run would start: of no use, only a slot holder.
  const lateWindow = { start: isoSeconds(first + 86_400_000), end: ordersWindow.end };
  const lateQuery = CUSTOMERS_BULK_QUERY(updatedAtFilter(lateWindow));
  const unusable = await startBulkQuery(client, lateQuery);
  await record(unusable.id, "customers", lateWindow, lateQuery);
  // Three jobs that are not ours (another installation, say).
  const foreign = [];
  for (let i = 0; i < 3; i++) foreign.push(await startBulkQuery(client, PRODUCTS_BULK_QUERY(`updated_at:>='2020-01-0${i + 1}T00:00:00Z'`)));
  await exported([unusable.id, ...foreign.map((f) => f.id)]);
  h.sim.admin.configure({ bulkTiming: { runningMs: 50 } });

  // Four slots stay taken for a minute: the sync must meet OPERATION_IN_PROGRESS. Once it
  // has (and is waiting), the foreign jobs end, as they would on their own.
  const { job, done } = await h.runner.start("f/sync/daily_sync", { trigger: "test" });
  for (let i = 0; i < 400 && !/OPERATION_IN_PROGRESS/.test(await jobLogs(sql, job.id)); i++) await new Promise((r) => setTimeout(r, 50));
  for (const op of foreign) await cancelBulkOperation(client, op.id);
  const out = await done;
  const summary = expectSucceeded(out);
  expect(summary.status).toBe("succeeded");
  await expectMirrorEqualsTruth(h.db.sql, h.sim);

  const logs = await jobLogs(sql, out.job.id);
  expect(logs).toContain(`orders: taking over bulk operation ${adoptable.id} (`);
  expect(logs).toContain(`) of run ${dead!.id} for [`);
  expect(logs).toMatch(/OPERATION_IN_PROGRESS \(5 running: \d ours\); waiting/);
  expect(logs).toContain(`canceled orphaned bulk operation ${unusable.id} of run ${dead!.id}`);

  const ops = await operationsOf(sql, summary.run_id);
  const orders = ops.filter((o) => o.resource === "orders");
  // The orphan's window plus the rest up to now - skew; the orphan was not exported again.
  expect(orders.map((o) => o.id)[0]).toBe(adoptable.id);
  expect(orders).toHaveLength(2);
  expect(orders[1]!.window_start).toEqual(orders[0]!.window_end);
  expect(orders.every((o) => o.ingested_at && o.attempt === 1)).toBe(true);
  expect(h.sim.admin.node(unusable.id)).toMatchObject({ status: "CANCELED" });
  const [late] = await sql<{ note: string; run_id: number }[]>`select note, run_id::int from bulk_operations where id = ${unusable.id}`;
  expect(late).toEqual({ note: `canceled by run ${summary.run_id}: orphan holding a bulk slot`, run_id: dead!.id });
});
