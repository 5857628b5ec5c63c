// The step ledger (`sync_steps`): one row per (run, resource, step). A retried
// step updates its row (status back to running, counts replaced), so retries
// never add up twice.
import type { Sql } from "postgres";

export type StepStatus = "running" | "succeeded" | "failed" | "skipped";

export interface StepRow {
  id: number;
  run_id: number;
  resource: string;
  step: string;
  status: StepStatus;
  started_at: Date;
  finished_at: Date | null;
  counts: Record<string, unknown>;
  error: string | null;
}

export async function stepStarted(sql: Sql, runId: number, resource: string, step: string): Promise<StepRow> {
  const [row] = await sql<StepRow[]>`
    insert into sync_steps (run_id, resource, step, status)
    values (${runId}, ${resource}, ${step}, 'running')
    on conflict (run_id, resource, step) do update set status = 'running', finished_at = null, error = null
    returning *`;
  return row!;
}

export async function stepFinished(sql: Sql, runId: number, resource: string, step: string, outcome: { status: Exclude<StepStatus, "running">; counts?: Record<string, unknown>; error?: string | null }): Promise<StepRow> {
  const [row] = await sql<StepRow[]>`
    insert into sync_steps (run_id, resource, step, status, finished_at, counts, error)
    values (${runId}, ${resource}, ${step}, ${outcome.status}, now(), ${sql.json((outcome.counts ?? {}) as never)}, ${outcome.error ?? null})
    on conflict (run_id, resource, step) do update set status = excluded.status, finished_at = excluded.finished_at,
      counts = excluded.counts, error = excluded.error
    returning *`;
  return row!;
}

export async function stepsOf(sql: Sql, runId: number): Promise<StepRow[]> {
  return sql<StepRow[]>`select * from sync_steps where run_id = ${runId} order by id`;
}
