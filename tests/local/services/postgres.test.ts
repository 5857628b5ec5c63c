// Embedded Postgres lifecycle on a real cluster in a temp dir: cold and warm
// start, data kept across restarts, recovery after a crash or a stale pid
// file, sharing a running cluster, adopting one whose owner died.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../local/config.ts";
import { isAlive, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../../local/services/postgres.ts";
import { freePort } from "../../global-setup.ts";

let root: string;
let dir: string;
let port: number;
const handles: EmbeddedPostgresHandle[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wm-pg-"));
  chmodSync(root, 0o755); // postgres runs as the `postgres` user when we are root
  dir = join(root, "pg");
  port = await freePort();
});
afterAll(async () => {
  for (const h of handles) await h.stop();
  // A cluster left running by a failed test would outlive the run.
  if (existsSync(join(dir, "postmaster.pid"))) {
    const pid = Number(readFileSync(join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
  }
  rmSync(root, { recursive: true, force: true });
});

async function start(p = port): Promise<{ handle: EmbeddedPostgresHandle; ms: number }> {
  const t0 = performance.now();
  const handle = await startEmbeddedPostgres({ dir, port: p });
  handles.push(handle);
  return { handle, ms: Math.round(performance.now() - t0) };
}

async function query<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const notes = (url: string) => query(url, (sql) => sql<{ note: string }[]>`select note from notes order by id`).then((r) => r.map((x) => x.note));
const addNote = (url: string, note: string) => query(url, (sql) => sql`insert into notes (note) values (${note})`);
const postmasterPid = () => Number(readFileSync(join(dir, "postmaster.pid"), "utf8").split("\n")[0]);

async function refusesConnections(url: string): Promise<boolean> {
  return query(url, (sql) => sql`select 1`).then(() => false, () => true);
}

describe("embedded Postgres", () => {
  let url: string;

  it("cold start initialises a cluster owned by this process", async () => {
    const { handle, ms } = await start();
    console.log(`embedded Postgres cold start (initdb + start): ${ms} ms`);
    expect(handle).toMatchObject({ owned: true, port });
    expect(readFileSync(join(dir, "wm-local.owner"), "utf8")).toBe(String(process.pid));
    url = handle.url;
    await query(url, (sql) => sql`create table notes (id serial primary key, note text not null)`);
    await addNote(url, "before restart");
  });

  it("stop then start on the same data dir keeps the data (warm start)", async () => {
    await handles.at(-1)!.stop();
    expect(existsSync(join(dir, "postmaster.pid"))).toBe(false);
    expect(await refusesConnections(url)).toBe(true);
    const { handle, ms } = await start();
    console.log(`embedded Postgres warm start: ${ms} ms`);
    expect(handle.owned).toBe(true);
    expect(await notes(handle.url)).toEqual(["before restart"]);
  });

  it("a second start on the running cluster shares it and its stop leaves it running", async () => {
    const other = await startEmbeddedPostgres({ dir, port: await freePort() });
    expect(other).toMatchObject({ owned: false, port }); // the running server's port, not the one asked for
    await other.stop();
    expect(await notes(other.url)).toEqual(["before restart"]);
  });

  it("recovers after the postmaster is killed with SIGKILL", async () => {
    await addNote(url, "before crash");
    const pid = postmasterPid();
    process.kill(pid, "SIGKILL");
    await waitFor(() => refusesConnections(url));
    // The pid file of the dead server is still there; starting is the recovery.
    expect(existsSync(join(dir, "postmaster.pid"))).toBe(true);
    const { handle, ms } = await start();
    console.log(`embedded Postgres start after SIGKILL (crash recovery): ${ms} ms`);
    expect(handle.owned).toBe(true);
    expect(postmasterPid()).not.toBe(pid);
    expect(await notes(handle.url)).toEqual(["before restart", "before crash"]);
    expect(readFileSync(join(dir, "server.log"), "utf8")).toMatch(/not properly shut down|automatic recovery/);
  });

  it("starts over a stale postmaster.pid naming a dead pid", async () => {
    const pidFile = join(dir, "postmaster.pid");
    const content = readFileSync(pidFile, "utf8");
    await handles.at(-1)!.stop();
    const dead = spawnSync("true").pid!; // exited and reaped: a pid nobody holds
    writeFileSync(pidFile, content.replace(/^\d+/, String(dead)));
    const { handle } = await start();
    expect(handle.owned).toBe(true);
    expect(postmasterPid()).not.toBe(dead);
    expect(await notes(handle.url)).toEqual(["before restart", "before crash"]);
  });

  it("adopts a running cluster whose owner process died", async () => {
    await handles.at(-1)!.stop();
    // Another process starts the cluster and exits without stopping it (a
    // crashed `wm-local serve`): the server survives its owner.
    const ownerPid = await startInChildAndExit();
    expect(isAlive(ownerPid)).toBe(false);
    expect(readFileSync(join(dir, "wm-local.owner"), "utf8")).toBe(String(ownerPid));
    const serverPid = postmasterPid();
    const { handle } = await start();
    expect(handle.owned).toBe(true); // adopted
    expect(postmasterPid()).toBe(serverPid); // same server, not a restart
    expect(readFileSync(join(dir, "wm-local.owner"), "utf8")).toBe(String(process.pid));
    expect(await notes(handle.url)).toEqual(["before restart", "before crash"]);
    await handle.stop(); // the adopter stops it on exit
    expect(isAlive(serverPid)).toBe(false);
    expect(await refusesConnections(handle.url)).toBe(true);
  });
});

function startInChildAndExit(): Promise<number> {
  const code = `import { startEmbeddedPostgres } from ${JSON.stringify(join(repoRoot, "local/services/postgres.ts"))};
    await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, port: ${port} });
    process.exit(0);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.once("close", (status) => (status === 0 ? resolve(child.pid!) : reject(new Error(`child start failed (${status}): ${stderr}`))));
  });
}

async function waitFor(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
