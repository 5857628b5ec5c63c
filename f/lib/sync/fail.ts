// The daily sync's failure module: close the flow's run as failed (unless the
// finish step already did) and raise a critical alert. The run is found by the
// flow job that opened it, so this works whichever step failed, and raises the
// alert even when the plan failed before a run existed.
import type { Sql } from "postgres";
import { raiseAlert } from "./alerts.ts";
import type { RunRow } from "./runs.ts";

export async function recordSyncFailure(sql: Sql, input: { flowJobId: string | null; message: string; stepId: string | null }): Promise<{ run_id: number | null; alert_id: number }> {
  const error = `${input.stepId ? `step ${input.stepId}: ` : ""}${input.message}`;
  let run: RunRow | undefined;
  if (input.flowJobId) {
    [run] = await sql<RunRow[]>`
      update sync_runs set status = case when status = 'running' then 'failed' else status end,
        finished_at = coalesce(finished_at, now()), error = coalesce(error, ${error})
      where job_id = ${input.flowJobId}
      returning *`;
  }
  const alert = await raiseAlert(sql, {
    severity: "critical",
    source: "f/sync/daily_sync",
    dedupeKey: "sync:failed",
    title: `Daily sync failed${run ? ` (run ${Number(run.id)})` : ""}${input.stepId ? ` at step ${input.stepId}` : ""}`,
    body: input.message,
    details: { run_id: run ? Number(run.id) : null, step_id: input.stepId, flow_job_id: input.flowJobId, message: input.message },
  });
  return { run_id: run ? Number(run.id) : null, alert_id: alert.id };
}
