// Runs `wm-local` as a user would: a real process (node_modules/.bin/wm-local)
// on a test database and the test S3, never the developer's .local services.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { repoRoot } from "../../local/config.ts";
import type { TestDatabase } from "./db.ts";

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = join(repoRoot, "node_modules", ".bin", "wm-local");

export interface CliSandbox {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  run(...args: string[]): Promise<Exit>;
  /** Starts wm-local without waiting: the process (to kill it) and its exit. */
  start(...args: string[]): { child: ChildProcess; exit: Promise<Exit> };
  runWith(extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<Exit>;
  cleanup(): void;
}

export function cliSandbox(db: TestDatabase, extraEnv: NodeJS.ProcessEnv = {}): CliSandbox {
  const dataDir = mkdtempSync(join(tmpdir(), "wm-cli-"));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|S3_|SHOPIFY_|WM_)/.test(k)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NO_COLOR: "1",
    DATABASE_URL: db.url,
    WM_LOCAL_DATA_DIR: dataDir,
    WM_LOCAL_SIM_PORT: "0",
    S3_ENDPOINT: inject("s3Endpoint"),
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    ...extraEnv,
  };
  const runWith = (more: NodeJS.ProcessEnv, ...args: string[]) => spawnCli({ ...env, ...more }, args);
  return {
    env,
    dataDir,
    run: (...args) => runWith({}, ...args),
    start: (...args) => startCli(env, args),
    runWith,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

function spawnCli(env: NodeJS.ProcessEnv, args: string[]): Promise<Exit> {
  return startCli(env, args).exit;
}

function startCli(env: NodeJS.ProcessEnv, args: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(BIN, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  const exit = new Promise<Exit>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, exit };
}
