// The bulk-operation ledger (`bulk_operations`): a Shopify job id is recorded
// the moment Shopify returns it, before any poll, so a crash can always find
// (and resume, or cancel) the job it started. What an ingest committed is kept
// on the row; a resource's counts and watermark are derived from these rows,
// never accumulated in memory.
import type { Sql } from "postgres";
import type { BulkOperation } from "../shopify/bulk/operation.ts";
import type { SyncWindow } from "./windows.ts";

export interface OperationRow {
  id: string;
  run_id: number | null;
  resource: string;
  window_start: Date | null;
  window_end: Date | null;
  query: string;
  status: string;
  error_code: string | null;
  object_count: number | null;
  url: string | null;
  archive_key: string | null;
  created_at: Date;
  completed_at: Date | null;
  ingested_at: Date | null;
  max_updated_at: Date | null;
  ingest: Record<string, unknown> | null;
  attempt: number;
  note: string | null;
}

// bigint columns come back from postgres.js as strings.
function asOperation<T extends OperationRow>(row: T): T {
  return { ...row, run_id: row.run_id === null ? null : Number(row.run_id), object_count: row.object_count === null ? null : Number(row.object_count) };
}

export async function recordStarted(sql: Sql, op: BulkOperation, input: { runId: number; resource: string; window: SyncWindow; query: string; attempt: number; note: string }): Promise<void> {
  await sql`
    insert into bulk_operations (id, run_id, resource, window_start, window_end, query, status, error_code, object_count, root_object_count, file_size, url, partial_data_url, attempt, note)
    values (${op.id}, ${input.runId}, ${input.resource}, ${input.window.start}, ${input.window.end}, ${input.query}, ${op.status}, ${op.errorCode},
      ${op.objectCount}, ${op.rootObjectCount}, ${op.fileSize}, ${op.url}, ${op.partialDataUrl}, ${input.attempt}, ${input.note})
    on conflict (id) do nothing`;
}

export async function recordPolled(sql: Sql, op: BulkOperation): Promise<void> {
  await sql`
    update bulk_operations set status = ${op.status}, error_code = ${op.errorCode}, object_count = ${op.objectCount},
      root_object_count = ${op.rootObjectCount}, file_size = ${op.fileSize}, url = ${op.url}, partial_data_url = ${op.partialDataUrl},
      completed_at = ${op.completedAt}
    where id = ${op.id}`;
}

export async function recordIngested(sql: Sql, id: string, input: { archiveKey: string | null; maxUpdatedAt: Date | null; ingest: Record<string, unknown> }): Promise<void> {
  await sql`
    update bulk_operations set ingested_at = now(), archive_key = ${input.archiveKey}, max_updated_at = ${input.maxUpdatedAt},
      ingest = ${sql.json(input.ingest as never)}
    where id = ${id}`;
}

export async function noteOperation(sql: Sql, id: string, note: string): Promise<void> {
  await sql`update bulk_operations set note = ${note} where id = ${id}`;
}

/** The newest operation this run started for exactly this window (a retried step resumes from it). */
export async function latestForWindow(sql: Sql, runId: number, resource: string, window: SyncWindow): Promise<OperationRow | undefined> {
  const [row] = await sql<OperationRow[]>`
    select * from bulk_operations
    where run_id = ${runId} and resource = ${resource}
      and window_start is not distinct from ${window.start}::timestamptz and window_end is not distinct from ${window.end}::timestamptz
    order by created_at desc, attempt desc limit 1`;
  return row && asOperation(row);
}

export async function operationsById(sql: Sql, ids: string[]): Promise<(OperationRow & { run_status: string | null })[]> {
  if (!ids.length) return [];
  const rows = await sql<(OperationRow & { run_status: string | null })[]>`
    select o.*, r.status as run_status from bulk_operations o left join sync_runs r on r.id = o.run_id where o.id = any(${ids})`;
  return rows.map(asOperation);
}

/**
 * An operation a dead run left behind that this run can take over instead of
 * exporting again: same resource, not ingested, still running or completed
 * (results stay downloadable for 7 days), its run closed, and starting at or
 * before where this run would start.
 */
export async function adoptableOperation(sql: Sql, resource: string, plannedStart: string | null, runId: number): Promise<OperationRow | undefined> {
  const [row] = await sql<OperationRow[]>`
    select o.* from bulk_operations o left join sync_runs r on r.id = o.run_id
    where o.resource = ${resource} and o.ingested_at is null and o.status in ('CREATED', 'RUNNING', 'COMPLETED')
      and (o.run_id is null or (o.run_id <> ${runId} and r.status <> 'running'))
      and (o.window_start is null or (${plannedStart}::timestamptz is not null and o.window_start <= ${plannedStart}::timestamptz))
      and (o.window_end is null or ${plannedStart}::timestamptz is null or o.window_end > ${plannedStart}::timestamptz)
      and o.created_at > now() - interval '6 days'
    order by o.created_at desc limit 1`;
  return row && asOperation(row);
}

export async function adoptOperation(sql: Sql, id: string, runId: number, note: string): Promise<void> {
  await sql`update bulk_operations set run_id = ${runId}, note = ${note} where id = ${id}`;
}

export interface ResourceTotals {
  operations: number;
  lines: number;
  objects: number;
  dead_letters: number;
  empty_lines: number;
  max_updated_at: Date | null;
  by_type: Record<string, number>;
}

/** What this run committed for a resource, from its ingested operations. */
export async function resourceTotals(sql: Sql, runId: number, resource: string): Promise<ResourceTotals> {
  const rows = await sql<{ ingest: Record<string, unknown> | null; max_updated_at: Date | null }[]>`
    select ingest, max_updated_at from bulk_operations where run_id = ${runId} and resource = ${resource} and ingested_at is not null`;
  const totals: ResourceTotals = { operations: rows.length, lines: 0, objects: 0, dead_letters: 0, empty_lines: 0, max_updated_at: null, by_type: {} };
  for (const r of rows) {
    const i = r.ingest ?? {};
    totals.lines += Number(i.lines ?? 0);
    totals.objects += Number(i.objects ?? 0);
    totals.dead_letters += Number(i.deadLetters ?? 0);
    totals.empty_lines += Number(i.emptyLines ?? 0);
    for (const [type, n] of Object.entries((i.byType as Record<string, number>) ?? {})) totals.by_type[type] = (totals.by_type[type] ?? 0) + Number(n);
    if (r.max_updated_at && (!totals.max_updated_at || r.max_updated_at > totals.max_updated_at)) totals.max_updated_at = r.max_updated_at;
  }
  return totals;
}
