// Closes a backfill run from its per-window steps (never from what earlier
// steps returned): failed if a window did not load (the flow then fails and
// its failure module alerts), partial with an alert if lines went to dead
// letters, else succeeded.
import type { Sql } from "postgres";
import { alertDeadLetters, runSeconds, SyncRunFailedError, type SyncSummary } from "../sync/finish.ts";
import { closeRun, getRun } from "../sync/runs.ts";
import { stepsOf } from "../sync/steps.ts";
import { backfillStep, type BackfillItem } from "./plan.ts";

export interface BackfillSummary {
  run_id: number;
  status: "succeeded" | "partial" | "failed";
  windows: { resource: string; start: string; end: string; status: string; objects: number; dead_letters: number; error: string | null }[];
  objects: number;
  dead_letters: number;
  seconds: number;
  error: string | null;
}

export async function finishBackfill(sql: Sql, runId: number, items: BackfillItem[]): Promise<BackfillSummary> {
  const run = await getRun(sql, runId);
  if (!run) throw new Error(`sync run ${runId} does not exist`);
  const steps = await stepsOf(sql, runId);
  const windows = items.map((item) => {
    const step = steps.find((s) => s.resource === item.resource && s.step === backfillStep(item.window));
    const c = (step?.counts ?? {}) as Record<string, unknown>;
    return {
      resource: item.resource,
      start: item.window.start,
      end: item.window.end,
      status: step?.status ?? "not run",
      objects: Number(c.objects ?? 0),
      dead_letters: Number(c.dead_letters ?? 0),
      error: step?.error ?? (step ? null : "the window never ran"),
    };
  });
  const failed = windows.filter((w) => w.status !== "succeeded");
  const objects = windows.reduce((n, w) => n + w.objects, 0);
  const deadLetters = windows.reduce((n, w) => n + w.dead_letters, 0);
  const status = failed.length ? "failed" : deadLetters ? "partial" : "succeeded";
  const error = failed.length ? failed.map((w) => `${w.resource} [${w.start}, ${w.end}): ${w.error ?? w.status}`).join("; ") : null;
  const closed = await closeRun(sql, runId, { status, counts: { windows: windows.length, failed_windows: failed.length, objects, dead_letters: deadLetters }, error });
  const summary: BackfillSummary = {
    run_id: runId,
    status,
    windows,
    objects,
    dead_letters: deadLetters,
    seconds: runSeconds(closed),
    error,
  };
  if (status === "partial") {
    await alertDeadLetters(sql, {
      source: "f/sync/backfill",
      title: `Backfill run ${runId} finished partial: ${deadLetters} malformed line(s) in ingest_failures`,
      runId,
      deadLetters,
    });
  }
  if (status === "failed") throw new SyncRunFailedError({ run_id: runId, status, resources: [], objects, dead_letters: deadLetters, seconds: summary.seconds, error } satisfies SyncSummary);
  return summary;
}
