// Backfill step 2 (once per resource and window, `parallelism` at a time):
// the daily sync's load path for one window, leaving the watermark alone.
import type { S3Resource as S3 } from "../lib/archive.ts";
import { BACKFILL_RESOURCES } from "../lib/backfill/plan.ts";
import { loadBackfillWindow } from "../lib/backfill/window.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { ingestBulkResult } from "../lib/ingest/index.ts";
import { shopifyClient } from "../lib/shopify/client.ts";
import type { ShopifyAdmin } from "../lib/shopify/resource.ts";
import { LoadInputs, parseInputs } from "../lib/sync/inputs.ts";
import { scaledSleep } from "../lib/sync/pace.ts";

export async function main(db: Postgresql, shop: ShopifyAdmin, archive: S3, run_id: number, resource: string, window: { start: string; end: string }) {
  const input = parseInputs(LoadInputs, { run_id, resource, windows: [window] }, "backfill_window");
  if (!(BACKFILL_RESOURCES as readonly string[]).includes(input.resource)) throw new Error(`backfill_window: invalid input: resource: must be one of ${BACKFILL_RESOURCES.join(", ")}`);
  const w = input.windows[0]!;
  if (!w.start || !w.end) throw new Error("backfill_window: invalid input: window: needs start and end");
  const log = (line: string) => console.log(line);
  const client = shopifyClient(shop, { log, sleep: scaledSleep });
  return loadBackfillWindow({ sql: connect(db), client, ingest: ingestBulkResult, archive, log, sleep: scaledSleep }, input.run_id, input.resource as (typeof BACKFILL_RESOURCES)[number], {
    start: w.start,
    end: w.end,
  });
}
