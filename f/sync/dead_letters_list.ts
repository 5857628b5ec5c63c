// S6: dead letters (ingest_failures) grouped by error class, each group with
// the runbook section that explains it, then the rows (open ones unless
// include_resolved). Ops only.
//   npx wm-local run f/sync/dead_letters_list
//   npx wm-local run f/sync/dead_letters_list -d '{"error_class": "json_syntax", "run_id": 12}'
import { requireTeam } from "../lib/auth.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { ListInput } from "../lib/deadletters/inputs.ts";
import { listDeadLetters } from "../lib/deadletters/list.ts";
import { parseInputs } from "../lib/sync/inputs.ts";

export async function main(
  db: Postgresql,
  error_class: string = "",
  resource: string = "",
  run_id: number | null = null,
  include_resolved: boolean = false,
  limit: number = 100,
  offset: number = 0,
) {
  const input = parseInputs(ListInput, { error_class, resource, run_id, include_resolved, limit, offset }, "dead_letters_list");
  await requireTeam("ops");
  return listDeadLetters(connect(db), {
    errorClass: input.error_class || null,
    resource: input.resource || null,
    runId: input.run_id,
    includeResolved: input.include_resolved,
    limit: input.limit,
    offset: input.offset,
  });
}
