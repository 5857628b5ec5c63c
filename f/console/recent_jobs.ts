// The console's recent-jobs page: the latest top-level runs, newest first.
// `db` locates the local runner's job tables; in Windmill the history comes
// from Windmill's job API (see f/lib/jobs.ts).
import type { Postgresql } from "../lib/db.ts";
import { jobHistory } from "../lib/jobs.ts";

export async function main(db: Postgresql, limit: number = 50, include_console: boolean = false) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error(`limit must be an integer from 1 to 500, got ${limit}`);
  const history = jobHistory(db);
  const jobs = await history.recent({ limit, excludePathPrefix: include_console ? undefined : "f/console/" });
  return { source: history.source, jobs };
}
