// Daily sync: refresh the marts for the orders the run touched (and the shop's
// timezone/currency they are computed in).
import { connect, type Postgresql } from "../lib/db.ts";
import { shopifyClient } from "../lib/shopify/client.ts";
import type { ShopifyAdmin } from "../lib/shopify/resource.ts";
import { parseInputs, RunIdInput } from "../lib/sync/inputs.ts";
import { refreshMartsForRun } from "../lib/sync/marts.ts";

export async function main(db: Postgresql, shop: ShopifyAdmin, run_id: number) {
  const input = parseInputs(RunIdInput, { run_id }, "refresh_marts");
  const result = await refreshMartsForRun(connect(db), shopifyClient(shop), input.run_id);
  console.log(`marts: ${result.mode} refresh for ${result.touched} touched orders in ${Math.round(result.ms)} ms`);
  return result;
}
