// Daily sync failure module: marks the flow's run failed and raises a critical alert.
import { connect, type Postgresql } from "../lib/db.ts";
import { recordSyncFailure } from "../lib/sync/fail.ts";

export async function main(db: Postgresql, message: string, step_id: string = "") {
  const flowJobId = process.env.WM_FLOW_JOB_ID || process.env.WM_ROOT_FLOW_JOB_ID || null;
  const recorded = await recordSyncFailure(connect(db), { flowJobId, message, stepId: step_id || null });
  console.error(`daily sync failed${recorded.run_id ? ` (run ${recorded.run_id})` : ""}${step_id ? ` at step ${step_id}` : ""}: ${message}`);
  return { ...recorded, message, step_id };
}
