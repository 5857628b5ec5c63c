// S1 backfill: a date range of updated_at, split into fixed-width windows for
// each windowed resource, under one sync run (trigger 'backfill', so it never
// overlaps a daily sync). Inventory levels are a snapshot with no updated_at
// filter: a backfill has nothing to add to the daily sync for them.
import type { Sql } from "postgres";
import type { ShopifyClient } from "../shopify/client.ts";
import { RESOURCE_SPECS, scopesFor, type SyncResource } from "../sync/resources.ts";
import { openRun } from "../sync/runs.ts";
import { isoSeconds, type SyncWindow } from "../sync/windows.ts";

export const BACKFILL_RESOURCES = ["orders", "products", "customers"] as const satisfies readonly SyncResource[];
export type BackfillResource = (typeof BACKFILL_RESOURCES)[number];

export interface BackfillItem {
  resource: BackfillResource;
  window: { start: string; end: string };
}

export type BackfillPlan =
  | { refused: false; run_id: number; from: string; to: string; windows: number; items: BackfillItem[] }
  | { refused: true; reason: string; running_run_id: number | null };

/** [from, to) in consecutive half-open windows of `windowHours` (the last one shorter), whole seconds. */
export function splitRange(from: string, to: string, windowHours: number): SyncWindow[] {
  const start = Math.floor(Date.parse(from) / 1000) * 1000;
  const end = Math.floor(Date.parse(to) / 1000) * 1000;
  const width = Math.max(1000, Math.round(windowHours * 3_600_000));
  const windows: SyncWindow[] = [];
  for (let a = start; a < end; a += width) windows.push({ start: isoSeconds(a), end: isoSeconds(Math.min(a + width, end)) });
  return windows;
}

export async function planBackfill(
  sql: Sql,
  client: ShopifyClient,
  input: { from: string; to: string; windowHours: number; resources: readonly BackfillResource[]; parallelism: number; jobId: string | null; log: (line: string) => void },
): Promise<BackfillPlan> {
  const windows = splitRange(input.from, input.to, input.windowHours);
  if (windows.length > 1000) throw new Error(`backfill: ${windows.length} windows of ${input.windowHours} h; use wider windows (at most 1000)`);
  const resources = [...new Set(input.resources)];
  const opened = await openRun(sql, {
    trigger: "backfill",
    jobId: input.jobId,
    options: { resources, backfill: { from: input.from, to: input.to, window_hours: input.windowHours, windows: windows.length, parallelism: input.parallelism } },
  });
  if (!opened.opened) {
    input.log(`refused: ${opened.reason}`);
    return { refused: true, reason: opened.reason, running_run_id: opened.running?.id ?? null };
  }
  await client.requireScopes(scopesFor(resources));
  for (const r of resources) if (!RESOURCE_SPECS[r].windowed) throw new Error(`backfill: ${r} is not windowed`);
  const items = resources.flatMap((resource) => windows.map((w) => ({ resource, window: { start: w.start!, end: w.end! } })));
  input.log(`backfill run ${opened.run.id}: ${resources.join(", ")} over [${input.from}, ${input.to}) in ${windows.length} window(s) of ${Math.round((input.windowHours / 24) * 10) / 10} day(s): ${items.length} exports, ${input.parallelism} at a time; watermarks are not touched`);
  return { refused: false, run_id: opened.run.id, from: input.from, to: input.to, windows: windows.length, items };
}

export const backfillStep = (w: { start: string; end: string }) => `backfill [${w.start}, ${w.end})`;
export const DEFAULT_WINDOW_HOURS = 7 * 24;
