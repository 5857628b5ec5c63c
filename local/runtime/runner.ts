// The local runner: runs a script or flow by path as a recorded job, the way a
// Windmill worker would (args checked against the schema, $res:/$var:
// resolved, WM_* env set, logs captured per job).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Sql } from "postgres";
import { workspaceRoot } from "../config.ts";
import { checkArgs } from "./args.ts";
import { runInJob } from "./context.ts";
import { loadGroups, localUser, type Identity } from "./identity.ts";
import { JobStore, LogWriter, type JobError, type JobRow, type JobStatus } from "./jobs.ts";
import { ResourceStore } from "./resources.ts";
import { callMain, callPreprocessor, withTimeout } from "./script.ts";
import { inferSchema } from "./signature.ts";
import { findItem, type FlowItem, type ScriptItem } from "./workspace.ts";
import { executeFlow, resumeFlow } from "./flow/engine.ts";
import { localApi } from "./flow/wmill_api.ts";

export interface RunOptions {
  user?: Identity;
  /** The app viewer, for jobs started from the console (WM_END_USER_EMAIL). */
  endUserEmail?: string;
  trigger?: { kind: string; path?: string };
  scheduledFor?: Date;
  /** For a flow step: the flow job and the step id. */
  parent?: { job: JobRow; stepId: string; flowPath: string };
  timeoutSeconds?: number;
  rerunOf?: string;
  /** A trigger event: runs the script's preprocessor first (HTTP routes etc.). */
  preprocessorEvent?: unknown;
  /** Echo each log line (the CLI prints them live). */
  echo?: (line: string, job: JobRow) => void;
  jobId?: string;
}

export interface Outcome {
  job: JobRow;
  status: JobStatus;
  result?: unknown;
  error?: JobError;
}

export interface RunnerOptions {
  sql: Sql;
  root?: string;
  resources?: ResourceStore;
  workspace?: string;
  baseUrl?: string;
  /** Multiplies every sleep and retry delay (tests use e.g. 0.01). */
  timeScale?: number;
}

export class Runner {
  readonly jobs: JobStore;
  readonly root: string;
  readonly resources: ResourceStore;
  readonly workspace: string;
  baseUrl: string;
  readonly timeScale: number;
  private running = new Map<string, Promise<Outcome>>();

  constructor(opts: RunnerOptions) {
    this.jobs = new JobStore(opts.sql);
    this.root = opts.root ?? workspaceRoot();
    this.resources = opts.resources ?? new ResourceStore({}, this.root);
    this.workspace = opts.workspace ?? "local";
    this.baseUrl = opts.baseUrl ?? "http://127.0.0.1";
    this.timeScale = opts.timeScale ?? Number(process.env.WM_LOCAL_TIME_SCALE || 1);
  }

  get sql(): Sql {
    return this.jobs.sql;
  }

  /** Runs to completion (or suspension) and returns the outcome. */
  async run(path: string, args: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<Outcome> {
    return (await this.start(path, args, opts)).done;
  }

  /**
   * Checks the call, records the job, and starts it. Resolves once the job row
   * exists; `done` settles when the job ends. Bad calls throw before any row.
   */
  async start(path: string, args: Record<string, unknown>, opts: RunOptions = {}): Promise<{ job: JobRow; done: Promise<Outcome> }> {
    const item = findItem(path, this.root);
    const user = opts.user ?? localUser();
    let callArgs = args;
    if (opts.preprocessorEvent === undefined) callArgs = checkArgs(path, schemaOf(item), args);
    const job = await this.jobs.create({
      id: opts.jobId ?? randomUUID(),
      kind: item.kind,
      path,
      args: callArgs,
      created_by: user.username,
      email: user.email,
      end_user_email: opts.endUserEmail ?? null,
      parent_job: opts.parent?.job.id ?? null,
      root_job: opts.parent?.job.root_job ?? undefined,
      flow_step_id: opts.parent?.stepId ?? null,
      trigger_kind: opts.trigger?.kind ?? (opts.parent ? "flow" : "cli"),
      trigger_path: opts.trigger?.path ?? null,
      scheduled_for: opts.scheduledFor ?? null,
      rerun_of: opts.rerunOf ?? null,
    });
    const done = this.execute(item, job, callArgs, user, opts);
    this.running.set(job.id, done);
    void done.finally(() => this.running.delete(job.id));
    return { job, done };
  }

  /** Runs a rawscript (inline code of a flow step) as a job. */
  async runInline(file: string, path: string, args: Record<string, unknown>, opts: RunOptions): Promise<Outcome> {
    return (await this.startInline(file, path, args, opts)).done;
  }

  /** Like start() for a rawscript: flow steps, and raw-app inline runnables (trigger "app"). */
  async startInline(file: string, path: string, args: Record<string, unknown>, opts: RunOptions): Promise<{ job: JobRow; done: Promise<Outcome> }> {
    const item: ScriptItem = { kind: "script", path, file, language: "bun" };
    const user = opts.user ?? localUser();
    const job = await this.jobs.create({
      id: opts.jobId ?? randomUUID(),
      kind: "rawscript", path, args, created_by: user.username, email: user.email,
      end_user_email: opts.endUserEmail ?? null, parent_job: opts.parent?.job.id ?? null,
      root_job: opts.parent?.job.root_job ?? undefined, flow_step_id: opts.parent?.stepId ?? null,
      trigger_kind: opts.parent ? "flow" : (opts.trigger?.kind ?? "flow"),
      trigger_path: opts.parent ? null : (opts.trigger?.path ?? null),
    });
    const done = this.execute(item, job, args, user, opts);
    this.running.set(job.id, done);
    void done.finally(() => this.running.delete(job.id));
    return { job, done };
  }

  /** Waits for a job started by this process, or reads its final row. */
  async wait(jobId: string): Promise<Outcome> {
    const live = this.running.get(jobId);
    if (live) return live;
    const job = await this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    return { job, status: job.status, result: job.result ?? undefined, error: job.error ?? undefined };
  }

  async rerun(jobIdOrPrefix: string, opts: RunOptions = {}): Promise<Outcome> {
    const old = await this.jobs.find(jobIdOrPrefix);
    if (!old) throw new Error(`no job ${jobIdOrPrefix}`);
    if (old.parent_job) throw new Error(`job ${old.id} is a step of flow job ${old.parent_job}: rerun the flow`);
    return this.run(old.path, old.args, { ...opts, rerunOf: old.id, trigger: { kind: "rerun" } });
  }

  /** Resumes (or with approved=false cancels) a suspended flow. */
  async resume(jobIdOrPrefix: string, event: { approved: boolean; payload?: unknown; approver?: Identity }, opts: RunOptions = {}): Promise<Outcome> {
    const job = await this.jobs.find(jobIdOrPrefix);
    if (!job) throw new Error(`no job ${jobIdOrPrefix}`);
    if (job.kind !== "flow" || job.status !== "suspended") throw new Error(`job ${job.id} is ${job.status}, not a suspended flow`);
    const item = findItem(job.path, this.root);
    if (item.kind !== "flow") throw new Error(`${job.path} is no longer a flow`);
    const user = { username: job.created_by, email: job.email };
    const approver = event.approver ?? localUser();
    return this.finishWith(job, opts, (log) =>
      resumeFlow({ runner: this, job, flow: item, args: job.args, user, log, opts }, { ...event, approver }),
    );
  }

  /** WM_* variables of a job, as a Windmill worker sets them. */
  envFor(job: JobRow, user: Identity, opts: RunOptions): Record<string, string> {
    const parent = opts.parent;
    const env: Record<string, string> = {
      WM_WORKSPACE: this.workspace,
      WM_TOKEN: "wm-local",
      WM_BASE_URL: this.baseUrl,
      BASE_URL: this.baseUrl,
      WM_EMAIL: user.email,
      WM_USERNAME: user.username,
      WM_PERMISSIONED_AS: `u/${user.username}`,
      WM_END_USER_EMAIL: opts.endUserEmail ?? "",
      WM_JOB_ID: job.id,
      WM_JOB_PATH: job.path,
      WM_ROOT_JOB_ID: job.root_job ?? job.id,
      WM_WORKER_GROUP: "default",
      WM_STATE_PATH: `${job.path}/state`,
      WM_OBJECT_PATH: job.path,
      // Team membership for f/lib/auth.ts (Windmill answers it through its API instead).
      WM_LOCAL_GROUPS: JSON.stringify(Object.fromEntries(loadGroups(this.root))),
    };
    // Scripts that pace themselves (polling, backoff) follow the runner's time scale.
    if (this.timeScale !== 1) env.WM_LOCAL_TIME_SCALE = String(this.timeScale);
    if (parent) {
      env.WM_FLOW_JOB_ID = parent.job.id;
      env.WM_ROOT_FLOW_JOB_ID = parent.job.root_job ?? parent.job.id;
      env.WM_FLOW_PATH = parent.flowPath;
      env.WM_FLOW_STEP_ID = parent.stepId;
    }
    if (opts.trigger?.kind === "schedule" && opts.trigger.path) env.WM_SCHEDULE_PATH = opts.trigger.path;
    if (opts.scheduledFor) env.WM_SCHEDULED_FOR = opts.scheduledFor.toISOString();
    return env;
  }

  /** Scaled sleep for retries, `sleep` and backoff. */
  sleep(seconds: number): Promise<void> {
    return new Promise((r) => setTimeout(r, Math.max(0, seconds * 1000 * this.timeScale)));
  }

  private async execute(item: ScriptItem | FlowItem, job: JobRow, args: Record<string, unknown>, user: Identity, opts: RunOptions): Promise<Outcome> {
    return this.finishWith(job, opts, async (log) => {
      if (item.kind === "flow") {
        return executeFlow({ runner: this, job, flow: item, args, user, log, opts });
      }
      // windmill-client calls from the script reach the local stand-in API with this job's token.
      const api = await localApi();
      const grant = api.grant(this, job, log);
      const scope = { jobId: job.id, env: { ...this.envFor(job, user, opts), WM_TOKEN: grant.token, BASE_INTERNAL_URL: api.url }, log };
      try {
        const result = await runInJob(scope, async () => {
          let callArgs = args;
          if (opts.preprocessorEvent !== undefined) {
            callArgs = checkArgs(job.path, schemaOf(item), await callPreprocessor(item.file, opts.preprocessorEvent));
          }
          await this.resources.warm(callArgs);
        return withTimeout(opts.timeoutSeconds, `job ${job.path}`, callMain(item.file, this.resources.resolve(callArgs) as Record<string, unknown>));
        });
        return { status: "success" as const, result };
      } finally {
        grant.revoke();
      }
    });
  }

  private async finishWith(
    job: JobRow,
    opts: RunOptions,
    body: (log: (line: string) => void) => Promise<{ status: JobStatus; result?: unknown; error?: JobError }>,
  ): Promise<Outcome> {
    const logs = new LogWriter(this.jobs, job.id, opts.echo ? (l) => opts.echo!(l, job) : undefined);
    let outcome: { status: JobStatus; result?: unknown; error?: JobError };
    try {
      outcome = await body(logs.write);
    } catch (e) {
      const error = toJobError(e);
      logs.write(`ERROR ${error.name}: ${error.message}`);
      outcome = { status: "failure", error };
    }
    await logs.flush();
    if (outcome.status === "suspended") await this.jobs.setStatus(job.id, "suspended");
    else await this.jobs.finish(job.id, outcome.status, { result: outcome.result, error: outcome.error ?? null });
    const row = (await this.jobs.get(job.id))!;
    return { job: row, status: outcome.status, result: outcome.result, error: outcome.error };
  }
}

export function schemaOf(item: ScriptItem | FlowItem) {
  if (item.kind === "flow") return item.flow.schema;
  return item.meta?.schema ?? inferSchema(readFileSync(item.file, "utf8"));
}

export function toJobError(e: unknown): JobError {
  if (e instanceof Error) {
    const extra = Object.fromEntries(Object.entries(e).filter(([k]) => !["name", "message", "stack"].includes(k)));
    return { ...extra, name: e.name, message: e.message, stack: e.stack };
  }
  if (e && typeof e === "object") return { name: "Error", message: JSON.stringify(e), ...(e as object) };
  return { name: "Error", message: String(e) };
}
