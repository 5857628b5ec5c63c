// S6: retry selected dead letters: each line is read again from its archive
// object (verified against archive_objects first), parsed with today's code and
// merged newest-wins; a line that now goes in is resolved ("retried: ...") and
// audited. json_syntax / invalid_utf8 lines stay open: the archive holds the
// same broken bytes (see docs/runbooks/interpret-ingest-failures.md). Ops only.
//   npx wm-local run f/sync/dead_letters_retry -d '{"ids": [3, 4]}'
import type { S3Resource as S3 } from "../lib/archive.ts";
import { requireTeam } from "../lib/auth.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { RetryInput } from "../lib/deadletters/inputs.ts";
import { retryDeadLetters } from "../lib/deadletters/retry.ts";
import { deadLettersById, unusable } from "../lib/deadletters/rows.ts";
import { parseInputs } from "../lib/sync/inputs.ts";

export async function main(db: Postgresql, archive: S3, ids: number[]) {
  const input = parseInputs(RetryInput, { ids }, "dead_letters_retry");
  const who = await requireTeam("ops");
  const sql = connect(db);
  const rows = await deadLettersById(sql, input.ids);
  const bad = unusable(input.ids, rows);
  if (bad.length) throw new Error(`dead_letters_retry: invalid input: ids: ${bad.join("; ")}`);
  const outcomes = await retryDeadLetters(sql, archive, rows, who, process.env.WM_JOB_ID ?? null, (line) => console.log(line));
  const count = (o: string) => outcomes.filter((x) => x.outcome === o).length;
  return { merged: count("merged"), superseded: count("superseded"), still_failing: count("still_failing"), outcomes };
}
