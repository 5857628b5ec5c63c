// Which archive objects a replay takes: by run, by archive date range
// (archive_objects.created_at, the date in the key), by resource, or by key;
// criteria combine with AND. Oldest first, so the replay retraces history.
import type { Sql } from "postgres";

export interface ReplaySelection {
  runIds?: readonly number[];
  /** Inclusive ISO instant. */
  from?: string | null;
  /** Exclusive ISO instant. */
  to?: string | null;
  resources?: readonly string[];
  keys?: readonly string[];
}

export interface ArchiveObjectRow {
  key: string;
  bucket: string;
  run_id: number | null;
  bulk_operation_id: string | null;
  resource: string;
  line_count: number;
  byte_count: number;
  sha256: string;
  created_at: Date;
  /** Shopify's objectCount for the job (null when the operation row is gone). */
  object_count: number | null;
  completed_at: Date | null;
}

export function isEmptySelection(s: ReplaySelection): boolean {
  return !s.runIds?.length && !s.from && !s.to && !s.resources?.length && !s.keys?.length;
}

export async function selectArchiveObjects(sql: Sql, s: ReplaySelection): Promise<ArchiveObjectRow[]> {
  const runIds = s.runIds?.length ? [...s.runIds] : null;
  const resources = s.resources?.length ? [...s.resources] : null;
  const keys = s.keys?.length ? [...s.keys] : null;
  const rows = await sql<ArchiveObjectRow[]>`
    select a.key, a.bucket, a.run_id::int as run_id, a.bulk_operation_id, a.resource, a.line_count::bigint as line_count,
           a.byte_count::bigint as byte_count, a.sha256, a.created_at, o.object_count::bigint as object_count, o.completed_at
    from archive_objects a left join bulk_operations o on o.id = a.bulk_operation_id
    where (${runIds}::bigint[] is null or a.run_id = any(${runIds}::bigint[]))
      and (${s.from ?? null}::timestamptz is null or a.created_at >= ${s.from ?? null}::timestamptz)
      and (${s.to ?? null}::timestamptz is null or a.created_at < ${s.to ?? null}::timestamptz)
      and (${resources}::text[] is null or a.resource = any(${resources}::text[]))
      and (${keys}::text[] is null or a.key = any(${keys}::text[]))
    order by a.created_at, a.key`;
  return rows.map((r) => ({ ...r, line_count: Number(r.line_count), byte_count: Number(r.byte_count), object_count: r.object_count === null ? null : Number(r.object_count) }));
}
