// Staging -> raw mirror: per chunk of lines, one transaction that upserts
// every table the chunk feeds (set-based, newest updated_at wins, so a
// replay or an overlap never regresses a row). The caller then clears staging.
// Chunks keep a huge file from becoming one giant transaction.
import type { Sql } from "postgres";
import type { NodeType } from "./records.ts";
import type { IngestContext } from "./stage.ts";
import { mergeStatement, TABLES, type Statement, type TableSpec } from "./tables.ts";

export interface TableCounts {
  /** Rows the file holds for the table (orphans included). */
  rows: number;
  /** Rows inserted or updated (the rest were not newer than the table). */
  written: number;
  /** Children whose parent is not in the file: dead letters, not rows. */
  orphaned: number;
  /** Newest updated_at among the file's rows, once committed (ISO). */
  maxUpdatedAt: string | null;
}

const STATEMENTS = new Map<TableSpec, Statement>(TABLES.map((spec) => [spec, mergeStatement(spec)]));

export interface MergeOptions {
  /** Node types present in staging (tables fed by no staged type are skipped). */
  types: ReadonlySet<NodeType>;
  /** Highest staged line number. */
  lastLine: number;
  chunkLines?: number;
  /** Time of the export for snapshot types without updatedAt (locations); defaults to the bulk operation's completion. */
  snapshotAt?: string | null;
  log?: (message: string) => void;
}

export async function mergeStaged(sql: Sql, ctx: IngestContext, opts: MergeOptions): Promise<Record<string, TableCounts>> {
  const chunkLines = opts.chunkLines ?? 50_000;
  const specs = TABLES.filter((spec) => opts.types.has(spec.from));
  const counts: Record<string, TableCounts> = Object.fromEntries(specs.map((s) => [s.kind, { rows: 0, written: 0, orphaned: 0, maxUpdatedAt: null }]));
  const [{ snapshot_at }] = await sql<{ snapshot_at: Date }[]>`
    select coalesce(${opts.snapshotAt ?? null}::timestamptz,
                    (select coalesce(completed_at, created_at) from bulk_operations where id = ${ctx.bulkOperationId}),
                    now()) as snapshot_at`;
  const values: Record<string, unknown> = {
    op: ctx.bulkOperationId,
    run_id: ctx.runId,
    resource: ctx.resource,
    archive_key: ctx.archiveKey,
    snapshot_at: snapshot_at.toISOString(),
  };
  for (let from = 1; from <= opts.lastLine; from += chunkLines) {
    values.from_line = from;
    values.to_line = from + chunkLines;
    await sql.begin(async (tx) => {
      // A chunk's rows (payload included) are deduplicated by a sort: keep it in memory.
      await tx`set local work_mem = '128MB'`;
      for (const spec of specs) {
        const statement = STATEMENTS.get(spec)!;
        const params = statement.params.map((name) => {
          if (!(name in values)) throw new Error(`merge statement for ${spec.table} uses unknown parameter $${name}`);
          return values[name];
        });
        const [row] = await tx.unsafe<{ rows: number; written: number; orphaned: number; max_updated_at: Date | null }[]>(statement.text, params as never[], { prepare: true });
        const c = counts[spec.kind]!;
        c.rows += row!.rows;
        c.written += row!.written;
        c.orphaned += row!.orphaned;
        const max = row!.max_updated_at?.toISOString() ?? null;
        if (max && (!c.maxUpdatedAt || max > c.maxUpdatedAt)) c.maxUpdatedAt = max;
      }
    });
    opts.log?.(`merged lines ${from}..${Math.min(from + chunkLines - 1, opts.lastLine)} of ${opts.lastLine}`);
  }
  return counts;
}
