// Daily sync, step 1: open the run (one sync at a time; a second one is refused),
// check the Shopify app's scopes, and plan each resource's updated_at windows.
import { connect, type Postgresql } from "../lib/db.ts";
import { shopifyClient } from "../lib/shopify/client.ts";
import type { ShopifyAdmin } from "../lib/shopify/resource.ts";
import { dateRecordingFetch } from "../lib/sync/clock.ts";
import { parseInputs, PlanInputs } from "../lib/sync/inputs.ts";
import { scaledSleep } from "../lib/sync/pace.ts";
import { planSync } from "../lib/sync/plan.ts";

export async function main(
  db: Postgresql,
  shop: ShopifyAdmin,
  resources: string[] = ["orders", "products", "customers", "inventory_levels"],
  full_refresh: boolean = false,
  since: string = "",
  trigger: "schedule" | "manual" | "backfill" | "replay" | "webhook" | "test" = "manual",
) {
  const input = parseInputs(PlanInputs, { resources, full_refresh, since, trigger }, "plan_sync");
  const clock = dateRecordingFetch();
  const client = shopifyClient(shop, { fetch: clock.fetch, sleep: scaledSleep });
  return planSync(connect(db), client, {
    resources: input.resources,
    fullRefresh: input.full_refresh,
    since: input.since ?? null,
    trigger: input.trigger,
    jobId: process.env.WM_FLOW_JOB_ID || process.env.WM_JOB_ID || null,
    now: clock.serverNow,
    log: (line) => console.log(line),
  });
}
