// Start-up cost of the local runtime: embedded Postgres cold (initdb) and warm
// (existing data dir) start, migrations, and the runner's per-job overhead as
// a ratio to calling the same main() directly.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateAll } from "../local/db/migrate.ts";
import { localBindings, postgresResource } from "../local/bindings.ts";
import { startEmbeddedPostgres } from "../local/services/postgres.ts";
import { ResourceStore } from "../local/runtime/resources.ts";
import { Runner } from "../local/runtime/runner.ts";
import postgres from "postgres";
import { main as health } from "../f/platform/health.ts";
import { closeAll } from "../f/lib/db.ts";

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wm-bench-"));
  chmodSync(dir, 0o755);
  const port = 55000 + Math.floor(Math.random() * 1000);
  try {
    let t = performance.now();
    let pg = await startEmbeddedPostgres({ dir: join(dir, "pg"), port });
    const cold = performance.now() - t;
    t = performance.now();
    await migrateAll(pg.url);
    const migrate = performance.now() - t;
    await pg.stop();
    t = performance.now();
    pg = await startEmbeddedPostgres({ dir: join(dir, "pg"), port });
    const warm = performance.now() - t;
    console.log(`embedded postgres: cold start (initdb) ${ms(cold)}, warm start ${ms(warm)}, migrations ${ms(migrate)}`);

    const sql = postgres(pg.url, { max: 4, onnotice: () => {} });
    const runner = new Runner({ sql, resources: new ResourceStore(localBindings({ databaseUrl: pg.url, env: {} })) });
    const db = postgresResource(pg.url);
    const n = 200;
    await health(db);
    t = performance.now();
    for (let i = 0; i < n; i++) await health(db);
    const direct = (performance.now() - t) / n;
    await runner.run("f/platform/health", { db: "$res:f/platform/db" });
    t = performance.now();
    for (let i = 0; i < n; i++) await runner.run("f/platform/health", { db: "$res:f/platform/db" });
    const viaRunner = (performance.now() - t) / n;
    console.log(`f/platform/health x${n}: direct main() ${direct.toFixed(2)} ms/call, as a recorded job ${viaRunner.toFixed(2)} ms/job, overhead ratio ${(viaRunner / direct).toFixed(2)}x (+${(viaRunner - direct).toFixed(2)} ms per job)`);
    await sql.end();
    await closeAll();
    await pg.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x: number) => `${Math.round(x)} ms`;
