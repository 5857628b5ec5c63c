// Per-resource watermarks (`sync_watermarks`): the newest updated_at actually
// committed by a finished load. They only move forward (greatest), so a
// backfill or a replay of an old window never pulls one back.
import type { Sql } from "postgres";

export async function readWatermarks(sql: Sql): Promise<Map<string, Date>> {
  const rows = await sql<{ resource: string; watermark: Date }[]>`select resource, watermark from sync_watermarks`;
  return new Map(rows.map((r) => [r.resource, r.watermark]));
}

/** Moves the watermark to `to` unless it is already later; returns the watermark now stored. */
export async function advanceWatermark(sql: Sql, resource: string, to: Date, runId: number): Promise<Date> {
  const [row] = await sql<{ watermark: Date }[]>`
    insert into sync_watermarks (resource, watermark, run_id, updated_at)
    values (${resource}, ${to}, ${runId}, now())
    on conflict (resource) do update set
      run_id = case when excluded.watermark > sync_watermarks.watermark then excluded.run_id else sync_watermarks.run_id end,
      updated_at = case when excluded.watermark > sync_watermarks.watermark then now() else sync_watermarks.updated_at end,
      watermark = greatest(sync_watermarks.watermark, excluded.watermark)
    returning watermark`;
  return row!.watermark;
}
