// `npm start`: the whole product on this machine. Services up, migrations
// applied, the health check run as a job, then the console, HTTP triggers and
// schedules served on 127.0.0.1 with a login token.
import { parse, UsageError } from "./cli.ts";
import { loadConfig } from "./config.ts";
import { serveUntilSignal } from "./serve.ts";
import { openSession } from "./session.ts";

async function start(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    "no-serve": { type: "boolean" },
    port: { type: "string" },
    orders: { type: "string" },
    seed: { type: "string" },
  });
  const port = intFlag("--port", values.port, 8484, 65535);
  const config = loadConfig();
  config.sim.orders = intFlag("--orders", values.orders, config.sim.orders, 1_000_000);
  if (values.seed !== undefined) config.sim.seed = values.seed;

  const t0 = performance.now();
  const step = (what: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${what}`);
  step("starting services");
  const session = await openSession({ config, log: (m) => console.error(`  ${m}`) });
  for (const line of session.services.describe()) console.error(`  ${line}`);
  step("migrations applied; running f/sync/daily_sync (the demo store, or the SHOPIFY_* store)");
  const sync = await session.runner.run("f/sync/daily_sync", {}, { trigger: { kind: "start" } });
  if (sync.status !== "success") {
    console.error(`daily sync failed: ${sync.error?.message} (details: npx wm-local logs ${sync.job.id.slice(0, 8)})`);
    await session.close();
    return 1;
  }
  printSync(sync.result as SyncSummary);
  step("running f/platform/health");

  const health = await session.runner.run("f/platform/health", { db: "$res:f/platform/db" }, { trigger: { kind: "start" } });
  if (health.status !== "success") {
    console.error(`health check failed: ${health.error?.message}`);
    await session.close();
    return 1;
  }
  printHealth(health.result as HealthSummary);

  if (values["no-serve"]) {
    step("done (--no-serve)");
    await session.close();
    return 0;
  }
  step("serving (Ctrl-C stops everything)");
  await serveUntilSignal(session, port);
  return 0;
}

function intFlag(flag: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${flag} must be an integer from 0 to ${max}, got "${raw}"`);
  return n;
}

interface SyncSummary {
  run_id: number;
  status: string;
  resources: { resource: string; status: string; objects: number; dead_letters: number; seconds: number }[];
  objects: number;
  dead_letters: number;
  seconds: number;
  refused?: boolean;
  reason?: string;
}

function printSync(s: SyncSummary): void {
  if (s.refused) {
    console.error(`  sync refused: ${s.reason}`);
    return;
  }
  const rows = [["resource", "status", "rows", "dead letters", "seconds"], ...s.resources.map((r) => [r.resource, r.status, String(r.objects), String(r.dead_letters), r.seconds.toFixed(1)])];
  rows.push(["total", s.status, String(s.objects), String(s.dead_letters), s.seconds.toFixed(1)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.error(`  sync run ${s.run_id}:`);
  for (const r of rows) console.error("    " + r.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

interface HealthSummary {
  status: string;
  database: { migration_version: string | null };
  sync: { resource: string; label: string }[];
  open_dead_letters: number;
}

function printHealth(h: HealthSummary): void {
  console.error(`  health: ${h.status}, schema ${h.database.migration_version}, open dead letters ${h.open_dead_letters}`);
  for (const s of h.sync) console.error(`    last sync ${s.resource.padEnd(17)} ${s.label}`);
}

start(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
