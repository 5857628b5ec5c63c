// S5: validate the daily sync against Shopify. Checks, each recorded in
// validation_results:
//   count_total   per resource, records created before the watermark (all of
//                 them must be in the mirror by then): Shopify's xxxCount vs ours
//   count_window  per resource, records whose updated_at is in the sample
//                 window, with the sync's own filter
//   sum_window    total price of the orders in the sample window
//   freshness     per resource, hours since its last successful load
// Drift above the threshold (a fraction of Shopify's figure) or a stale
// resource raises one deduplicated alert naming the failing checks.
import type { Sql } from "postgres";
import type { ShopifyClient } from "../shopify/client.ts";
import { raiseAlert } from "../sync/alerts.ts";
import { SYNC_RESOURCES, type SyncResource } from "../sync/resources.ts";
import { isoSeconds, updatedAtFilter, type SyncWindow } from "../sync/windows.ts";
import { normalizeDecimal, subtractDecimal } from "./decimal.ts";
import { freshnessOf, ourCreatedCount, ourOrderTotal, ourWindowCount } from "./ours.ts";
import { COUNTED_RESOURCES, shopifyCount, shopifyOrderTotal } from "./shopify.ts";

export const VALIDATE_RUNBOOK = "docs/runbooks/validate-daily-sync.md";
export const DEFAULT_DRIFT_THRESHOLD = 0.001;
export const DEFAULT_FRESHNESS_HOURS = 26;
const DAY_MS = 86_400_000;

export interface ValidateOptions {
  /** The sync run validated (recorded with the results); defaults to the latest finished run. */
  runId?: number | null;
  /** Resources to check (default all four); inventory levels have no count query, so only freshness. */
  resources?: readonly SyncResource[];
  /** Sample window for count_window and sum_window; defaults to the 24 h before the orders watermark. */
  window?: SyncWindow | null;
  /** Largest tolerated |ours - Shopify's| / Shopify's (0 = exact). */
  driftThreshold?: number;
  freshnessHours?: number;
  now?: Date;
  log?: (line: string) => void;
}

export interface CheckResult {
  check: "count_total" | "count_window" | "sum_window" | "freshness";
  resource: string;
  expected: string;
  actual: string;
  drift: string;
  passed: boolean;
  details: Record<string, unknown>;
}

export interface ValidationReport {
  run_id: number | null;
  passed: boolean;
  window: SyncWindow | null;
  checks: CheckResult[];
  failed: string[];
  alert: { id: number; occurrences: number } | null;
}

export async function validateSync(sql: Sql, client: ShopifyClient, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const log = opts.log ?? (() => undefined);
  const threshold = opts.driftThreshold ?? DEFAULT_DRIFT_THRESHOLD;
  const now = opts.now ?? new Date();
  const checked: readonly SyncResource[] = opts.resources?.length ? opts.resources : SYNC_RESOURCES;
  const resources = COUNTED_RESOURCES.filter((r) => checked.includes(r));
  const runId = opts.runId ?? (await latestRun(sql));
  const freshness = await freshnessOf(sql);
  const checks: CheckResult[] = [];
  const within = (expected: number, drift: number) => Math.abs(drift) <= threshold * Math.max(Math.abs(expected), 1);
  // A count compared with Shopify's: exact counts only, drift within the threshold.
  const countCheck = (check: "count_total" | "count_window", resource: string, theirs: { count: number; precision: string }, ours: number, filter: string | null): CheckResult => ({
    check,
    resource,
    expected: String(theirs.count),
    actual: String(ours),
    drift: String(ours - theirs.count),
    passed: theirs.precision === "EXACT" && within(theirs.count, ours - theirs.count),
    details: { query: filter, precision: theirs.precision, threshold },
  });

  for (const resource of resources) {
    // Everything created before the watermark has been exported by some window up to it.
    const watermark = freshness.get(resource)?.watermark ?? null;
    const cutoff = watermark ? isoSeconds(Math.min(watermark.getTime(), now.getTime())) : null;
    const filter = cutoff ? `created_at:<'${cutoff}'` : null;
    const theirs = await shopifyCount(client, resource, filter);
    checks.push(countCheck("count_total", resource, theirs, await ourCreatedCount(sql, resource, cutoff), filter));
  }

  const window = opts.window ?? defaultWindow(freshness.get("orders")?.watermark ?? null);
  if (window?.start && window.end) {
    const filter = updatedAtFilter(window);
    for (const resource of resources) {
      const theirs = await shopifyCount(client, resource, filter);
      checks.push(countCheck("count_window", resource, theirs, await ourWindowCount(sql, resource, window.start, window.end), filter));
    }
    if (resources.includes("orders")) {
      const theirs = await shopifyOrderTotal(client, filter);
      const ours = await ourOrderTotal(sql, window.start, window.end);
      const drift = subtractDecimal(ours.sum, theirs.sum);
      checks.push({
        check: "sum_window",
        resource: "orders",
        expected: theirs.sum,
        actual: normalizeDecimal(ours.sum),
        drift: normalizeDecimal(drift),
        passed: within(Number(theirs.sum), Number(drift)),
        details: { query: filter, field: "totalPriceSet.shopMoney.amount", shopify_orders: theirs.orders, our_orders: ours.orders, pages: theirs.pages, threshold },
      });
    }
  }

  for (const resource of checked) {
    const f = freshness.get(resource);
    const limitHours = opts.freshnessHours ?? DEFAULT_FRESHNESS_HOURS;
    const ageHours = f?.lastSuccess ? Math.round(((now.getTime() - f.lastSuccess.getTime()) / 3_600_000) * 10) / 10 : null;
    checks.push({
      check: "freshness",
      resource,
      expected: String(limitHours),
      actual: ageHours === null ? "never" : String(ageHours),
      drift: ageHours === null ? "never" : String(Math.round((ageHours - limitHours) * 10) / 10),
      passed: ageHours !== null && ageHours <= limitHours,
      details: { last_success: f?.lastSuccess?.toISOString() ?? null, watermark: f?.watermark?.toISOString() ?? null, max_age_hours: limitHours },
    });
  }

  await sql`insert into validation_results ${sql(
    checks.map((c) => ({
      run_id: runId,
      checked_at: now,
      check_name: c.check,
      resource: c.resource,
      expected: numericOrNull(c.expected),
      actual: numericOrNull(c.actual),
      drift: numericOrNull(c.drift),
      passed: c.passed,
      details: sql.json(c.details as never),
    })) as never,
  )}`;

  const failed = checks.filter((c) => !c.passed).map((c) => `${c.check} ${c.resource}: ours ${c.actual} vs ${c.check === "freshness" ? "limit" : "Shopify"} ${c.expected}`);
  for (const c of checks) log(`${c.passed ? "ok  " : "FAIL"} ${c.check} ${c.resource}: ours ${c.actual}, ${c.check === "freshness" ? "max hours" : "Shopify"} ${c.expected}, drift ${c.drift}`);
  let alert: ValidationReport["alert"] = null;
  if (failed.length) {
    alert = await raiseAlert(sql, {
      severity: "warning",
      source: "f/sync/validate_sync",
      dedupeKey: "sync:validation_drift",
      title: `Sync validation failed: ${failed.length} check(s) drifted${runId ? ` (run ${runId})` : ""}`,
      body: `${failed.join("\n")}\nSee ${VALIDATE_RUNBOOK}.`,
      details: { run_id: runId, failed, threshold, runbook: VALIDATE_RUNBOOK },
    });
  }
  return { run_id: runId, passed: failed.length === 0, window: window ?? null, checks, failed, alert };
}

/** The 24 h ending at the orders watermark (whole seconds), or null before the first sync. */
export function defaultWindow(watermark: Date | null): SyncWindow | null {
  if (!watermark) return null;
  const end = Math.floor(watermark.getTime() / 1000) * 1000 + 1000; // the watermark itself is committed: include it
  return { start: isoSeconds(end - DAY_MS), end: isoSeconds(end) };
}

function numericOrNull(value: string): string | null {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : null;
}

async function latestRun(sql: Sql): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`select id::int from sync_runs where status <> 'running' order by id desc limit 1`;
  return row?.id ?? null;
}
