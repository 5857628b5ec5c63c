// Job history as the staff console reads it: recent runs and one run's logs.
//
// The same console runs in two places, so the history has two sources:
//  - in Windmill, the job history is Windmill's own, read through its API
//    (windmill-client's JobService, authenticated by the job's WM_TOKEN);
//  - under the local runner (wm-local), jobs are recorded in the wm_local
//    schema of the local database, which the `db` resource points at.
// The local runner's job tokens start with "wm-local" (its stand-in API for
// windmill-client serves variables and resources, not job history); any
// other token means a real Windmill.
import type { Postgresql } from "./db.ts";
import { localJobHistory } from "./jobs/local.ts";
import { windmillJobHistory } from "./jobs/windmill.ts";

export type JobStatus = "queued" | "running" | "suspended" | "success" | "failure" | "canceled";

export interface JobSummary {
  id: string;
  path: string;
  kind: string;
  status: JobStatus;
  /** What started it: cli, schedule, http, app, webhook, ... */
  trigger: string;
  trigger_path: string | null;
  created_by: string;
  end_user_email: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Run time so far for unfinished jobs. */
  duration_ms: number | null;
}

export interface JobLogs {
  job: JobSummary;
  /** Log lines in order; a flow's step lines are prefixed with "[<step id>] ". */
  lines: string[];
  /** The error message of a failed job. */
  error: string | null;
}

export interface ListOptions {
  limit: number;
  /** Leave out jobs whose path starts with this (the console's own runnables). */
  excludePathPrefix?: string;
}

export interface JobHistory {
  source: "windmill" | "local";
  recent(opts: ListOptions): Promise<JobSummary[]>;
  logs(jobId: string): Promise<JobLogs | null>;
}

export const LOCAL_TOKEN_PREFIX = "wm-local";

export function runningInWindmill(env: Record<string, string | undefined> = process.env): boolean {
  const token = env.WM_TOKEN;
  return Boolean(token && !token.startsWith(LOCAL_TOKEN_PREFIX) && (env.BASE_INTERNAL_URL || env.BASE_URL || env.WM_BASE_URL));
}

/** `db` is only read under the local runner; in Windmill the API is the source. */
export function jobHistory(db: Postgresql): JobHistory {
  return runningInWindmill() ? windmillJobHistory() : localJobHistory(db);
}

export function durationMs(start: Date | null, end: Date | null, now = new Date()): number | null {
  if (!start) return null;
  return Math.max(0, (end ?? now).getTime() - start.getTime());
}
