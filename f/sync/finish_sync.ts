// Daily sync, last step: close the run from the ledger (succeeded, partial with an
// alert when lines went to dead letters, failed when a resource did not load) and
// return its summary. A failed run makes this step fail, so the flow's failure
// module raises the alert.
import { connect, type Postgresql } from "../lib/db.ts";
import { finishSync } from "../lib/sync/finish.ts";
import { parseInputs, RunIdInput } from "../lib/sync/inputs.ts";

export async function main(db: Postgresql, run_id: number) {
  const input = parseInputs(RunIdInput, { run_id }, "finish_sync");
  const summary = await finishSync(connect(db), input.run_id);
  console.log(`sync run ${summary.run_id} ${summary.status}: ${summary.objects} objects, ${summary.dead_letters} dead letters in ${summary.seconds} s`);
  return summary;
}
