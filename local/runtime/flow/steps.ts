// Runs one leaf step of a flow as a child job of the flow job: a workspace
// script, inline code (rawscript), a subflow, or an identity pass-through.
import { createHash } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JobRow } from "../jobs.ts";
import type { Outcome, RunOptions, Runner } from "../runner.ts";
import { withTimeout } from "../script.ts";
import { StepFailure } from "./signals.ts";
import type { FlowModule } from "./types.ts";

export interface StepContext {
  runner: Runner;
  flowJob: JobRow;
  flowDir: string;
  opts: RunOptions;
  user: RunOptions["user"];
  /** Called as soon as the step's job row exists. */
  started?: (job: JobRow) => void;
}

export interface StepResult {
  job: string;
  result: unknown;
}

/** Runs a leaf module once; a failed job throws StepFailure carrying its job id. */
export async function runLeaf(ctx: StepContext, m: FlowModule, args: Record<string, unknown>, timeout: number | undefined, previous: unknown): Promise<StepResult> {
  const v = m.value;
  const opts: RunOptions = {
    user: ctx.user,
    endUserEmail: ctx.opts.endUserEmail,
    parent: { job: ctx.flowJob, stepId: m.id, flowPath: ctx.flowJob.path },
    timeoutSeconds: timeout,
    echo: ctx.opts.echo,
  };
  switch (v.type) {
    case "script": {
      const { job, done } = await ctx.runner.start(v.path, args, opts);
      ctx.started?.(job);
      return settle(await done, m.id);
    }
    case "flow": {
      const { job, done } = await ctx.runner.start(v.path, args, opts);
      ctx.started?.(job);
      const out = await withTimeout(timeout, `subflow ${v.path}`, done).catch((e) => {
        throw StepFailure.of(e, m.id, job.id);
      });
      if (out.status === "suspended") {
        throw StepFailure.of(new Error(`subflow ${v.path} suspended (approval step): approvals inside a subflow are not supported locally`), m.id, job.id);
      }
      return settle(out, m.id);
    }
    case "rawscript": {
      const { file, release } = inlineFile(ctx.flowDir, m.id, v.content);
      try {
        return settle(await ctx.runner.runInline(file, `${ctx.flowJob.path}/${m.id}`, args, opts), m.id);
      } finally {
        release();
      }
    }
    case "identity":
      return identityJob(ctx, m.id, previous);
    default:
      throw new Error(`module "${m.id}": "${v.type}" is not a leaf step`);
  }
}

/** An identity step (or a skipped one): a finished job whose result is the previous result. */
export async function identityJob(ctx: StepContext, stepId: string, previous: unknown): Promise<StepResult> {
  const user = ctx.user ?? { username: ctx.flowJob.created_by, email: ctx.flowJob.email };
  const job = await ctx.runner.jobs.create({
    kind: "identity", path: `${ctx.flowJob.path}/${stepId}`, args: { previous_result: previous }, created_by: user.username, email: user.email,
    parent_job: ctx.flowJob.id, root_job: ctx.flowJob.root_job ?? ctx.flowJob.id, flow_step_id: stepId, trigger_kind: "flow",
  });
  await ctx.runner.jobs.finish(job.id, "success", { result: previous });
  return { job: job.id, result: previous };
}

function settle(out: Outcome, stepId: string): StepResult {
  if (out.status === "success") return { job: out.job.id, result: out.result };
  const error = out.error ?? { name: "Error", message: `step ended ${out.status}` };
  throw new StepFailure({ ...error, step_id: error.step_id ?? stepId }, out.job.id);
}

// Inline code of a rawscript step lives next to the flow so its relative
// imports resolve: an `!inline a.ts` file as is, literal content in a
// temporary file removed once no running step uses it.
const INLINE_PREFIX = "!inline ";
const tempUsers = new Map<string, number>();

function inlineFile(flowDir: string, stepId: string, content: string): { file: string; release: () => void } {
  if (content.startsWith(INLINE_PREFIX)) return { file: join(flowDir, content.slice(INLINE_PREFIX.length).trim()), release: () => {} };
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const file = join(flowDir, `.wm-local-${stepId}-${hash}.ts`);
  if (!existsSync(file)) writeFileSync(file, content);
  tempUsers.set(file, (tempUsers.get(file) ?? 0) + 1);
  return {
    file,
    release: () => {
      const n = (tempUsers.get(file) ?? 1) - 1;
      if (n > 0) return void tempUsers.set(file, n);
      tempUsers.delete(file);
      rmSync(file, { force: true });
    },
  };
}
