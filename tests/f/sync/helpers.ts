// Shared by the daily-sync tests: a simulator + fresh database + runner bound
// to both, running f/sync/daily_sync, and checks of the raw mirror against the
// simulator's ground truth and of the ledger.
import { expect } from "vitest";
import type { Sql } from "postgres";
import type { Outcome, Runner } from "../../../local/runtime/runner.ts";
import type { Simulator, SimulatorOptions } from "../../../local/sim/server.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";
import { bindSimulator } from "../../helpers/shopify.ts";
import { startTestSimulator } from "../../sim/helpers.ts";
import { expectCatalogMatchesTruth, expectCustomersMatchTruth, expectInventoryMatchesTruth, expectOrdersMatchTruth } from "../lib/ingest/helpers.ts";

// Library waits (poll intervals, slot backoff, client retries) run at the runner's scale.
process.env.WM_LOCAL_TIME_SCALE = "0.01";

export interface SyncHarness {
  db: TestDatabase;
  sim: Simulator;
  runner: Runner;
  close(): Promise<void>;
}

export async function syncHarness(options: SimulatorOptions = {}): Promise<SyncHarness> {
  const db = await freshDatabase();
  const sim = await startTestSimulator({ orders: 150, bulkDelayMs: 50, ...options });
  const runner = bindSimulator(testRunner(db, { timeScale: 0.01 }), sim);
  return {
    db,
    sim,
    runner,
    async close() {
      await sim.close();
      await db.drop();
    },
  };
}

export function runSync(h: SyncHarness, args: Record<string, unknown> = {}): Promise<Outcome> {
  return h.runner.run("f/sync/daily_sync", { trigger: "test", ...args });
}

/**
 * The raw mirror equals the store. After time travel the simulator derives a customer's
 * numberOfOrders/amountSpent from its orders without bumping the customer's updatedAt, which
 * no updated_at-windowed export can see; `customerStats: false` then checks customers by
 * id, updated_at and email only.
 */
export async function expectMirrorEqualsTruth(sql: Sql, sim: Simulator, opts: { customerStats?: boolean } = {}): Promise<void> {
  await expectOrdersMatchTruth(sql, sim);
  await expectCatalogMatchesTruth(sql, sim);
  if (opts.customerStats === false) await expectCustomerIdentitiesMatchTruth(sql, sim);
  else await expectCustomersMatchTruth(sql, sim);
  await expectInventoryMatchesTruth(sql, sim);
}

async function expectCustomerIdentitiesMatchTruth(sql: Sql, sim: Simulator): Promise<void> {
  const store = sim.admin.store();
  const rows = await sql<{ id: string; email: string | null; updated_at: Date }[]>`select id, email, updated_at from raw_shopify_customers order by id`;
  const truth = [];
  for (let c = 0; c < store.customerCount(); c++) {
    const t = store.customer(c)!;
    truth.push({ id: t.id, email: (t.defaultEmailAddress as { emailAddress: string } | null)?.emailAddress ?? null, updated_at: new Date(t.updatedAt as string).toISOString() });
  }
  expect(rows.map((r) => ({ id: r.id, email: r.email, updated_at: r.updated_at.toISOString() }))).toEqual(truth.sort((a, b) => (a.id < b.id ? -1 : 1)));
}

export async function jobLogs(sql: Sql, rootJobId: string): Promise<string> {
  const rows = await sql<{ line: string }[]>`
    select l.line from wm_local.job_logs l join wm_local.jobs j on j.id = l.job_id
    where j.id = ${rootJobId} or j.root_job = ${rootJobId} or j.parent_job = ${rootJobId}
    order by l.job_id, l.seq`;
  return rows.map((r) => r.line).join("\n");
}

export async function runsOf(sql: Sql) {
  return sql<{ id: number; status: string; error: string | null; counts: Record<string, any> }[]>`select id::int, status, error, counts from sync_runs order by id`;
}

export async function watermarks(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql<{ resource: string; watermark: Date }[]>`select resource, watermark from sync_watermarks`;
  return Object.fromEntries(rows.map((r) => [r.resource, r.watermark.toISOString()]));
}

export async function operationsOf(sql: Sql, runId?: number) {
  return sql<{ id: string; run_id: number; resource: string; status: string; error_code: string | null; window_start: Date | null; window_end: Date | null; ingested_at: Date | null; attempt: number; note: string | null; ingest: any }[]>`
    select id, run_id::int, resource, status, error_code, window_start, window_end, ingested_at, attempt, note, ingest from bulk_operations
    where ${runId === undefined ? true : sql`run_id = ${runId}`} order by created_at`;
}

export function expectSucceeded(out: Outcome): any {
  expect(out.error, JSON.stringify(out.error)).toBeUndefined();
  expect(out.status).toBe("success");
  return out.result;
}
