// The health report behind GET api/health.
import type { Sql } from "postgres";

export const SYNCED_RESOURCES = ["orders", "products", "customers", "inventory_levels"] as const;

export interface HealthReport {
  status: "ok" | "degraded";
  database: { reachable: true; latency_ms: number; migration_version: string | null };
  sync: { resource: string; last_success: string | null; age_hours: number | null; label: string }[];
  open_dead_letters: number;
  checked_at: string;
}

export async function healthReport(sql: Sql, now = new Date()): Promise<HealthReport> {
  const t0 = performance.now();
  await sql`select 1`;
  const latency = Math.round((performance.now() - t0) * 10) / 10;
  const [{ version }] = await sql<{ version: string | null }[]>`select max(version) as version from schema_migrations`;
  const last = await sql<{ resource: string; last_success: Date }[]>`
    select s.resource, max(s.finished_at) as last_success
    from sync_steps s
    where s.status = 'succeeded' and s.step = 'load'
    group by s.resource`;
  const byResource = new Map(last.map((r) => [r.resource, r.last_success]));
  const [{ open }] = await sql<{ open: number }[]>`select count(*)::int as open from ingest_failures where resolved_at is null`;
  const sync = SYNCED_RESOURCES.map((resource) => {
    const at = byResource.get(resource) ?? null;
    const age = at ? Math.round(((now.getTime() - at.getTime()) / 36e5) * 10) / 10 : null;
    return { resource, last_success: at?.toISOString() ?? null, age_hours: age, label: at ? `${age} h ago` : "never" };
  });
  const stale = sync.some((s) => s.age_hours === null || s.age_hours > 26);
  return {
    status: stale || open > 0 ? "degraded" : "ok",
    database: { reachable: true, latency_ms: latency, migration_version: version },
    sync,
    open_dead_letters: open,
    checked_at: now.toISOString(),
  };
}
