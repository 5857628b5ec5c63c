// Jobs as the raw-app protocol hands them to an app: getJob returns the shape
// of Windmill's JobService.getJob (a CompletedJob or QueuedJob), waitJob the
// result, streamJob the job's result stream.
import type { JobRow, JobStatus } from "../runtime/jobs.ts";
import type { Runner } from "../runtime/runner.ts";

export interface WindmillJob {
  type: "CompletedJob" | "QueuedJob";
  id: string;
  workspace_id: string;
  parent_job?: string;
  created_by: string;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  duration_ms?: number;
  success?: boolean;
  running?: boolean;
  canceled: boolean;
  suspend?: number;
  script_path: string;
  args: Record<string, unknown>;
  result?: unknown;
  job_kind: string;
  email: string;
  permissioned_as: string;
  is_flow_step: boolean;
  trigger_kind?: string;
}

const FINISHED: JobStatus[] = ["success", "failure", "canceled"];

export function isFinished(status: JobStatus): boolean {
  return FINISHED.includes(status);
}

export function windmillJob(row: JobRow, workspace: string): WindmillJob {
  const base = {
    id: row.id,
    workspace_id: workspace,
    ...(row.parent_job ? { parent_job: row.parent_job } : {}),
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    ...(row.started_at ? { started_at: row.started_at.toISOString() } : {}),
    canceled: row.status === "canceled",
    script_path: row.path,
    args: row.args,
    job_kind: jobKind(row),
    email: row.email,
    permissioned_as: `u/${row.created_by}`,
    is_flow_step: row.parent_job !== null,
    trigger_kind: row.trigger_kind,
  };
  if (!isFinished(row.status)) {
    return { type: "QueuedJob", ...base, running: row.status === "running" || row.status === "suspended", ...(row.status === "suspended" ? { suspend: 1 } : {}) };
  }
  const started = row.started_at ?? row.created_at;
  return {
    type: "CompletedJob",
    ...base,
    completed_at: row.finished_at?.toISOString(),
    duration_ms: row.finished_at ? row.finished_at.getTime() - started.getTime() : 0,
    success: row.status === "success",
    // Windmill stores a failed job's result as {error}.
    result: row.status === "success" ? row.result : { error: row.error ?? { name: "Canceled", message: "job canceled" } },
  };
}

function jobKind(row: JobRow): string {
  if (row.kind === "rawscript") return row.trigger_kind === "app" ? "appscript" : "preview";
  return row.kind;
}

/** Resolves with the job's final row; polls for jobs this process did not start. */
export async function waitForJob(runner: Runner, id: string, signal?: AbortSignal): Promise<JobRow> {
  await runner.wait(id); // settles at once for a job we did not start (then we poll)
  for (;;) {
    const row = await runner.jobs.get(id);
    if (!row) throw new Error(`no job ${id}`);
    if (isFinished(row.status)) return row;
    if (signal?.aborted) throw new Error(`stopped waiting for job ${id}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What windmill-client's appendToResultStream wrote: log lines "WM_STREAM: <text with \n escaped>". */
export function resultStreamOf(lines: string[]): string {
  const prefix = "WM_STREAM: ";
  return lines
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length).replace(/\\n/g, "\n"))
    .join("");
}

/**
 * The error a failed job rejects with in the app. Without the stack: the
 * app's wmill module turns `stack ?? message` into the Error's message, and a
 * one-line message reads better; the stack stays in the job's logs.
 */
export function jobErrorOf(row: JobRow): { name: string; message: string } {
  const e = row.error ?? { name: "Canceled", message: `job ${row.id} was canceled` };
  return { name: e.name, message: e.message };
}

/** A finished job as the run/wait/stream endpoints answer it. */
export function outcomeOf(row: JobRow): { success: true; result: unknown } | { success: false; error: { name: string; message: string } } {
  return row.status === "success" ? { success: true, result: row.result ?? null } : { success: false, error: jobErrorOf(row) };
}
