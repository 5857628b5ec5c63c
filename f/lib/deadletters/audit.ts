// Resolving a dead letter and its audit_log row, in one transaction: the
// row only changes if it is still open, and the audit holds it before and after.
import type { Sql } from "postgres";
import { publicRow, type DeadLetterRow } from "./rows.ts";

export interface Actor {
  email: string;
}

export async function resolveDeadLetter(sql: Sql, id: number, resolution: string, actor: Actor, action: string, jobId: string | null): Promise<DeadLetterRow | null> {
  return sql.begin(async (tx) => {
    const [before] = await tx<DeadLetterRow[]>`select * from ingest_failures where id = ${id} and resolved_at is null for update`;
    if (!before) return null;
    const [after] = await tx<DeadLetterRow[]>`
      update ingest_failures set resolved_at = now(), resolution = ${resolution}, resolved_by = ${actor.email}
      where id = ${id} returning *`;
    const snapshot = (r: DeadLetterRow) => {
      const { raw_text: _, ...rest } = publicRow({ ...r, id: Number(r.id), run_id: r.run_id === null ? null : Number(r.run_id), line_number: Number(r.line_number) });
      return rest;
    };
    await tx`
      insert into audit_log (actor, action, entity, entity_id, before, after, job_id)
      values (${actor.email}, ${action}, 'ingest_failures', ${String(id)}, ${tx.json(snapshot(before) as never)}, ${tx.json(snapshot(after!) as never)}, ${jobId})`;
    return after!;
  });
}
