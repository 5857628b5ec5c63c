// One run's logs for the console (a flow's include its steps' lines).
import type { Postgresql } from "../lib/db.ts";
import { jobHistory } from "../lib/jobs.ts";

export async function main(db: Postgresql, job_id: string) {
  const logs = await jobHistory(db).logs(job_id);
  if (!logs) throw new Error(`no job ${job_id}`);
  return logs;
}
