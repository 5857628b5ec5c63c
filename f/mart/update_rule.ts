// Ops edits a classification rule (threshold, tag list, SLA parameter).
// Validated before anything is written; the change is audited with the
// caller; the next mart refresh reclassifies every order with it.
import { requireTeam } from "../lib/auth.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { updateRule } from "../lib/marts/rule_edit.ts";

export async function main(db: Postgresql, key: string, value: unknown) {
  const who = await requireTeam("ops");
  return updateRule(connect(db), { key, value }, who, process.env.WM_JOB_ID);
}
