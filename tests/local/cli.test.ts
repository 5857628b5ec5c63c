// wm-local as a user runs it: real processes (node_modules/.bin/wm-local) on a
// test database (DATABASE_URL) and the test S3, exit codes and output checked.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../local/config.ts";
import { cliSandbox, type CliSandbox } from "../helpers/cli.ts";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";

let db: TestDatabase;
let cli: CliSandbox;
let dataDir: string;

beforeAll(async () => {
  db = await freshDatabase();
  cli = cliSandbox(db);
  dataDir = cli.dataDir;
});
afterAll(async () => {
  await db?.drop();
  cli?.cleanup();
});

const wmLocal = (...args: string[]) => cli.run(...args);
const wmLocalWith = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) => cli.runWith(extraEnv, ...args);

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
const HEALTH_ARGS = JSON.stringify({ db: "$res:f/platform/db" });
const UNREACHABLE_DB = JSON.stringify({ db: { host: "127.0.0.1", port: 1, user: "x", dbname: "x" } });

describe("wm-local run", () => {
  it("runs f/platform/health with a $res: argument and prints only the JSON result", async () => {
    const t0 = performance.now();
    const out = await wmLocal("run", "f/platform/health", "-d", HEALTH_ARGS, "--json");
    console.log(`wm-local run f/platform/health --json: ${Math.round(performance.now() - t0)} ms (process start to exit)`);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(lines(out.stdout)).toHaveLength(1);
    const report = JSON.parse(out.stdout);
    const [{ version }] = await db.sql`select max(version) as version from schema_migrations`;
    expect(report.database).toMatchObject({ reachable: true, migration_version: version });
    expect(report.sync.map((s: { resource: string }) => s.resource)).toEqual(["orders", "products", "customers", "inventory_levels"]);
    // DATABASE_URL was used: no embedded cluster in the data dir.
    expect(existsSync(join(dataDir, "pg"))).toBe(false);
    expect(existsSync(join(dataDir, "s3"))).toBe(false);
    const jobs = await db.sql`select status, path, args from wm_local.jobs where path = 'f/platform/health'`;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: "success", args: { db: "$res:f/platform/db" } });
  });

  it("without --json prints the result pretty and a status line on stderr", async () => {
    const out = await wmLocal("run", "f/platform/health", "-d", HEALTH_ARGS);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).database.reachable).toBe(true);
    expect(out.stderr).toMatch(/^job [0-9a-f-]{36} success \(\d+(\.\d)? m?s\)\n$/);
  });

  it("a failing job exits 1 and reports the error", async () => {
    const out = await wmLocal("run", "f/platform/health", "-d", UNREACHABLE_DB, "--json");
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: "failure", error: { message: expect.stringMatching(/ECONNREFUSED/) } });
  });
});

// Concurrent: each case is an independent process and none writes a job.
describe.concurrent("usage mistakes: one line on stderr naming the problem, exit 2", () => {
  it.for([
    ["unknown command", ["frobnicate"], /unknown command "frobnicate"/],
    ["unknown flag", ["run", "f/platform/health", "--bogus"], /unknown option '--bogus'|--bogus/i],
    ["missing path", ["run"], /missing <path>/],
    ["invalid JSON", ["run", "f/platform/health", "-d", "{db:"], /-d is not valid JSON/],
    ["missing required argument", ["run", "f/platform/health", "-d", "{}"], /missing required argument "db"/],
    ["wrong argument type", ["run", "f/platform/health", "-d", '{"db": 5}'], /argument "db" must be a postgresql resource.*got/],
    ["unknown path", ["run", "f/platform/nope"], /no script or flow at "f\/platform\/nope"/],
    ["invalid path", ["run", "platform/health"], /invalid path "platform\/health"/],
    ["bad --limit", ["jobs", "--limit", "0"], /--limit must be a positive integer/],
    ["unknown job", ["logs", "00000000"], /no job "00000000"/],
  ] as const)("%s", async ([, args, message], { expect }) => {
    const before = (await db.sql`select count(*)::int as n from wm_local.jobs`)[0].n;
    const out = await wmLocal(...args);
    expect(out.code).toBe(2);
    expect(lines(out.stderr)).toHaveLength(1);
    expect(out.stderr).toMatch(/^wm-local: /);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe("");
    expect((await db.sql`select count(*)::int as n from wm_local.jobs`)[0].n).toBe(before);
  });
});

describe("run history", () => {
  let ok: string;
  let failed: string;

  beforeAll(async () => {
    // The jobs "wm-local run" left: a success, then a failure (usage mistakes write none).
    const rows = await db.sql<{ id: string; status: string }[]>`select id, status from wm_local.jobs order by created_at desc limit 2`;
    failed = rows.find((r) => r.status === "failure")!.id;
    ok = rows.find((r) => r.status === "success")!.id;
  });

  it("jobs lists recent jobs, newest first", async () => {
    const out = await wmLocal("jobs");
    expect(out.code).toBe(0);
    const listed = lines(out.stdout);
    expect(listed[0]).toMatch(new RegExp(`^${failed.slice(0, 8)}  failure .*f/platform/health$`));
    expect(listed[1]).toMatch(new RegExp(`^${ok.slice(0, 8)}  success .*cli +f/platform/health$`));
  });

  it("jobs --failed lists only failures and --json gives the rows", async () => {
    const out = await wmLocal("jobs", "--failed", "--json");
    expect(out.code).toBe(0);
    const rows = JSON.parse(out.stdout) as { id: string; status: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === "failure")).toBe(true);
    expect(rows.map((r) => r.id)).toContain(failed);
    expect(rows.map((r) => r.id)).not.toContain(ok);
  });

  it("logs <job> accepts an id prefix and ends with the job's status", async () => {
    const out = await wmLocal("logs", failed.slice(0, 8));
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(new RegExp(`-- job ${failed} f/platform/health: failure \\(.*ECONNREFUSED.*\\)`));
  });

  it("rerun <job> runs it again with the same args and links the new job", async () => {
    const out = await wmLocal("rerun", ok.slice(0, 8), "--json");
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).database.reachable).toBe(true);
    const [rerun] = await db.sql`select * from wm_local.jobs where rerun_of = ${ok}`;
    expect(rerun).toMatchObject({ status: "success", path: "f/platform/health", args: { db: "$res:f/platform/db" } });
    const again = await wmLocal("rerun", failed, "--json");
    expect(again.code).toBe(1);
  });
});

describe("logs of a job that logs (fixture workspace via WM_LOCAL_ROOT)", () => {
  const fixtures = { WM_LOCAL_ROOT: join(repoRoot, "tests/fixtures/workspace") };

  it("logs <job> prints the job's stdout and stderr lines in order", async () => {
    const run = await wmLocalWith(fixtures, "run", "f/test/chatty", "-d", '{"tag":"t","lines":3,"delay_ms":0}');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toBe("t");
    // Without --json the log lines are echoed live on stderr, then the status line.
    expect(lines(run.stderr).slice(0, 4)).toEqual(["t line 0", "t line 1", "t line 2", "t done"]);
    const id = /^job ([0-9a-f-]{36}) success/m.exec(run.stderr)![1];
    const out = await wmLocalWith(fixtures, "logs", id);
    expect(out.code).toBe(0);
    expect(lines(out.stdout)).toEqual(["t line 0", "t line 1", "t line 2", "t done"]);
    expect(out.stderr).toBe(`-- job ${id} f/test/chatty: success\n`);
  });
});
