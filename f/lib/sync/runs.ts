// The run ledger (`sync_runs`): one row per sync run. Opening a run happens
// under an advisory lock, and the unique index sync_runs_one_running_idx keeps
// a second running row out even without it. A run whose heartbeat went stale
// (its flow died without reaching the failure module) is marked failed by the
// next plan, so a crash never blocks the syncs after it.
import type { Sql } from "postgres";
import { withTryAdvisoryLock } from "./lock.ts";

export type RunStatus = "running" | "succeeded" | "failed" | "partial";
export type RunTrigger = "schedule" | "manual" | "backfill" | "replay" | "webhook" | "test";

export const SYNC_LOCK_KEY = "shopify-sync";
/** Steps beat at least every HEARTBEAT_MS; a run silent for STALE_AFTER_MS is abandoned. */
export const HEARTBEAT_MS = 30_000;
export const STALE_AFTER_MS = 10 * 60_000;

export interface RunRow {
  id: number;
  trigger: RunTrigger;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  counts: Record<string, unknown>;
  error: string | null;
  job_id: string | null;
  options: Record<string, unknown>;
}

// bigint ids come back from postgres.js as strings; run ids fit a JS number.
function asRun(row: RunRow): RunRow {
  return { ...row, id: Number(row.id) };
}

export type OpenRunResult = { opened: true; run: RunRow; abandoned: RunRow[]; resumed: boolean } | { opened: false; reason: string; running?: RunRow };

export async function openRun(sql: Sql, input: { trigger: RunTrigger; jobId: string | null; options: Record<string, unknown>; staleAfterMs?: number }): Promise<OpenRunResult> {
  const staleMs = input.staleAfterMs ?? STALE_AFTER_MS;
  const locked = await withTryAdvisoryLock(sql, SYNC_LOCK_KEY, async (): Promise<OpenRunResult> => {
    const abandoned = await sql<RunRow[]>`
      update sync_runs set status = 'failed', finished_at = now(),
        error = 'abandoned: no heartbeat since ' || coalesce(heartbeat_at, started_at)::text || ' (its flow stopped without closing the run)'
      where status = 'running' and coalesce(heartbeat_at, started_at) < now() - ${staleMs / 1000} * interval '1 second'
      returning *`.then((rows) => rows.map(asRun));
    const [running] = (await sql<RunRow[]>`select * from sync_runs where status = 'running'`).map(asRun);
    // The same flow job planning again (its plan step was retried): carry on with its run.
    if (running && input.jobId && running.job_id === input.jobId) return { opened: true, run: running, abandoned, resumed: true };
    if (running) return { opened: false, reason: refusal(running), running };
    try {
      const [run] = await sql<RunRow[]>`
        insert into sync_runs (trigger, status, job_id, options, heartbeat_at)
        values (${input.trigger}, 'running', ${input.jobId}, ${sql.json(input.options as never)}, now())
        returning *`;
      return { opened: true, run: asRun(run!), abandoned, resumed: false };
    } catch (e) {
      // Another opener got in without the lock (a different code path): the index decides.
      if ((e as { code?: string }).code === "23505") return { opened: false, reason: "another sync run opened at the same moment (sync_runs_one_running_idx)" };
      throw e;
    }
  });
  if (!locked.acquired) return { opened: false, reason: "another sync is being planned right now (advisory lock shopify-sync is held)" };
  return locked.value;
}

function refusal(run: RunRow): string {
  return `sync run ${run.id} is already running (started ${run.started_at.toISOString()}${run.job_id ? `, job ${run.job_id}` : ""}); not starting a second one`;
}

export async function getRun(sql: Sql, runId: number): Promise<RunRow | undefined> {
  const [run] = await sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return run && asRun(run);
}

/** Fails unless the run is still open: a step of a closed or abandoned run must not write. */
export async function requireRunning(sql: Sql, runId: number): Promise<RunRow> {
  const run = await getRun(sql, runId);
  if (!run) throw new Error(`sync run ${runId} does not exist`);
  if (run.status !== "running") throw new Error(`sync run ${runId} is ${run.status}${run.error ? ` (${run.error})` : ""}, not running: refusing to continue it`);
  return run;
}

export async function beat(sql: Sql, runId: number): Promise<void> {
  await sql`update sync_runs set heartbeat_at = now() where id = ${runId} and status = 'running'`;
}

/** Beats every HEARTBEAT_MS until stopped (a long poll or ingest keeps the run alive). */
export function keepAlive(sql: Sql, runId: number, everyMs = HEARTBEAT_MS): () => void {
  const timer = setInterval(() => void beat(sql, runId).catch(() => undefined), everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

export async function closeRun(sql: Sql, runId: number, outcome: { status: Exclude<RunStatus, "running">; counts?: Record<string, unknown>; error?: string | null }): Promise<RunRow> {
  const [run] = await sql<RunRow[]>`
    update sync_runs set status = ${outcome.status}, finished_at = coalesce(finished_at, now()),
      counts = ${sql.json((outcome.counts ?? {}) as never)}, error = ${outcome.error ?? null}
    where id = ${runId}
    returning *`;
  if (!run) throw new Error(`sync run ${runId} does not exist`);
  return asRun(run);
}
