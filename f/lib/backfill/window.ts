// One backfill window of one resource: the daily sync's own load path
// (bulk export -> archive + ingest, TIMEOUT splits, resumable from the ledger)
// with a step row per window and the watermark left alone. The step's counts
// are then narrowed to this window's operations (the load counts the whole
// run's operations for the resource, which parallel windows share).
import type { Sql } from "postgres";
import { loadResource, type LoadDeps, type LoadResult } from "../sync/load.ts";
import { stepFinished } from "../sync/steps.ts";
import { backfillStep, type BackfillResource } from "./plan.ts";

export async function loadBackfillWindow(deps: LoadDeps, runId: number, resource: BackfillResource, window: { start: string; end: string }) {
  const step = backfillStep(window);
  const result: LoadResult = await loadResource({ ...deps, step, advanceWatermark: false }, runId, resource, [window]);
  const own = await windowTotals(deps.sql, runId, resource, window);
  await stepFinished(deps.sql, runId, resource, step, { status: "succeeded", counts: { ...own, windows: result.windows, watermark: null } });
  deps.log(`${resource} ${step}: ${own.objects} objects from ${own.lines} lines, ${own.dead_letters} dead letters`);
  return { resource, window, status: "succeeded" as const, ...own, seconds: result.seconds };
}

async function windowTotals(sql: Sql, runId: number, resource: string, w: { start: string; end: string }) {
  const [row] = await sql<{ operations: number; lines: number; objects: number; dead_letters: number }[]>`
    select count(*)::int as operations,
           coalesce(sum((ingest ->> 'lines')::bigint), 0)::int as lines,
           coalesce(sum((ingest ->> 'objects')::bigint), 0)::int as objects,
           coalesce(sum((ingest ->> 'deadLetters')::bigint), 0)::int as dead_letters
    from bulk_operations
    where run_id = ${runId} and resource = ${resource} and ingested_at is not null
      and window_start >= ${w.start}::timestamptz and window_end <= ${w.end}::timestamptz`;
  return row!;
}
