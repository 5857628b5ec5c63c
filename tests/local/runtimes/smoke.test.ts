// The smoke set runs unchanged under Bun, Deno and Node (tsx), each in its own
// process like a Windmill worker job, and gives identical results.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { postgresResource, s3Resource } from "../../../local/bindings.ts";
import { repoRoot } from "../../../local/config.ts";
import { RUNTIMES, RuntimeScriptError, runInRuntime, type RuntimeRun } from "../../../local/runtimes/index.ts";
import { listWorkspaceFiles } from "../../../local/runtime/workspace.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testS3 } from "../../helpers/runner.ts";
import { startTestSimulator } from "../../sim/helpers.ts";
import { bulkExport } from "../../f/lib/ingest/helpers.ts";
import { ORDERS_BULK_QUERY } from "../../../f/lib/shopify/bulk/queries.ts";

const FIXTURE = "tests/local/runtimes/fixtures/web_apis.ts";
let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  // One successful orders load 5 h ago and one open dead letter, so the
  // report has real content to agree on.
  const [run] = await db.sql`insert into sync_runs (trigger, status, finished_at) values ('test', 'succeeded', now()) returning id`;
  await db.sql`insert into sync_steps (run_id, resource, step, status, finished_at)
    values (${run.id}, 'orders', 'load', 'succeeded', now() - interval '5 hours 90 seconds')`;
  await db.sql`insert into ingest_failures (run_id, resource, line_number, raw_text, error_class, message)
    values (${run.id}, 'orders', 7, '{', 'parse', 'bad json')`;
});
afterAll(async () => db?.drop());

async function everyRuntime(file: string, args: Record<string, unknown>, env: Record<string, string> = {}): Promise<RuntimeRun[]> {
  // In parallel: the three processes are independent; keeps the file < 60 s.
  const runs = await Promise.all(RUNTIMES.map((r) => runInRuntime(r, file, args, { env, timeoutMs: 45_000 })));
  console.log(`${file}: ${runs.map((r) => `${r.runtime} ${r.ms} ms`).join(", ")}`);
  return runs;
}

describe("multi-runtime smoke", () => {
  it("f/platform/health reads the same report from a real database in bun, deno and node", async () => {
    const runs = await everyRuntime("f/platform/health.ts", { db: postgresResource(db.url) });
    const latestMigration = readdirSync(join(repoRoot, "sql")).sort().at(-1)!.split("_")[0];
    for (const { runtime, result } of runs) {
      const report = result as Record<string, any>;
      expect(report.database, runtime).toMatchObject({ reachable: true, migration_version: latestMigration });
      expect(typeof report.database.latency_ms, runtime).toBe("number");
      expect(report.open_dead_letters, runtime).toBe(1);
      expect(report.status, runtime).toBe("degraded");
      expect(report.sync.find((s: any) => s.resource === "orders"), runtime).toMatchObject({ age_hours: 5, label: "5 h ago" });
    }
    // Identical apart from what depends on the moment of the call.
    const stable = runs.map(({ result }) => ({ ...(result as object), checked_at: 0, database: { ...(result as any).database, latency_ms: 0 } }));
    expect(stable[1]).toEqual(stable[0]);
    expect(stable[2]).toEqual(stable[0]);
  });

  it("node:crypto, web streams and process.env behave the same in bun, deno and node", async () => {
    const runs = await everyRuntime(FIXTURE, { text: "héllo wörld" }, { SMOKE_SECRET: "s3cr3t" });
    const [first] = runs;
    expect(first.result).toMatchObject({
      lines: ["0:héllo wörld", "1:héllo wörld", "2:héllo wörld"], // default times = 3 applied
      upper: "0:HÉLLO WÖRLD\n1:HÉLLO WÖRLD\n2:HÉLLO WÖRLD",
      uuidShape: true,
      env: { secret: "s3cr3t", missing: null },
      base64: Buffer.from("héllo wörld").toString("base64"),
    });
    for (const run of runs.slice(1)) expect(run.result, run.runtime).toEqual(first.result);
  });

  it("every module under f/ (scripts and f/lib, outside flows and apps) imports with the same exports everywhere", async () => {
    const files = listWorkspaceFiles().filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !/__(flow|raw_app|app)\//.test(f));
    expect(files).toContain("f/lib/db.ts");
    const runs = await everyRuntime("tests/local/runtimes/fixtures/import_all.ts", { files: files.map((f) => join(repoRoot, f)) });
    const failures = runs.flatMap((r) => Object.entries(r.result as Record<string, unknown>).filter(([, v]) => typeof v === "string").map(([f, v]) => `${r.runtime}: ${f}: ${v}`));
    expect(failures).toEqual([]);
    expect(runs[1].result).toEqual(runs[0].result);
    expect(runs[2].result).toEqual(runs[0].result);
  });

  it("the ingest path (pool, COPY staging, concurrent merge, gzip archive to S3 and its read-back) gives the same result everywhere", async () => {
    const sim = await startTestSimulator({ seed: "smoke-ingest", orders: 120 });
    const dbs = await Promise.all(RUNTIMES.map(() => freshDatabase()));
    try {
      const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""));
      const jsonl = new TextDecoder().decode(exp.bytes);
      const s3 = s3Resource(testS3());
      const runs = await Promise.all(
        RUNTIMES.map((runtime, k) =>
          runInRuntime(runtime, "tests/local/runtimes/fixtures/ingest.ts", {
            db: postgresResource(dbs[k]!.url),
            s3,
            jsonl,
            bulkOperationId: exp.op.id,
            objectCount: exp.op.objectCount,
            key: `smoke/${runtime}-${Date.now()}.jsonl.gz`,
          }, { timeoutMs: 45_000 }),
        ),
      );
      console.log(`ingest fixture: ${runs.map((r) => `${r.runtime} ${r.ms} ms`).join(", ")}`);
      const sha256 = createHash("sha256").update(exp.bytes).digest("hex");
      const first = runs[0]!.result as Record<string, any>;
      expect(first).toMatchObject({
        lines: Number(exp.op.objectCount),
        deadLetters: 0,
        archive: { sha256, bytes: exp.bytes.length },
        readBack: { sha256, bytes: exp.bytes.length },
        mirror: { orders: 120 },
      });
      for (const run of runs.slice(1)) expect(run.result, run.runtime).toEqual(first);
    } finally {
      await sim.close();
      await Promise.all(dbs.map((d) => d.drop()));
    }
  });

  it("explicit args override defaults and a thrown error is reported with the runtime's name", async () => {
    const ok = await runInRuntime("deno", FIXTURE, { text: "x", times: 1 });
    expect((ok.result as { lines: string[] }).lines).toEqual(["0:x"]);
    const err = await runInRuntime("bun", "f/platform/health.ts", { db: { host: "127.0.0.1", port: 1, user: "x", dbname: "x" } }).catch((e) => e);
    expect(err).toBeInstanceOf(RuntimeScriptError);
    expect(err.message).toMatch(/^bun: f\/platform\/health\.ts failed: .*ECONNREFUSED/);
  });
});
