// S5: validate the sync against Shopify (counts with the sync's own filters,
// the order total of a sample window, freshness per resource); records
// validation_results and alerts on drift. Runs as the daily sync's last step
// (with `summary`, the finish step's result, which it returns extended with
// `validation`), or alone:
//   npx wm-local run f/sync/validate_sync
//   npx wm-local run f/sync/validate_sync -d '{"window_start": "2026-11-20T00:00:00Z", "window_end": "2026-11-21T00:00:00Z", "drift_threshold": 0}'
// `resources` limits the checks (the daily sync passes the run's own);
// inventory levels have no count query, so they get the freshness check only.
// Inside the daily sync a validation that cannot reach Shopify is recorded and
// alerted, but does not turn a loaded run into a failed one.
import { z } from "zod";
import { connect, type Postgresql } from "../lib/db.ts";
import { shopifyClient } from "../lib/shopify/client.ts";
import type { ShopifyAdmin } from "../lib/shopify/resource.ts";
import { raiseAlert } from "../lib/sync/alerts.ts";
import { parseInputs } from "../lib/sync/inputs.ts";
import { scaledSleep } from "../lib/sync/pace.ts";
import { SYNC_RESOURCES } from "../lib/sync/resources.ts";
import { DEFAULT_DRIFT_THRESHOLD, DEFAULT_FRESHNESS_HOURS, VALIDATE_RUNBOOK, validateSync } from "../lib/validate/index.ts";

const Instant = z.string().refine((s) => s === "" || Number.isFinite(Date.parse(s)), "must be an ISO datetime");
const Inputs = z
  .object({
    run_id: z.number().int().positive().nullable(),
    resources: z.array(z.enum(SYNC_RESOURCES)),
    window_start: Instant,
    window_end: Instant,
    drift_threshold: z.number().min(0).max(1),
    freshness_hours: z.number().positive(),
  })
  .refine((i) => (i.window_start === "") === (i.window_end === ""), { message: "give both window_start and window_end, or neither", path: ["window_end"] })
  .refine((i) => i.window_start === "" || Date.parse(i.window_start) < Date.parse(i.window_end), { message: "must be after window_start", path: ["window_end"] });

export async function main(
  db: Postgresql,
  shop: ShopifyAdmin,
  run_id: number | null = null,
  resources: ("orders" | "products" | "customers" | "inventory_levels")[] = ["orders", "products", "customers", "inventory_levels"],
  window_start: string = "",
  window_end: string = "",
  drift_threshold: number = DEFAULT_DRIFT_THRESHOLD,
  freshness_hours: number = DEFAULT_FRESHNESS_HOURS,
  summary: Record<string, unknown> | null = null,
) {
  const input = parseInputs(Inputs, { run_id, resources, window_start, window_end, drift_threshold, freshness_hours }, "validate_sync");
  const sql = connect(db);
  const log = (line: string) => console.log(line);
  const window = input.window_start ? { start: new Date(input.window_start).toISOString(), end: new Date(input.window_end).toISOString() } : null;
  try {
    const report = await validateSync(sql, shopifyClient(shop, { log, sleep: scaledSleep }), {
      runId: input.run_id,
      resources: input.resources,
      window,
      driftThreshold: input.drift_threshold,
      freshnessHours: input.freshness_hours,
      log,
    });
    console.log(report.passed ? "validation passed" : `validation FAILED: ${report.failed.join("; ")} (alert ${report.alert?.id}, see ${VALIDATE_RUNBOOK})`);
    return summary ? { ...summary, validation: report } : report;
  } catch (e) {
    if (!summary) throw e;
    // As the sync's last step: the load is done and closed; say the check could not run.
    const message = (e as Error).message;
    console.error(`validation could not run: ${message}`);
    await raiseAlert(sql, {
      severity: "warning",
      source: "f/sync/validate_sync",
      dedupeKey: "sync:validation_error",
      title: `Sync validation could not run${input.run_id ? ` (run ${input.run_id})` : ""}`,
      body: `${message}\nSee ${VALIDATE_RUNBOOK}.`,
      details: { run_id: input.run_id, runbook: VALIDATE_RUNBOOK },
    });
    return { ...summary, validation: { passed: false, error: message } };
  }
}
