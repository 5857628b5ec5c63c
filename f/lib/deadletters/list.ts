// S6 triage view: dead letters grouped by error class, each group with the
// runbook section that explains the class, then the rows themselves.
import type { Sql } from "postgres";
import { isOrphan, runbookFor } from "./runbook.ts";
import { publicRow, type DeadLetterRow } from "./rows.ts";

export interface ListFilter {
  errorClass?: string | null;
  resource?: string | null;
  runId?: number | null;
  includeResolved?: boolean;
  limit?: number;
  offset?: number;
}

export interface DeadLetterGroup {
  error_class: string;
  count: number;
  /** invalid_record lines that are children whose parent was missing from the file. */
  orphans: number;
  resources: string[];
  runs: number[];
  first_seen: string;
  last_seen: string;
  example: string;
  runbook: string;
  explanation: string;
}

export async function listDeadLetters(sql: Sql, f: ListFilter = {}) {
  const where = sql`
    where (${f.includeResolved ?? false} or resolved_at is null)
      and (${f.errorClass ?? null}::text is null or error_class = ${f.errorClass ?? null})
      and (${f.resource ?? null}::text is null or resource = ${f.resource ?? null})
      and (${f.runId ?? null}::bigint is null or run_id = ${f.runId ?? null})`;
  const groups = await sql<{ error_class: string; count: number; orphans: number; resources: string[]; runs: number[]; first_seen: Date; last_seen: Date; example: string }[]>`
    select error_class, count(*)::int as count,
           count(*) filter (where message ~ ': its parent \\S+ is not in this file')::int as orphans,
           array_agg(distinct resource order by resource) as resources,
           array_agg(distinct run_id::int order by run_id::int) filter (where run_id is not null) as runs,
           min(created_at) as first_seen, max(created_at) as last_seen,
           (array_agg(message order by id))[1] as example
    from ingest_failures ${where}
    group by error_class order by count(*) desc, error_class`;
  const rows = await sql<DeadLetterRow[]>`
    select * from ingest_failures ${where} order by error_class, id limit ${f.limit ?? 100} offset ${f.offset ?? 0}`;
  return {
    total: groups.reduce((n, g) => n + g.count, 0),
    groups: groups.map((g): DeadLetterGroup => {
      const rb = runbookFor(g.error_class);
      return { ...g, runs: g.runs ?? [], first_seen: g.first_seen.toISOString(), last_seen: g.last_seen.toISOString(), runbook: rb.section, explanation: rb.summary };
    }),
    items: rows.map((r) => {
      const row = publicRow({ ...r, id: Number(r.id), run_id: r.run_id === null ? null : Number(r.run_id), line_number: Number(r.line_number) }, 300);
      return { ...row, orphan: isOrphan(r.message), runbook: runbookFor(r.error_class).section };
    }),
  };
}
