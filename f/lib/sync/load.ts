// Loading one resource for a run: export each window with a bulk query, follow
// the job to a final status, download and ingest the result, and only then
// advance the resource's watermark. Every outcome of SPEC §6 steps 2-3:
//   OPERATION_IN_PROGRESS  our job for this window -> resume it; an orphan of a
//                          dead run -> cancel it; otherwise wait with backoff
//   INVALID                fail loudly with Shopify's message
//   COMPLETED, url null    an empty result (objectCount must be 0)
//   FAILED / CANCELED      run the job again (bounded)
//   TIMEOUT                split the window in two, export both halves
//   ACCESS_DENIED          fail, naming the missing scope
//   EXPIRED, 403 on GET    run the job again
//   5xx / reset on GET     download again (bounded); ingest is idempotent, and a
//                          partial ingest is always followed by a complete one
//                          before the operation counts as ingested.
// State lives in the ledger (bulk_operations), so a retried step resumes where
// the last attempt stopped and never counts anything twice.
import type { Sql } from "postgres";
import type { ShopifyClient } from "../shopify/client.ts";
import { MissingScopesError } from "../shopify/errors.ts";
import { cancelBulkOperation } from "../shopify/bulk/cancel.ts";
import { openResult } from "../shopify/bulk/download.ts";
import {
  BulkAccessDeniedError,
  BulkDownloadError,
  BulkLimitReachedError,
  BulkOperationFailedError,
  BulkOperationInProgressError,
  BulkResultExpiredError,
} from "../shopify/bulk/errors.ts";
import type { BulkOperation } from "../shopify/bulk/operation.ts";
import { pollUntilFinal } from "../shopify/bulk/poll.ts";
import { listenForBulkFinish } from "../webhooks/bulk_finish.ts";
import { startBulkQuery } from "../shopify/bulk/start.ts";
import { archiveKey, type S3Resource } from "../archive.ts";
import type { ingestBulkResult, IngestResult } from "../ingest/index.ts";
import {
  adoptOperation,
  latestForWindow,
  noteOperation,
  operationsById,
  recordIngested,
  recordPolled,
  recordStarted,
  resourceTotals,
  type OperationRow,
  type ResourceTotals,
} from "./operations.ts";
import { bulkQueryFor, RESOURCE_SPECS, type SyncResource } from "./resources.ts";
import { isPermanent } from "./permanent.ts";
import { beat, keepAlive, requireRunning } from "./runs.ts";
import { stepFinished, stepStarted, stepsOf } from "./steps.ts";
import { advanceWatermark } from "./watermarks.ts";
import { describeWindow, sameWindow, splitWindow, type SyncWindow } from "./windows.ts";

export interface PlannedWindow extends SyncWindow {
  /** An operation of a dead run this window takes over (planned by plan.ts). */
  bulk_operation_id?: string;
}

export interface LoadLimits {
  /** Jobs per window (first run included) before FAILED/CANCELED/EXPIRED gives up. */
  jobAttempts: number;
  /** Downloads of one result before a broken download gives up. */
  downloadAttempts: number;
  /** How long to wait for a free bulk slot (OPERATION_IN_PROGRESS, LIMIT_REACHED). */
  slotWaitMs: number;
  /** A TIMEOUT on a window narrower than this is retried, not split. */
  minSplitMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
}

export const DEFAULT_LIMITS: LoadLimits = { jobAttempts: 3, downloadAttempts: 4, slotWaitMs: 30 * 60_000, minSplitMs: 60_000, pollInitialMs: 1000, pollMaxMs: 30_000 };

export interface LoadDeps {
  sql: Sql;
  client: ShopifyClient;
  ingest: typeof ingestBulkResult;
  /** Where result files are archived (shopify/<resource>/<yyyy>/<mm>/<dd>/<run>-<job>.jsonl.gz). */
  archive?: S3Resource;
  log: (line: string) => void;
  /** Every wait goes through it (tests scale it down). */
  sleep: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  limits?: Partial<LoadLimits>;
  /** The sync_steps row this load records (default "load"); a backfill records one per window. */
  step?: string;
  /** False leaves the watermark alone: a backfill of a past range says nothing about what came after it. */
  advanceWatermark?: boolean;
}

export interface LoadResult extends Omit<ResourceTotals, "max_updated_at"> {
  resource: SyncResource;
  status: "succeeded";
  windows: number;
  watermark: string | null;
  watermark_advanced: boolean;
  max_updated_at: string | null;
  seconds: number;
}

const LIVE = new Set(["CREATED", "RUNNING", "CANCELING", "COMPLETED"]);

export async function loadResource(deps: LoadDeps, runId: number, resource: SyncResource, windows: PlannedWindow[]): Promise<LoadResult> {
  const { sql, log } = deps;
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const t0 = Date.now();
  const step = deps.step ?? "load";
  await requireRunning(sql, runId);
  // A permanent failure (ACCESS_DENIED, INVALID, ...) is not tried again by the flow's retry.
  const previous = (await stepsOf(sql, runId)).find((s) => s.resource === resource && s.step === step);
  if (previous?.status === "failed" && previous.counts.permanent) throw new Error(`${resource}: not retrying, this run's load failed for good: ${previous.error}`);
  await stepStarted(sql, runId, resource, step);
  await beat(sql, runId);
  const stopBeating = keepAlive(sql, runId);
  try {
    const queue: PlannedWindow[] = [...windows];
    let exported = 0;
    while (queue.length) {
      const window = queue.shift()!;
      const outcome = await exportWindow(deps, limits, runId, resource, window);
      if (outcome.split) {
        log(`${resource}: ${describeWindow(window)} timed out on Shopify; exporting it as ${describeWindow(outcome.split[0])} and ${describeWindow(outcome.split[1])}`);
        queue.unshift(...outcome.split);
      } else exported++;
    }
    const totals = await resourceTotals(sql, runId, resource);
    // Advance only to what was committed, only now that every window is in, and not past
    // lines that went to dead letters (their records may be older than the newest one kept).
    let watermark: Date | null = null;
    let advanced = false;
    if (deps.advanceWatermark === false) {
      log(`${resource}: watermark not touched (${step})`);
    } else if (totals.max_updated_at && totals.dead_letters === 0) {
      watermark = await advanceWatermark(sql, resource, totals.max_updated_at, runId);
      advanced = true;
    } else if (totals.dead_letters > 0) {
      log(`${resource}: ${totals.dead_letters} dead letter(s): watermark left where it was so the next run exports the window again`);
    }
    const seconds = (Date.now() - t0) / 1000;
    const result: LoadResult = {
      ...totals,
      resource,
      status: "succeeded",
      windows: exported,
      watermark: watermark?.toISOString() ?? null,
      watermark_advanced: advanced,
      max_updated_at: totals.max_updated_at?.toISOString() ?? null,
      seconds: Math.round(seconds * 10) / 10,
    };
    await stepFinished(sql, runId, resource, step, { status: "succeeded", counts: countsOf(result) });
    log(`${resource}: ${totals.objects} objects from ${totals.lines} lines in ${result.seconds} s (${Math.round(totals.lines / Math.max(seconds, 0.001))} lines/s), ${totals.dead_letters} dead letters, watermark ${result.watermark ?? "unchanged"}`);
    return result;
  } catch (e) {
    const totals = await resourceTotals(sql, runId, resource).catch(() => undefined);
    const counts = { ...(totals ? countsOf({ ...totals, max_updated_at: null }) : {}), permanent: isPermanent(e), error_class: (e as Error).name };
    await stepFinished(sql, runId, resource, step, { status: "failed", counts, error: (e as Error).message }).catch(() => undefined);
    throw e;
  } finally {
    stopBeating();
  }
}

function countsOf(t: Omit<ResourceTotals, "max_updated_at"> & { max_updated_at: Date | string | null; windows?: number; watermark?: string | null }): Record<string, unknown> {
  return { operations: t.operations, lines: t.lines, objects: t.objects, dead_letters: t.dead_letters, empty_lines: t.empty_lines, by_type: t.by_type, windows: t.windows, watermark: t.watermark ?? null };
}

type WindowOutcome = { split?: [SyncWindow, SyncWindow] };

async function exportWindow(deps: LoadDeps, limits: LoadLimits, runId: number, resource: SyncResource, window: PlannedWindow): Promise<WindowOutcome> {
  const { sql, log } = deps;
  const spec = RESOURCE_SPECS[resource];
  const query = bulkQueryFor(spec, window);
  const label = `${resource} ${describeWindow(window)}`;

  // What the ledger already knows about this window decides where to pick up.
  let row: OperationRow | undefined = await latestForWindow(sql, runId, resource, window);
  if (!row && window.bulk_operation_id) {
    await adoptOperation(sql, window.bulk_operation_id, runId, `taken over by run ${runId}`);
    log(`${label}: resuming bulk operation ${window.bulk_operation_id} left by an earlier run`);
    row = await latestForWindow(sql, runId, resource, window);
  }
  if (row?.ingested_at) {
    log(`${label}: already ingested by bulk operation ${row.id}`);
    return {};
  }
  let attempt = row?.attempt ?? 0;
  let current: string | null = null;
  if (row && LIVE.has(row.status)) {
    current = row.id;
    log(`${label}: resuming bulk operation ${row.id} (${row.status})`);
  } else if (row?.status === "FAILED" && row.error_code === "TIMEOUT") {
    const halves = splitWindow(window, limits.minSplitMs);
    if (halves) return { split: halves };
  }
  let reason = row ? `after ${row.status}${row.error_code ? `/${row.error_code}` : ""} of ${row.id}` : "planned";

  for (;;) {
    if (!current) {
      if (attempt >= limits.jobAttempts) {
        throw new Error(`${label}: giving up after ${attempt} bulk job(s) (last: ${reason})`);
      }
      attempt++;
      current = await startJob(deps, limits, runId, resource, window, query, attempt, reason);
    }
    const final = await pollUntilFinal(deps.client, current, {
      sleep: deps.sleep,
      wakeOn: listenForBulkFinish(sql), // the bulk_operations/finish webhook ends a wait early
      initialIntervalMs: limits.pollInitialMs,
      maxIntervalMs: limits.pollMaxMs,
      onPoll: async (op) => {
        await recordPolled(sql, op);
        await beat(sql, runId);
      },
    });
    log(`${label}: bulk operation ${final.id} ${final.status}${final.errorCode ? `/${final.errorCode}` : ""}, ${final.objectCount} objects`);
    switch (final.status) {
      case "COMPLETED": {
        if (!final.url) {
          if (final.objectCount > 0) {
            // A completed job with objects but no file is a failure, never "0 rows" (airbytehq/airbyte#85372).
            reason = `COMPLETED with ${final.objectCount} objects but no url`;
            await noteOperation(sql, final.id, reason);
            current = null;
            continue;
          }
          await recordIngested(sql, final.id, { archiveKey: null, maxUpdatedAt: null, ingest: { lines: 0, objects: 0, emptyLines: 0, deadLetters: 0, byType: {} } });
          return {};
        }
        try {
          await downloadAndIngest(deps, limits, runId, resource, final);
          return {};
        } catch (e) {
          if (!(e instanceof BulkResultExpiredError)) throw e;
          reason = e.message;
          await noteOperation(sql, final.id, reason);
          log(`${label}: ${reason}`);
          current = null;
          continue;
        }
      }
      case "EXPIRED":
        reason = `${final.id} EXPIRED before its result was downloaded`;
        current = null;
        continue;
      case "FAILED": {
        if (final.errorCode === "ACCESS_DENIED") throw await accessDenied(deps, resource, final);
        if (final.errorCode === "TIMEOUT") {
          const halves = splitWindow(window, limits.minSplitMs);
          if (halves) {
            await noteOperation(sql, final.id, `TIMEOUT: window split in two`);
            return { split: halves };
          }
        }
        reason = `${final.id} FAILED/${final.errorCode ?? "unknown"}`;
        if (attempt >= limits.jobAttempts) throw new BulkOperationFailedError(final, `${label}: giving up after ${attempt} job(s)`);
        current = null;
        continue;
      }
      default: // CANCELED (Shopify cancels stalled jobs; they may be retried)
        reason = `${final.id} ${final.status}`;
        if (attempt >= limits.jobAttempts) throw new BulkOperationFailedError(final, `${label}: giving up after ${attempt} job(s)`);
        current = null;
        continue;
    }
  }
}

/** Starts a job and records it before anything else; waits for a free slot when the shop has none. */
async function startJob(deps: LoadDeps, limits: LoadLimits, runId: number, resource: SyncResource, window: SyncWindow, query: string, attempt: number, reason: string): Promise<string> {
  const { sql, log } = deps;
  const label = `${resource} ${describeWindow(window)}`;
  const waitUntil = Date.now() + limits.slotWaitMs;
  let delay = 2000;
  for (;;) {
    let op: BulkOperation;
    try {
      op = await startBulkQuery(deps.client, query);
    } catch (e) {
      if (!(e instanceof BulkOperationInProgressError || e instanceof BulkLimitReachedError)) throw e;
      const running = e instanceof BulkOperationInProgressError ? e.runningIds : [];
      const owned = await operationsById(sql, running);
      const mine = owned.find((o) => o.resource === resource && o.run_id === runId && !o.ingested_at && sameWindow({ start: o.window_start, end: o.window_end }, window));
      if (mine) {
        log(`${label}: OPERATION_IN_PROGRESS, and ${mine.id} is this window's own job: resuming it`);
        return mine.id;
      }
      // Jobs recorded by runs that are no longer running are orphans holding a slot: cancel them.
      const orphans = owned.filter((o) => o.run_id !== runId && o.run_status !== "running");
      for (const orphan of orphans) {
        const { canceled, message } = await cancelBulkOperation(deps.client, orphan.id);
        await noteOperation(sql, orphan.id, canceled ? `canceled by run ${runId}: orphan holding a bulk slot` : `cancel refused: ${message}`);
        log(`${label}: OPERATION_IN_PROGRESS; canceled orphaned bulk operation ${orphan.id} of run ${orphan.run_id ?? "?"}${canceled ? "" : ` (${message})`}`);
      }
      if (Date.now() >= waitUntil) throw new Error(`${label}: no free bulk operation slot after ${Math.round(limits.slotWaitMs / 1000)} s (${e.message})`);
      log(`${label}: ${e instanceof BulkOperationInProgressError ? "OPERATION_IN_PROGRESS" : "LIMIT_REACHED"} (${running.length} running: ${owned.length} ours); waiting ${Math.round(delay / 1000)} s`);
      await deps.sleep(delay);
      delay = Math.min(delay * 2, 60_000);
      continue;
    }
    await recordStarted(sql, op, { runId, resource, window, query, attempt, note: attempt === 1 ? "planned" : `attempt ${attempt}: ${reason}` });
    log(`${label}: started bulk operation ${op.id}${attempt > 1 ? ` (attempt ${attempt}, ${reason})` : ""}`);
    return op.id;
  }
}

async function downloadAndIngest(deps: LoadDeps, limits: LoadLimits, runId: number, resource: SyncResource, op: BulkOperation): Promise<IngestResult> {
  const { sql, log } = deps;
  const key = deps.archive ? archiveKey({ resource, runId, bulkOperationId: op.id }) : null;
  let lastError: Error | undefined;
  for (let n = 1; n <= limits.downloadAttempts; n++) {
    if (n > 1) await deps.sleep(1000 * 2 ** (n - 2));
    const t0 = Date.now();
    let download;
    try {
      download = await openResult(op.url!, { fetch: deps.fetch });
    } catch (e) {
      if (!(e instanceof BulkDownloadError)) throw e;
      lastError = e;
      log(`${resource}: ${e.message}; download ${n}/${limits.downloadAttempts}`);
      continue;
    }
    try {
      const result = await deps.ingest({
        sql,
        body: download.body,
        resource,
        runId,
        bulkOperationId: op.id,
        archive: deps.archive && key ? { s3: deps.archive, key } : undefined,
        expectedObjects: op.objectCount,
        log,
      });
      const secs = (Date.now() - t0) / 1000;
      const maxUpdatedAt = result.maxUpdatedAt ? new Date(result.maxUpdatedAt) : null;
      await recordIngested(sql, op.id, {
        archiveKey: result.archive?.key ?? key,
        maxUpdatedAt,
        ingest: {
          lines: result.lines,
          objects: result.objects,
          emptyLines: result.emptyLines,
          deadLetters: result.deadLetters,
          byType: Object.fromEntries(Object.entries(result.byType).map(([kind, c]) => [kind, c.rows])),
          written: Object.values(result.byType).reduce((n, c) => n + c.written, 0),
          downloads: n,
        },
      });
      log(`${resource}: ingested ${op.id}: ${result.lines} lines, ${result.objects} objects, ${result.deadLetters} dead letters in ${secs.toFixed(2)} s (${Math.round(result.lines / Math.max(secs, 0.001))} lines/s)`);
      return result;
    } catch (e) {
      const broken = download.failure();
      if (!broken) throw e;
      // The body broke under the ingest: what it staged is overwritten by the next complete pass.
      lastError = broken;
      log(`${resource}: ${broken.message}; download ${n}/${limits.downloadAttempts}, ingest will run again on a complete file`);
    }
  }
  throw new BulkDownloadError(`${resource}: result of ${op.id} could not be downloaded after ${limits.downloadAttempts} attempts: ${lastError?.message}`);
}

/** ACCESS_DENIED names no scope; the granted scopes tell which of the resource's are missing. */
async function accessDenied(deps: LoadDeps, resource: SyncResource, op: BulkOperation): Promise<BulkAccessDeniedError> {
  const needed = RESOURCE_SPECS[resource].scopes;
  try {
    await deps.client.requireScopes(needed);
  } catch (e) {
    if (e instanceof MissingScopesError) {
      return new BulkAccessDeniedError(`${resource}: Shopify denied the bulk export (ACCESS_DENIED, ${op.id}): ${e.message}`, e.missing);
    }
    throw e;
  }
  return new BulkAccessDeniedError(
    `${resource}: Shopify denied the bulk export (ACCESS_DENIED, ${op.id}) although the app holds ${needed.join(", ")}: a selected field needs another scope (e.g. protected customer data access); run the query without bulk to see which`,
    [],
  );
}
