// Step 1 of the daily sync: open the run (one at a time), check the app's
// scopes, and compute each resource's windows from its watermark. A job of a
// dead run that is still running or whose result is still downloadable is
// taken over instead of exporting the same records again.
import type { Sql } from "postgres";
import type { ShopifyClient } from "../shopify/client.ts";
import type { PlannedWindow } from "./load.ts";
import { adoptableOperation, adoptOperation } from "./operations.ts";
import { RESOURCE_SPECS, scopesFor, SYNC_RESOURCES, type SyncResource } from "./resources.ts";
import { openRun, type RunTrigger } from "./runs.ts";
import { readWatermarks } from "./watermarks.ts";
import { DEFAULT_SKEW_MS, describeWindow, isoSeconds, planWindow } from "./windows.ts";

export interface PlanInput {
  resources?: SyncResource[];
  fullRefresh?: boolean;
  /** Start every window here instead of at the watermark (a backfill). */
  since?: string | null;
  trigger: RunTrigger;
  /** The flow job: a retried plan step finds the run it opened. */
  jobId: string | null;
  skewMs?: number;
  /** Shopify's clock (see clock.ts). */
  now: () => number;
  log: (line: string) => void;
}

export interface ResourcePlan {
  resource: SyncResource;
  watermark: string | null;
  windows: PlannedWindow[];
}

export type SyncPlan =
  | { refused: false; run_id: number; started_at: string; now: string; resources: ResourcePlan[] }
  | { refused: true; reason: string; running_run_id: number | null };

export async function planSync(sql: Sql, client: ShopifyClient, input: PlanInput): Promise<SyncPlan> {
  const resources = input.resources?.length ? [...new Set(input.resources)] : [...SYNC_RESOURCES];
  const options = { resources, full_refresh: Boolean(input.fullRefresh), since: input.since ?? null };
  const opened = await openRun(sql, { trigger: input.trigger, jobId: input.jobId, options });
  if (!opened.opened) {
    input.log(`refused: ${opened.reason}`);
    return { refused: true, reason: opened.reason, running_run_id: opened.running?.id ?? null };
  }
  const run = opened.run;
  for (const dead of opened.abandoned) input.log(`marked run ${dead.id} failed: ${dead.error}`);
  input.log(`${opened.resumed ? "resuming" : "opened"} sync run ${run.id}: ${resources.join(", ")}${options.full_refresh ? " (full refresh)" : ""}${options.since ? ` since ${options.since}` : ""}`);

  // Fail loudly, naming every missing scope, before any export starts.
  await client.requireScopes(scopesFor(resources));

  const now = input.now();
  const watermarks = await readWatermarks(sql);
  const since = input.since ? new Date(input.since) : null;
  const plans: ResourcePlan[] = [];
  for (const resource of resources) {
    const spec = RESOURCE_SPECS[resource];
    const watermark = watermarks.get(resource) ?? null;
    let planned: PlannedWindow | null;
    if (!spec.windowed) planned = { start: null, end: null };
    else {
      const needsEarliest = !since && (input.fullRefresh || !watermark);
      const earliest = needsEarliest ? await earliestCreatedAt(client, resource) : null;
      planned = planWindow({ now, skewMs: input.skewMs ?? DEFAULT_SKEW_MS, overlapMs: spec.overlapMs, watermark: input.fullRefresh ? null : watermark, earliest, fullRefresh: input.fullRefresh, since });
    }
    const windows: PlannedWindow[] = [];
    if (planned) {
      const orphan = await adoptableOperation(sql, resource, planned.start, run.id);
      if (orphan) {
        // Claimed now, before any load starts: a sibling load that meets OPERATION_IN_PROGRESS
        // must see it as this run's job, not as an orphan to cancel.
        await adoptOperation(sql, orphan.id, run.id, `taken over by run ${run.id} from run ${orphan.run_id ?? "?"}`);
        const start = orphan.window_start ? isoSeconds(orphan.window_start.getTime()) : null;
        const end = orphan.window_end ? isoSeconds(orphan.window_end.getTime()) : null;
        windows.push({ start, end, bulk_operation_id: orphan.id });
        if (end && planned.end && end < planned.end) windows.push({ start: end, end: planned.end });
        input.log(`${resource}: taking over bulk operation ${orphan.id} (${orphan.status}) of run ${orphan.run_id ?? "?"} for ${describeWindow({ start, end })}`);
      } else windows.push(planned);
    }
    input.log(`${resource}: watermark ${watermark?.toISOString() ?? "none"} -> ${windows.length ? windows.map(describeWindow).join(" + ") : "nothing to export"}`);
    plans.push({ resource, watermark: watermark?.toISOString() ?? null, windows });
  }
  return { refused: false, run_id: run.id, started_at: run.started_at.toISOString(), now: new Date(now).toISOString(), resources: plans };
}

async function earliestCreatedAt(client: ShopifyClient, resource: SyncResource): Promise<Date | null> {
  const spec = RESOURCE_SPECS[resource];
  if (!spec.earliestQuery || !spec.earliestRoot) return null;
  const data = await client.request<Record<string, { edges: { node: { createdAt: string } }[] }>>(spec.earliestQuery);
  const first = data[spec.earliestRoot]?.edges[0]?.node.createdAt;
  return first ? new Date(first) : null;
}
