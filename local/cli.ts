// wm-local: run this Windmill workspace's scripts and flows on this machine.
// See README "The wm-local CLI" for the contract.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { workspaceRoot } from "./config.ts";
import { openSession, type Session } from "./session.ts";
import { identityFor } from "./runtime/identity.ts";
import type { JobRow } from "./runtime/jobs.ts";
import { schemaOf, type Outcome } from "./runtime/runner.ts";
import { ArgsError, checkArgs } from "./runtime/args.ts";
import { findItem, UnknownPathError, validateItemPath } from "./runtime/workspace.ts";

const USAGE = `usage: wm-local <command> [options]

  run <path> [-d '<json args>'] [--json]     run a script or flow (exit 0 on success)
  jobs [--failed] [--limit N] [--path P]     recent jobs
  logs <job>                                 logs of a job (and of its steps)
  rerun <job> [--json]                       run a job again with the same args
  resume <job> [-d '<json>'] [--reject]      approve (or reject) a suspended flow
  serve [--port P]                           console, scheduler and HTTP triggers on 127.0.0.1
  sim [--seed S] [--orders N] [--port P] [--faults SPEC]   the Shopify simulator alone
  migrate [up|down|status]                   apply or roll back the product schema (sql/)
  generate-metadata [--check]                write each script.yaml schema from its main()
`;

export class UsageError extends Error {}

type Handler = (args: string[]) => Promise<number>;

const commands: Record<string, Handler> = {
  run: cmdRun,
  jobs: cmdJobs,
  logs: cmdLogs,
  rerun: cmdRerun,
  resume: cmdResume,
  serve: async (a) => (await import("./serve.ts")).serveCommand(a),
  sim: async (a) => {
    await (await import("./sim/cli.ts")).simCommand(a);
    return 0;
  },
  migrate: async (a) => (await import("./db/cli.ts")).migrateCommand(a),
  "generate-metadata": async (a) => (await import("./metadata.ts")).generateMetadataCommand(a),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const handler = commands[name];
  if (!handler) throw new UsageError(`unknown command "${name}" (try: ${Object.keys(commands).join(", ")})`);
  return handler(rest);
}

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, positionals: string[] = []) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  if (parsed.positionals.length < positionals.length) throw new UsageError(`missing <${positionals[parsed.positionals.length]}>`);
  if (parsed.positionals.length > positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.length]}"`);
  return parsed;
}

export function parseJsonArg(raw: string | undefined, flag = "-d"): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`${flag} is not valid JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new UsageError(`${flag} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A malformed or unknown path and bad args are usage mistakes, found before any service starts. */
function checkCall(path: string, input: Record<string, unknown>): void {
  try {
    validateItemPath(path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const item = findItem(path, workspaceRoot());
  checkArgs(path, schemaOf(item), input);
}

async function withSession<T>(fn: (s: Session) => Promise<T>): Promise<T> {
  const session = await openSession();
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { data: { type: "string", short: "d" }, json: { type: "boolean" } }, ["path"]);
  const input = parseJsonArg(values.data);
  checkCall(positionals[0], input);
  return withSession(async (s) => {
    const outcome = await s.runner.run(positionals[0], input, { echo: values.json ? undefined : echoLine });
    return report(outcome, Boolean(values.json));
  });
}

async function cmdRerun(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" } }, ["job"]);
  return withSession(async (s) => report(await s.runner.rerun(positionals[0], { echo: values.json ? undefined : echoLine }), Boolean(values.json)));
}

async function cmdResume(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { data: { type: "string", short: "d" }, reject: { type: "boolean" }, json: { type: "boolean" }, as: { type: "string" } }, ["job"]);
  const payload = parseJsonArg(values.data);
  return withSession(async (s) => {
    const outcome = await s.runner.resume(positionals[0], {
      approved: !values.reject,
      payload,
      approver: values.as ? identityFor(values.as) : undefined,
    }, { echo: values.json ? undefined : echoLine });
    return report(outcome, Boolean(values.json));
  });
}

async function cmdJobs(args: string[]): Promise<number> {
  const { values } = parse(args, { failed: { type: "boolean" }, limit: { type: "string" }, path: { type: "string" }, json: { type: "boolean" } });
  const limit = values.limit === undefined ? 30 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
  return withSession(async (s) => {
    const rows = await s.runner.jobs.list({ failed: values.failed, limit, path: values.path });
    if (values.json) {
      console.log(JSON.stringify(rows));
      return 0;
    }
    if (rows.length === 0) console.log("no jobs yet");
    for (const j of rows) {
      console.log([j.id.slice(0, 8), j.status.padEnd(9), duration(j).padStart(8), j.created_at.toISOString().slice(0, 19).replace("T", " "), j.trigger_kind.padEnd(8), j.path].join("  "));
    }
    return 0;
  });
}

async function cmdLogs(args: string[]): Promise<number> {
  parse(args, {}, ["job"]);
  return withSession(async (s) => {
    const job = await s.runner.jobs.find(args[0]);
    if (!job) throw new UsageError(`no job "${args[0]}"`);
    const lines = await s.runner.jobs.logs(job.id);
    const steps = new Map((await allDescendants(s, job)).map((j) => [j.id, j]));
    for (const l of lines) {
      const step = steps.get(l.job_id);
      console.log(step && step.id !== job.id ? `[${step.flow_step_id ?? step.path}] ${l.line}` : l.line);
    }
    console.error(`-- job ${job.id} ${job.path}: ${job.status}${job.error ? ` (${job.error.message})` : ""}`);
    return 0;
  });
}

async function allDescendants(s: Session, job: JobRow): Promise<JobRow[]> {
  return s.sql<JobRow[]>`
    with recursive tree as (select * from wm_local.jobs where id = ${job.id}
      union all select j.* from wm_local.jobs j join tree t on j.parent_job = t.id)
    select * from tree`;
}

function echoLine(line: string, job: JobRow): void {
  process.stderr.write(`${job.flow_step_id ? `[${job.flow_step_id}] ` : ""}${line}\n`);
}

function report(outcome: Outcome, json: boolean): number {
  const { job, status } = outcome;
  if (json) {
    console.log(JSON.stringify(status === "success" ? outcome.result ?? null : { status, error: outcome.error ?? null }));
  } else {
    if (status === "success") console.log(JSON.stringify(outcome.result ?? null, null, 2));
    console.error(`job ${job.id} ${status}${outcome.error ? `: ${outcome.error.message}` : ""} (${duration(job)})`);
    if (status === "suspended") console.error(`waiting for approval: wm-local resume ${job.id.slice(0, 8)} [-d '<json>'] [--reject]`);
  }
  return status === "success" || status === "suspended" ? 0 : 1;
}

function duration(j: JobRow): string {
  if (!j.started_at) return "-";
  const ms = (j.finished_at ?? new Date()).getTime() - j.started_at.getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Runs the CLI and exits: usage mistakes exit 2, failed jobs 1. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`wm-local: ${e instanceof Error ? e.message : String(e)}\n`);
      const usage = e instanceof UsageError || e instanceof UnknownPathError || e instanceof ArgsError;
      process.exit(usage ? 2 : 1);
    },
  );
}

if (process.argv[1]?.endsWith("local/cli.ts")) runCli(process.argv.slice(2));
