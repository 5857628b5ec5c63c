// Daily sync, step 2 (once per resource, up to five in parallel): export the
// planned windows with bulk queries, stream each result into the archive and the
// raw mirror, then advance the resource's watermark. Safe to retry: it resumes
// from the bulk_operations ledger and never counts anything twice.
import type { S3Resource as S3 } from "../lib/archive.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { ingestBulkResult } from "../lib/ingest/index.ts";
import { shopifyClient } from "../lib/shopify/client.ts";
import type { ShopifyAdmin } from "../lib/shopify/resource.ts";
import { LoadInputs, parseInputs } from "../lib/sync/inputs.ts";
import { loadResource } from "../lib/sync/load.ts";
import { scaledSleep } from "../lib/sync/pace.ts";

export async function main(
  db: Postgresql,
  shop: ShopifyAdmin,
  archive: S3,
  run_id: number,
  resource: string,
  windows: { start: string | null; end: string | null; bulk_operation_id?: string }[],
) {
  const input = parseInputs(LoadInputs, { run_id, resource, windows }, "sync_resource");
  const log = (line: string) => console.log(line);
  const client = shopifyClient(shop, { log, sleep: scaledSleep });
  return loadResource({ sql: connect(db), client, ingest: ingestBulkResult, archive, log, sleep: scaledSleep }, input.run_id, input.resource, input.windows);
}
