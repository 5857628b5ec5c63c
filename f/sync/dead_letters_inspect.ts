// S6: one dead letter in full: the stored row, its line as the archive holds
// it (read up to that line), what today's parser says about it, and the
// runbook section for its class. Ops only.
//   npx wm-local run f/sync/dead_letters_inspect -d '{"id": 7}'
import type { S3Resource as S3 } from "../lib/archive.ts";
import { requireTeam } from "../lib/auth.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { archiveLines } from "../lib/deadletters/archive_lines.ts";
import { InspectInput } from "../lib/deadletters/inputs.ts";
import { isOrphan, runbookFor } from "../lib/deadletters/runbook.ts";
import { deadLettersById, publicRow } from "../lib/deadletters/rows.ts";
import { routeLine } from "../lib/ingest/records.ts";
import { parseInputs } from "../lib/sync/inputs.ts";

export async function main(db: Postgresql, archive: S3, id: number) {
  const input = parseInputs(InspectInput, { id }, "dead_letters_inspect");
  await requireTeam("ops");
  const sql = connect(db);
  const [row] = await deadLettersById(sql, [input.id]);
  if (!row) throw new Error(`dead_letters_inspect: invalid input: id: dead letter ${input.id} does not exist`);
  let archived: { text: string | null; kind: string; error?: string } | null = null;
  if (row.archive_key) {
    try {
      const line = (await archiveLines(sql, archive, row.archive_key, new Set([row.line_number]), { verify: false })).get(row.line_number);
      archived = line ? { kind: line.kind, text: line.kind === "empty" ? "" : line.text } : { kind: "missing", text: null };
    } catch (e) {
      archived = { kind: "unreadable", text: null, error: (e as Error).message };
    }
  }
  const text = archived?.text ?? row.raw_text;
  const parsed = routeLine(text);
  return {
    ...publicRow(row, 64 * 1024),
    orphan: isOrphan(row.message),
    archive_line: archived,
    parses_now: parsed.ok ? { ok: true, type: parsed.node.type, id: parsed.node.id, parent_id: parsed.node.parentId } : { ok: false, error_class: parsed.errorClass, message: parsed.message },
    runbook: runbookFor(row.error_class),
  };
}
