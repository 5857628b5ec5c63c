// One archive bucket per vitest worker: test files running at the same time
// start their run and bulk-operation ids alike, so in one shared bucket they
// would overwrite each other's archives. The global setup creates them.
import { ARCHIVE_BUCKET } from "../../local/config.ts";

/** Enough for vitest's pool ids with maxWorkers (vitest.config.ts) and some headroom. */
export const MAX_TEST_WORKERS = 8;

export function testBucket(poolId = process.env.VITEST_POOL_ID ?? "1"): string {
  return `${ARCHIVE_BUCKET}-w${poolId}`;
}
