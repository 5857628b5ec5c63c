// S4: replay archived bulk results into the raw mirror. Every selected
// object is verified first (sha256, bytes, lines against archive_objects;
// any mismatch fails the replay before a row is written), then streamed
// through the normal ingest again under its own bulk operation id: newest
// updated_at wins, so replaying an old archive over newer data changes
// nothing, and dead letters are not recorded twice. The replay is a sync run
// (trigger 'replay'), so it never interleaves with a sync. The orders it
// actually rewrote get their marts refreshed.
import type { Sql } from "postgres";
import { openArchive, type S3Resource } from "../archive.ts";
import { ingestBulkResult, type IngestResource } from "../ingest/index.ts";
import { refreshMarts, type RefreshResult } from "../marts/refresh.ts";
import { closeRun, keepAlive, openRun } from "../sync/runs.ts";
import { isEmptySelection, selectArchiveObjects, type ArchiveObjectRow, type ReplaySelection } from "./select.ts";
import { verifyArchiveObject } from "./verify.ts";

export interface ReplayOptions {
  s3: S3Resource;
  selection: ReplaySelection;
  jobId?: string | null;
  /** Refresh the marts for the orders the replay rewrote (default true). */
  refreshMarts?: boolean;
  log?: (line: string) => void;
}

export interface ReplayedObject {
  key: string;
  resource: string;
  lines: number;
  objects: number;
  written: number;
  dead_letters: number;
}

export interface ReplayResult {
  run_id: number;
  objects: ReplayedObject[];
  lines: number;
  written: number;
  touched_orders: number;
  marts: RefreshResult | null;
  seconds: number;
}

export class ReplayRefusedError extends Error {
  override name = "ReplayRefusedError";
}

export async function replayArchive(sql: Sql, opts: ReplayOptions): Promise<ReplayResult> {
  const log = opts.log ?? (() => undefined);
  if (isEmptySelection(opts.selection)) throw new ReplayRefusedError("replay: select archive objects by run_ids, from/to, resources or keys");
  const objects = await selectArchiveObjects(sql, opts.selection);
  if (!objects.length) throw new ReplayRefusedError(`replay: no archive object matches ${JSON.stringify(opts.selection)}`);
  for (const o of objects) {
    if (!o.bulk_operation_id) throw new ReplayRefusedError(`replay: archive object ${o.key} has no bulk operation recorded (bulk_operations row gone); it cannot be replayed idempotently`);
  }

  const opened = await openRun(sql, { trigger: "replay", jobId: opts.jobId ?? null, options: { replay: opts.selection, keys: objects.map((o) => o.key) } });
  if (!opened.opened) throw new ReplayRefusedError(`replay refused: ${opened.reason}`);
  const runId = opened.run.id;
  const stop = keepAlive(sql, runId);
  const t0 = Date.now();
  const started = new Date();
  try {
    log(`replay run ${runId}: verifying ${objects.length} archive object(s)`);
    for (const o of objects) await verifyArchiveObject(sql, opts.s3, o.key);

    const replayed: ReplayedObject[] = [];
    for (const o of objects) replayed.push(await replayOne(sql, opts.s3, o, log));

    const touched = await touchedOrders(sql, started);
    let marts: RefreshResult | null = null;
    if (touched.length && opts.refreshMarts !== false) {
      marts = await refreshMarts(sql, { orderIds: touched });
      log(`marts: ${marts.mode} refresh of ${marts.orders} orders`);
    }
    const result: ReplayResult = {
      run_id: runId,
      objects: replayed,
      lines: replayed.reduce((n, r) => n + r.lines, 0),
      written: replayed.reduce((n, r) => n + r.written, 0),
      touched_orders: touched.length,
      marts,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    };
    const deadLetters = replayed.reduce((n, r) => n + r.dead_letters, 0);
    await closeRun(sql, runId, { status: deadLetters ? "partial" : "succeeded", counts: { replayed: replayed.length, lines: result.lines, written: result.written, dead_letters: deadLetters, touched_orders: touched.length } });
    log(`replay run ${runId}: ${replayed.length} object(s), ${result.lines} lines, ${result.written} rows rewritten, ${touched.length} orders touched in ${result.seconds} s`);
    return result;
  } catch (e) {
    await closeRun(sql, runId, { status: "failed", error: (e as Error).message }).catch(() => undefined);
    throw e;
  } finally {
    stop();
  }
}

async function replayOne(sql: Sql, s3: S3Resource, o: ArchiveObjectRow, log: (line: string) => void): Promise<ReplayedObject> {
  const body = await openArchive({ sql, s3, key: o.key });
  const result = await ingestBulkResult({
    sql,
    body,
    resource: o.resource as IngestResource,
    runId: o.run_id,
    bulkOperationId: o.bulk_operation_id!,
    expectedObjects: o.object_count,
    // Locations carry no updatedAt: they are as new as the export that wrote them.
    snapshotAt: (o.completed_at ?? o.created_at).toISOString(),
    log,
  });
  const written = Object.values(result.byType).reduce((n, c) => n + c.written, 0);
  log(`${o.key}: ${result.lines} lines, ${written} rows rewritten (the rest were not newer than the mirror), ${result.deadLetters} dead letters`);
  return { key: o.key, resource: o.resource, lines: result.lines, objects: result.objects, written, dead_letters: result.deadLetters };
}

/** Orders whose row, line items, fulfillments or refunds the replay rewrote. */
async function touchedOrders(sql: Sql, since: Date): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id from raw_shopify_orders where synced_at >= ${since}
    union select order_id from raw_shopify_line_items where synced_at >= ${since}
    union select order_id from raw_shopify_fulfillments where synced_at >= ${since}
    union select order_id from raw_shopify_refunds where synced_at >= ${since}`;
  return rows.map((r) => r.id);
}
