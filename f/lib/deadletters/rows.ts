// Reading dead letters (`ingest_failures`).
import type { Sql } from "postgres";

export interface DeadLetterRow {
  id: number;
  run_id: number | null;
  resource: string;
  archive_key: string | null;
  bulk_operation_id: string | null;
  line_number: number;
  raw_text: string;
  error_class: string;
  message: string;
  created_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  resolved_by: string | null;
}

const asRow = (r: DeadLetterRow): DeadLetterRow => ({ ...r, id: Number(r.id), run_id: r.run_id === null ? null : Number(r.run_id), line_number: Number(r.line_number) });

export async function deadLettersById(sql: Sql, ids: readonly number[]): Promise<DeadLetterRow[]> {
  const rows = await sql<DeadLetterRow[]>`select * from ingest_failures where id = any(${[...ids]}::bigint[]) order by id`;
  return rows.map(asRow);
}

/** The ids that cannot be acted on: unknown, or already resolved (field-level messages, nothing written). */
export function unusable(ids: readonly number[], rows: DeadLetterRow[]): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [`dead letter ${id} does not exist`];
    if (row.resolved_at) return [`dead letter ${id} is already resolved (${row.resolution})`];
    return [];
  });
}

export function publicRow(r: DeadLetterRow, rawLimit = 2000) {
  return {
    id: r.id,
    run_id: r.run_id,
    resource: r.resource,
    bulk_operation_id: r.bulk_operation_id,
    archive_key: r.archive_key,
    line_number: r.line_number,
    error_class: r.error_class,
    message: r.message,
    raw_text: r.raw_text.length > rawLimit ? `${r.raw_text.slice(0, rawLimit)}… (${r.raw_text.length} characters)` : r.raw_text,
    created_at: r.created_at.toISOString(),
    resolved_at: r.resolved_at?.toISOString() ?? null,
    resolution: r.resolution,
    resolved_by: r.resolved_by,
  };
}
