// S6 dismiss: an Ops decision that a dead letter needs no more work (e.g. a
// truncated line whose record a later run re-exported), with the reason kept
// in `resolution` and the change audited.
import type { Sql } from "postgres";
import { resolveDeadLetter, type Actor } from "./audit.ts";
import type { DeadLetterRow } from "./rows.ts";

export async function dismissDeadLetters(sql: Sql, rows: DeadLetterRow[], reason: string, actor: Actor, jobId: string | null) {
  const dismissed: { id: number; resolution: string }[] = [];
  const skipped: { id: number; why: string }[] = [];
  for (const row of rows) {
    const after = await resolveDeadLetter(sql, row.id, `dismissed: ${reason}`, actor, "ingest_failure.dismiss", jobId);
    if (after) dismissed.push({ id: row.id, resolution: after.resolution! });
    else skipped.push({ id: row.id, why: "resolved by someone else meanwhile" });
  }
  return { dismissed, skipped };
}
