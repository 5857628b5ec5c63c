// Backfill last step: close the run from its per-window steps and return the
// summary; a window that did not load fails the flow (its failure module alerts).
import { z } from "zod";
import { BACKFILL_RESOURCES } from "../lib/backfill/plan.ts";
import { finishBackfill } from "../lib/backfill/finish.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { parseInputs } from "../lib/sync/inputs.ts";

const Inputs = z.object({
  run_id: z.number().int().positive(),
  items: z.array(z.object({ resource: z.enum(BACKFILL_RESOURCES), window: z.object({ start: z.string(), end: z.string() }) })),
});

export async function main(db: Postgresql, run_id: number, items: { resource: string; window: { start: string; end: string } }[]) {
  const input = parseInputs(Inputs, { run_id, items }, "backfill_finish");
  const summary = await finishBackfill(connect(db), input.run_id, input.items);
  console.log(`backfill run ${summary.run_id} ${summary.status}: ${summary.windows.length} window export(s), ${summary.objects} objects, ${summary.dead_letters} dead letters in ${summary.seconds} s`);
  return summary;
}
