// Backfill step 1: open a sync run (trigger backfill; refused while another
// sync runs), check scopes, split [from, to) into windows per resource.
import { z } from "zod";
import { BACKFILL_RESOURCES, DEFAULT_WINDOW_HOURS, planBackfill } from "../lib/backfill/plan.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { shopifyClient } from "../lib/shopify/client.ts";
import type { ShopifyAdmin } from "../lib/shopify/resource.ts";
import { parseInputs } from "../lib/sync/inputs.ts";
import { scaledSleep } from "../lib/sync/pace.ts";

const Instant = z.string().trim().refine((s) => Number.isFinite(Date.parse(s)), "must be an ISO date or datetime (e.g. 2026-01-01 or 2026-01-01T00:00:00Z)");
const Inputs = z
  .object({
    from: Instant,
    to: Instant,
    window_hours: z.number().positive().max(24 * 366),
    resources: z.array(z.enum(BACKFILL_RESOURCES)).min(1, "pick at least one resource"),
    parallelism: z.number().int().min(1).max(20),
  })
  .refine((i) => Date.parse(i.from) < Date.parse(i.to), { message: "must be after from", path: ["to"] });

export async function main(
  db: Postgresql,
  shop: ShopifyAdmin,
  from: string,
  to: string,
  window_hours: number = DEFAULT_WINDOW_HOURS,
  resources: ("orders" | "products" | "customers")[] = ["orders", "products", "customers"],
  parallelism: number = 3,
) {
  const input = parseInputs(Inputs, { from, to, window_hours, resources, parallelism }, "backfill_plan");
  const log = (line: string) => console.log(line);
  return planBackfill(connect(db), shopifyClient(shop, { log, sleep: scaledSleep }), {
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    windowHours: input.window_hours,
    resources: input.resources,
    parallelism: input.parallelism,
    jobId: process.env.WM_FLOW_JOB_ID || process.env.WM_JOB_ID || null,
    log,
  });
}
