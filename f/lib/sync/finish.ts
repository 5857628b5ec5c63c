// The last step of the daily sync: close the run from what the ledger says
// (not from what earlier steps returned, so a retried step changes nothing),
// alert on dead letters, and return the run's summary. A run with a failed
// resource is closed `failed` and SyncRunFailedError is thrown, so the flow
// fails and its failure module raises the alert.
import type { Sql } from "postgres";
import { raiseAlert } from "./alerts.ts";
import { closeRun, getRun } from "./runs.ts";
import { stepsOf } from "./steps.ts";

export interface ResourceSummary {
  resource: string;
  status: string;
  objects: number;
  lines: number;
  dead_letters: number;
  operations: number;
  watermark: string | null;
  seconds: number | null;
  error: string | null;
}

export interface SyncSummary {
  run_id: number;
  status: "succeeded" | "partial" | "failed";
  resources: ResourceSummary[];
  objects: number;
  dead_letters: number;
  seconds: number;
  error: string | null;
}

export class SyncRunFailedError extends Error {
  override name = "SyncRunFailedError";
  constructor(readonly summary: SyncSummary) {
    super(`sync run ${summary.run_id} failed: ${summary.error}`);
  }
}

export const DEAD_LETTER_RUNBOOK = "docs/runbooks/interpret-ingest-failures.md";

export async function finishSync(sql: Sql, runId: number): Promise<SyncSummary> {
  const run = await getRun(sql, runId);
  if (!run) throw new Error(`sync run ${runId} does not exist`);
  const planned = ((run.options as { resources?: string[] }).resources ?? []) as string[];
  const steps = (await stepsOf(sql, runId)).filter((s) => s.step === "load");
  const resources: ResourceSummary[] = planned.map((resource) => {
    const step = steps.find((s) => s.resource === resource);
    const c = (step?.counts ?? {}) as Record<string, unknown>;
    return {
      resource,
      status: step?.status ?? "not run",
      objects: Number(c.objects ?? 0),
      lines: Number(c.lines ?? 0),
      dead_letters: Number(c.dead_letters ?? 0),
      operations: Number(c.operations ?? 0),
      watermark: (c.watermark as string | null) ?? null,
      seconds: step?.finished_at ? Math.round((step.finished_at.getTime() - step.started_at.getTime()) / 100) / 10 : null,
      error: step?.error ?? (step ? null : "the load step never ran"),
    };
  });
  const failed = resources.filter((r) => r.status !== "succeeded");
  const deadLetters = resources.reduce((n, r) => n + r.dead_letters, 0);
  const status = failed.length ? "failed" : deadLetters > 0 ? "partial" : "succeeded";
  const error = failed.length ? failed.map((r) => (r.error?.startsWith(`${r.resource}:`) ? r.error : `${r.resource}: ${r.error ?? r.status}`)).join("; ") : null;
  const objects = resources.reduce((n, r) => n + r.objects, 0);
  const counts = Object.fromEntries(resources.map((r) => [r.resource, { status: r.status, objects: r.objects, lines: r.lines, dead_letters: r.dead_letters, operations: r.operations }]));
  const closed = await closeRun(sql, runId, { status, counts: { ...counts, objects, dead_letters: deadLetters }, error });
  const summary: SyncSummary = {
    run_id: runId,
    status,
    resources,
    objects,
    dead_letters: deadLetters,
    seconds: runSeconds(closed),
    error,
  };
  if (status === "partial") {
    await alertDeadLetters(sql, {
      source: "f/sync/daily_sync",
      title: `Sync run ${runId} finished partial: ${deadLetters} malformed line(s) in ingest_failures`,
      detail: `${resources.filter((r) => r.dead_letters).map((r) => `${r.resource}: ${r.dead_letters}`).join(", ")}. Their watermarks did not advance.`,
      runId,
      deadLetters,
    });
  }
  if (status === "failed") throw new SyncRunFailedError(summary);
  return summary;
}

/** How long a closed run took, in tenths of a second. */
export function runSeconds(run: { started_at: Date; finished_at: Date | null }): number {
  return Math.round(((run.finished_at ?? new Date()).getTime() - run.started_at.getTime()) / 100) / 10;
}

/** The warning a run that dead-lettered lines raises (deduplicated while open). */
export async function alertDeadLetters(sql: Sql, a: { source: string; title: string; detail?: string; runId: number; deadLetters: number }): Promise<void> {
  await raiseAlert(sql, {
    severity: "warning",
    source: a.source,
    dedupeKey: "sync:dead_letters",
    title: a.title,
    body: `${a.detail ? a.detail + " " : ""}See ${DEAD_LETTER_RUNBOOK}.`,
    details: { run_id: a.runId, dead_letters: a.deadLetters, runbook: DEAD_LETTER_RUNBOOK },
  });
}
