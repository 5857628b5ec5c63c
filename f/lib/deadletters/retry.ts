// S6 retry: take each selected dead letter's line again, from its archive
// object by line number (the object is read to its end, so its sha256 and
// line count are verified first) or, without an archive, from raw_text; parse
// it with today's code, and merge it with the normal newest-wins statements.
//
// What can succeed:
//  * a line the parser refused but now accepts (a parser fix, a new type);
//  * an orphaned child (invalid_record "its parent ... is not in this file":
//    a line item whose order line was lost, e.g. truncated) once its order is
//    in the mirror. It takes the order's updated_at, which is only right if
//    the order has not changed since this file was exported; if it has, a
//    newer export carried the order with its line items, and the dead letter
//    is resolved as superseded without writing.
// What cannot: json_syntax and invalid_utf8 lines. The archive holds the bytes
// exactly as downloaded, so the line is as broken there as it was; such a
// retry reports the same error and leaves the dead letter open (dismiss it
// once a later run re-exported the record).
import type { Sql } from "postgres";
import type { S3Resource } from "../archive.ts";
import type { Line } from "../ingest/lines.ts";
import { mergeStaged } from "../ingest/merge.ts";
import { routeLine, type StagedNode } from "../ingest/records.ts";
import { MAX_RAW_TEXT } from "../ingest/stage.ts";
import { archiveLines } from "./archive_lines.ts";
import { resolveDeadLetter, type Actor } from "./audit.ts";
import type { DeadLetterRow } from "./rows.ts";

export type RetryOutcome =
  | { id: number; outcome: "merged"; resolution: string; source: "archive" | "raw_text" }
  | { id: number; outcome: "superseded"; resolution: string; source: "archive" | "raw_text" }
  | { id: number; outcome: "still_failing"; error_class: string; message: string; source: "archive" | "raw_text" | "none" };

/** Parent types of children whose updated_at comes from the parent (see ingest/tables.ts needsParent). */
const PARENT_TABLE: Partial<Record<StagedNode["type"], string>> = { LineItem: "raw_shopify_orders" };

export async function retryDeadLetters(sql: Sql, s3: S3Resource, rows: DeadLetterRow[], actor: Actor, jobId: string | null, log: (line: string) => void = () => undefined): Promise<RetryOutcome[]> {
  // One verified read per archive object, collecting only the wanted lines.
  const lines = new Map<number, Line>();
  const byKey = new Map<string, DeadLetterRow[]>();
  for (const r of rows) if (r.archive_key) byKey.set(r.archive_key, [...(byKey.get(r.archive_key) ?? []), r]);
  for (const [key, group] of byKey) {
    const found = await archiveLines(sql, s3, key, new Set(group.map((r) => r.line_number)), { verify: true });
    for (const r of group) {
      const line = found.get(r.line_number);
      if (line) lines.set(r.id, line);
    }
    log(`${key}: verified, ${found.size} of ${group.length} line(s) found`);
  }

  const outcomes: RetryOutcome[] = [];
  for (const row of rows) {
    const outcome = await retryOne(sql, row, lines.get(row.id), actor, jobId);
    log(`dead letter ${row.id} (${row.resource} line ${row.line_number}): ${outcome.outcome}${"message" in outcome ? `: ${outcome.message}` : `: ${outcome.resolution}`}`);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function retryOne(sql: Sql, row: DeadLetterRow, line: Line | undefined, actor: Actor, jobId: string | null): Promise<RetryOutcome> {
  let text: string;
  let source: "archive" | "raw_text";
  if (line) {
    if (line.kind === "invalid_utf8") return { id: row.id, outcome: "still_failing", error_class: "invalid_utf8", message: `${line.message}; the archive holds the bytes as downloaded`, source: "archive" };
    text = line.kind === "empty" ? "" : line.text;
    source = "archive";
  } else if (row.raw_text.length < MAX_RAW_TEXT && !row.message.includes("raw_text truncated")) {
    text = row.raw_text;
    source = "raw_text";
  } else {
    return { id: row.id, outcome: "still_failing", error_class: row.error_class, message: `line ${row.line_number} is not in ${row.archive_key ?? "any archive"} and raw_text was cut`, source: "none" };
  }

  const routed = routeLine(text);
  if (!routed.ok) {
    const why = routed.errorClass === "json_syntax" ? `${routed.message}; the ${source === "archive" ? "archive holds the bytes as downloaded" : "stored text is the same"}, so the line stays broken: dismiss it once a later run re-exported the record` : routed.message;
    return { id: row.id, outcome: "still_failing", error_class: routed.errorClass, message: why, source };
  }
  const node = routed.node;

  // A child that takes its parent's updated_at needs the parent as it was when this file was exported.
  const parentTable = PARENT_TABLE[node.type];
  let parent: { id: string; updated_at: Date; payload: unknown } | undefined;
  if (parentTable) {
    [parent] = await sql.unsafe<{ id: string; updated_at: Date; payload: unknown }[]>(`select id, updated_at, payload from ${parentTable} where id = $1 and deleted_at is null`, [node.parentId]);
    if (!parent) return { id: row.id, outcome: "still_failing", error_class: "invalid_record", message: `${node.type} ${node.id}: its parent ${node.parentId} is not in the mirror yet`, source };
    const exportedAt = await exportTime(sql, row);
    if (parent.updated_at > exportedAt) {
      const resolution = `retried: superseded, ${node.parentId} was updated at ${parent.updated_at.toISOString()}, after this file was exported (${exportedAt.toISOString()}); a newer export carried it with its ${node.type} lines`;
      const resolved = await resolveDeadLetter(sql, row.id, resolution, actor, "ingest_failure.retry", jobId);
      if (!resolved) return { id: row.id, outcome: "still_failing", error_class: row.error_class, message: "resolved by someone else meanwhile", source };
      return { id: row.id, outcome: "superseded", resolution, source };
    }
  }

  // Staged under an id of its own, so it never meets a running ingest's staging.
  const op = `retry:ingest_failures/${row.id}`;
  const completedAt = await completionOf(sql, row.bulk_operation_id);
  try {
    await sql`delete from ingest_staging where bulk_operation_id = ${op}`;
    const staged = [
      { bulk_operation_id: op, line_number: row.line_number, type: node.type, id: node.id, parent_id: node.parentId, updated_at: node.updatedAt, payload: sql.json(JSON.parse(text) as never) },
    ];
    // The parent as a line 0 the merge's parent lookup finds (line 0 is outside every merge chunk, so it is not merged itself).
    if (parent) staged.push({ bulk_operation_id: op, line_number: 0, type: "Order", id: parent.id, parent_id: null, updated_at: parent.updated_at.toISOString(), payload: sql.json(parent.payload as never) });
    await sql`insert into ingest_staging ${sql(staged as never)}`;
    const counts = await mergeStaged(sql, { bulkOperationId: op, runId: row.run_id, resource: row.resource, archiveKey: row.archive_key }, {
      types: new Set([node.type]),
      lastLine: row.line_number,
      snapshotAt: completedAt?.toISOString() ?? null,
    });
    const rowsMerged = Object.values(counts).reduce((n, c) => n + c.rows, 0);
    const written = Object.values(counts).reduce((n, c) => n + c.written, 0);
    if (rowsMerged === 0) return { id: row.id, outcome: "still_failing", error_class: row.error_class, message: `${node.type} ${node.id}: nothing to merge`, source };
    const resolution = `retried: merged from ${source === "archive" ? `${row.archive_key} line ${row.line_number}` : "raw_text"} (${written} of ${rowsMerged} row(s) written; the rest were not newer than the mirror)`;
    const resolved = await resolveDeadLetter(sql, row.id, resolution, actor, "ingest_failure.retry", jobId);
    if (!resolved) return { id: row.id, outcome: "still_failing", error_class: row.error_class, message: "resolved by someone else meanwhile", source };
    return { id: row.id, outcome: "merged", resolution, source };
  } catch (e) {
    return { id: row.id, outcome: "still_failing", error_class: row.error_class, message: `merge failed: ${(e as Error).message}`, source };
  } finally {
    await sql`delete from ingest_staging where bulk_operation_id = ${op}`;
  }
}

/** When the line's file was exported: the bulk operation's completion, else when the dead letter was written. */
async function exportTime(sql: Sql, row: DeadLetterRow): Promise<Date> {
  return (await completionOf(sql, row.bulk_operation_id)) ?? row.created_at;
}

async function completionOf(sql: Sql, bulkOperationId: string | null): Promise<Date | null> {
  if (!bulkOperationId) return null;
  const [op] = await sql<{ at: Date | null }[]>`select coalesce(completed_at, created_at) as at from bulk_operations where id = ${bulkOperationId}`;
  return op?.at ?? null;
}
