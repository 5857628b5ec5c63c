// Runs a script's main() in a separate Bun, Deno or Node (tsx) process, the
// way Windmill's workers do, to prove our scripts run unchanged in all three
// runtimes (SPEC section 3). Arguments are named (as in a job) and mapped onto
// main's parameters in the order Windmill's parser reads them.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { repoRoot } from "../config.ts";
import { signatureOf } from "../runtime/script.ts";

export const RUNTIMES = ["bun", "deno", "node"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

const CHILD = join(repoRoot, "local", "runtimes", "child.ts");
const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);

/** The command line that runs child.ts under each runtime. */
function commandFor(runtime: RuntimeName): { cmd: string; args: string[] } {
  switch (runtime) {
    case "bun":
      return { cmd: bin("bun"), args: ["run", CHILD] };
    case "deno":
      // -A: scripts use the network, env and files like a worker job. Deno
      // finds package.json (the child lives in the repo) and resolves bare
      // imports from the existing node_modules (manual: never installs).
      return { cmd: bin("deno"), args: ["run", "-A", "--node-modules-dir=manual", "--quiet", CHILD] };
    case "node":
      // cwd is the repo root, so `tsx` resolves from its node_modules.
      return { cmd: process.execPath, args: ["--import", "tsx", CHILD] };
  }
}

export interface RuntimeRun {
  runtime: RuntimeName;
  result: unknown;
  stdout: string;
  stderr: string;
  ms: number;
}

export class RuntimeScriptError extends Error {
  constructor(readonly runtime: RuntimeName, readonly file: string, readonly remote: { name: string; message: string; stack?: string }) {
    super(`${runtime}: ${file} failed: ${remote.name}: ${remote.message}`);
  }
}

export async function runInRuntime(
  runtime: RuntimeName,
  file: string,
  args: Record<string, unknown> = {},
  opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<RuntimeRun> {
  if (!RUNTIMES.includes(runtime)) throw new Error(`unknown runtime "${runtime}" (${RUNTIMES.join(", ")})`);
  const abs = resolve(repoRoot, file);
  if (!existsSync(abs)) throw new Error(`no script file ${file}`);
  const order = signatureOf(abs).args.map((a) => a.name);
  const dir = mkdtempSync(join(tmpdir(), `wm-${runtime}-`));
  const argsFile = join(dir, "args.json");
  const resultFile = join(dir, "result.json");
  writeFileSync(argsFile, JSON.stringify({ order, args }));
  const { cmd, args: cmdArgs } = commandFor(runtime);
  const started = performance.now();
  try {
    const { stdout, stderr, code } = await spawnCollect(cmd, [...cmdArgs, abs, argsFile, resultFile], {
      env: { ...process.env, NO_COLOR: "1", ...opts.env },
      timeoutMs: opts.timeoutMs ?? 30_000,
      what: `${runtime} ${file}`,
    });
    const ms = Math.round(performance.now() - started);
    if (!existsSync(resultFile)) throw new Error(`${runtime} exited with code ${code} before main finished: ${stderr.trim().split("\n").slice(-5).join(" | ")}`);
    const outcome = JSON.parse(readFileSync(resultFile, "utf8")) as { ok: boolean; result?: unknown; error?: { name: string; message: string; stack?: string } };
    if (!outcome.ok) throw new RuntimeScriptError(runtime, file, outcome.error!);
    return { runtime, result: outcome.result, stdout, stderr, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnCollect(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; timeoutMs: number; what: string }) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${opts.what} timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${opts.what}: ${e.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveRun({ stdout, stderr, code });
    });
  });
}
