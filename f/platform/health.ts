// Health of the workspace: is the database reachable, which schema version is
// applied, when each Shopify resource last synced, what is waiting on people.
import { connect, type Postgresql } from "../lib/db.ts";
import { healthReport } from "../lib/health.ts";

export async function main(db: Postgresql) {
  return healthReport(connect(db));
}
