// S6: dismiss selected dead letters with a reason (kept as "dismissed: <reason>"
// with who and when, and audited before/after). Ops only; nothing is written
// unless every id is an open dead letter.
//   npx wm-local run f/sync/dead_letters_dismiss -d '{"ids": [5], "reason": "truncated download; run 13 re-exported the order"}'
import { requireTeam } from "../lib/auth.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { dismissDeadLetters } from "../lib/deadletters/dismiss.ts";
import { DismissInput } from "../lib/deadletters/inputs.ts";
import { deadLettersById, unusable } from "../lib/deadletters/rows.ts";
import { parseInputs } from "../lib/sync/inputs.ts";

export async function main(db: Postgresql, ids: number[], reason: string) {
  const input = parseInputs(DismissInput, { ids, reason }, "dead_letters_dismiss");
  const who = await requireTeam("ops");
  const sql = connect(db);
  const rows = await deadLettersById(sql, input.ids);
  const bad = unusable(input.ids, rows);
  if (bad.length) throw new Error(`dead_letters_dismiss: invalid input: ids: ${bad.join("; ")}`);
  return dismissDeadLetters(sql, rows, input.reason, who, process.env.WM_JOB_ID ?? null);
}
