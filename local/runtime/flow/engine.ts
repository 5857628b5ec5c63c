// The local OpenFlow interpreter (SPEC section 4): runs a flow job's modules
// with Windmill's semantics, each leaf step a child job, the step tree kept
// in flow_status. A suspended flow is resumed (possibly by another process)
// by replaying it: finished steps are not run again, their recorded jobs give
// their results.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Identity } from "../identity.ts";
import type { JobError, JobRow, JobStatus } from "../jobs.ts";
import type { RunOptions, Runner } from "../runner.ts";
import type { FlowItem } from "../workspace.ts";
import { evalBool, evalNumber, evalTransform, evalTransforms, type ExprScope } from "./expr.ts";
import { retryDelaySeconds } from "./retry.ts";
import { EarlyStopError, FlowCanceled, FlowSuspended, isFlowSignal, StepFailure, UnsupportedFlowError } from "./signals.ts";
import { identityJob, runLeaf, type StepContext } from "./steps.ts";
import { newModuleStatus, StatusWriter, type FlowStatusDoc, type MemoEntry, type ModuleStatus } from "./status.ts";
import { checkFlowSupported } from "./support.ts";
import { armSuspendTimeout, deadlineFor, decideResume, NO_RESUME, SUSPEND_TIMEOUT, type ResumeContext, type ResumeEvent } from "./suspend.ts";
import type { FlowModule, FlowValue } from "./types.ts";

export { checkFlowSupported } from "./support.ts";
export { SUSPEND_TIMEOUT } from "./suspend.ts";

export interface FlowRun {
  runner: Runner;
  job: JobRow;
  flow: FlowItem;
  args: Record<string, unknown>;
  user: Identity;
  log: (line: string) => void;
  opts: RunOptions;
}
export type FlowOutcome = { status: JobStatus; result?: unknown; error?: JobError };

export async function executeFlow(run: FlowRun): Promise<FlowOutcome> {
  return new FlowInterpreter(run, emptyStatus(), new Map(), []).run();
}

/** Records the approval (or rejection) and replays the suspended flow from its recorded steps. */
export async function resumeFlow(run: FlowRun, event: { approved: boolean; payload?: unknown; approver: Identity }): Promise<FlowOutcome> {
  const { jobs } = run.runner;
  const [claimed] = await jobs.sql<{ flow_status: FlowStatusDoc | null }[]>`
    update wm_local.jobs set status = 'running', finished_at = null
    where id = ${run.job.id} and status = 'suspended' returning flow_status`;
  if (!claimed) throw new Error(`job ${run.job.id} is not suspended any more`);
  const saved = claimed.flow_status;
  if (!saved?.waiting) throw new Error(`job ${run.job.id} has no approval wait recorded`);
  if (event.payload === SUSPEND_TIMEOUT) {
    run.log(`approval wait after step "${saved.waiting.step_id}" timed out`);
  } else {
    await jobs.addResumeEvent({ jobId: run.job.id, stepKey: saved.waiting.key, approved: event.approved, payload: event.payload ?? null, approver: event.approver.username });
    run.log(`${event.approved ? "approved" : "rejected"} by ${event.approver.username} after step "${saved.waiting.step_id}"`);
  }
  const memo = await loadMemo(run.runner, saved.memo ?? {});
  const events = (await jobs.resumeEvents(run.job.id)) as ResumeEvent[];
  return new FlowInterpreter(run, { ...emptyStatus(), memo: saved.memo ?? {}, waits: saved.waits ?? {} }, memo, events).run();
}

function emptyStatus(): FlowStatusDoc {
  return { step: 0, modules: [], failure_module: newModuleStatus("failure", "failure"), memo: {}, waits: {}, waiting: null };
}

interface Recorded extends MemoEntry {
  result?: unknown;
  error?: JobError;
}

async function loadMemo(runner: Runner, memo: Record<string, MemoEntry>): Promise<Map<string, Recorded>> {
  const ids = Object.values(memo).map((m) => m.job);
  const rows = ids.length ? await runner.sql<{ id: string; result: unknown; error: JobError | null }[]>`select id, result, error from wm_local.jobs where id = any(${ids}::uuid[])` : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return new Map(Object.entries(memo).map(([k, m]) => [k, { ...m, result: byId.get(m.job)?.result, error: byId.get(m.job)?.error ?? undefined }]));
}

/** What steps see: the flow input (with `iter` inside loops) and the results in scope. */
interface Scope {
  flowInput: Record<string, unknown>;
  results: Record<string, unknown>;
  /** Set for the failure module. */
  error?: JobError;
}

interface ListOutcome {
  result: unknown;
  stopped?: { skip: boolean };
}

const LEAF_TYPES = new Set(["script", "rawscript", "flow", "identity"]);

class FlowInterpreter {
  private status: StatusWriter;
  private value!: FlowValue;
  private steps: StepContext;

  constructor(private flowRun: FlowRun, doc: FlowStatusDoc, private memo: Map<string, Recorded>, private events: ResumeEvent[]) {
    this.status = new StatusWriter(flowRun.runner.jobs, flowRun.job.id, doc);
    this.steps = { runner: flowRun.runner, flowJob: flowRun.job, flowDir: flowRun.flow.dir, opts: flowRun.opts, user: flowRun.user };
  }

  private get doc(): FlowStatusDoc {
    return this.status.doc;
  }

  async run(): Promise<FlowOutcome> {
    const { flow } = this.flowRun;
    // The flow as written (with `!inline` references), so rawscript steps run their own files.
    const raw = parseYaml(readFileSync(join(flow.dir, "flow.yaml"), "utf8")) as { value: FlowValue };
    const problems = checkFlowSupported(raw, flow.path, this.flowRun.runner.root);
    if (problems.length) throw new UnsupportedFlowError(problems.join("\n"));
    this.value = raw.value;
    const scope: Scope = { flowInput: this.flowRun.args, results: {} };
    try {
      const out = await this.runList(this.value.modules, scope, this.doc.modules, "", this.flowRun.args, true);
      if (out.stopped) {
        this.doc.stopped_early = true;
        this.doc.skipped = out.stopped.skip;
        this.flowRun.log("Flow job stopped early because of a stop early predicate returning true");
      } else this.flowRun.log("Flow job completed with success");
      return { status: "success", result: out.result };
    } catch (e) {
      return await this.ended(e, scope);
    } finally {
      await this.status.flush();
    }
  }

  private async ended(e: unknown, scope: Scope): Promise<FlowOutcome> {
    if (e instanceof FlowSuspended) {
      this.doc.waiting = e.wait;
      await this.status.flush();
      armSuspendTimeout(this.flowRun.runner, this.flowRun.job.id, e.wait.deadline);
      this.flowRun.log(`Flow suspended: ${e.message} (resume with: wm-local resume ${this.flowRun.job.id.slice(0, 8)} [-d '<json>'] [--reject])`);
      return { status: "suspended" };
    }
    this.doc.waiting = null;
    if (e instanceof FlowCanceled) {
      this.flowRun.log(e.error.message);
      return { status: "canceled", error: e.error };
    }
    if (e instanceof EarlyStopError) {
      this.flowRun.log(e.error.message);
      return { status: "failure", error: e.error };
    }
    const failure = StepFailure.of(e, "flow");
    this.flowRun.log(`Flow job failed at step "${failure.error.step_id}": ${failure.error.message}`);
    const fm = this.value.failure_module;
    if (!fm) return { status: "failure", error: failure.error };
    const errorForModule = { message: failure.error.message, name: failure.error.name, stack: failure.error.stack, step_id: failure.error.step_id };
    try {
      const out = await this.runModule(fm, { ...scope, error: errorForModule }, this.doc.failure_module, "failure", { error: errorForModule }, NO_RESUME);
      // Windmill: the flow stays failed unless the failure module returns { recover: true }.
      const recovered = Boolean(out.result && typeof out.result === "object" && (out.result as { recover?: unknown }).recover === true);
      return recovered ? { status: "success", result: out.result } : { status: "failure", result: out.result, error: failure.error };
    } catch (fe) {
      const inner = StepFailure.of(fe, "failure");
      this.flowRun.log(`the failure module failed too: ${inner.error.message}`);
      return { status: "failure", error: { ...failure.error, failure_module_error: inner.error } };
    }
  }

  /** Runs a module list in order; its result is the last module's result. */
  private async runList(modules: FlowModule[], scope: Scope, statuses: ModuleStatus[], prefix: string, previous: unknown, top = false): Promise<ListOutcome> {
    let prev = previous;
    let before: FlowModule | undefined;
    let resume = NO_RESUME;
    for (const [i, m] of modules.entries()) {
      const key = prefix + m.id;
      const st = newModuleStatus(m.id, m.value.type);
      statuses[i] = st;
      if (top) this.doc.step = i;
      this.status.touch();
      if (before?.sleep !== undefined && !this.replays(key)) {
        const secs = await evalNumber(before.sleep, { ...this.exprScope(scope, prev, NO_RESUME), result: prev }, `module "${before.id}" sleep`);
        if (secs) await this.flowRun.runner.sleep(secs);
      }
      if (before?.suspend) resume = this.awaitApproval(before, prefix + before.id, statuses[i - 1], st);
      const out = await this.runModule(m, scope, st, key, prev, resume);
      scope.results[m.id] = out.result;
      prev = out.result;
      if (out.stopped) return out;
      before = m;
      resume = NO_RESUME;
    }
    // A trailing suspend step still waits (Windmill appends a virtual identity step).
    if (before?.suspend) this.awaitApproval(before, prefix + before.id, statuses.at(-1)!, statuses.at(-1)!);
    return { result: modules.length ? prev : scope.flowInput };
  }

  private awaitApproval(m: FlowModule, key: string, suspended: ModuleStatus, next: ModuleStatus): ResumeContext {
    const deadline = (this.doc.waits[key] ??= deadlineFor(m.suspend!, this.flowRun.runner.timeScale));
    try {
      const ctx = decideResume(m.suspend!, { key, stepId: m.id, deadline }, this.events);
      suspended.approvers = ctx.approvers.map((approver, resume_id) => ({ approver, resume_id }));
      return ctx;
    } catch (e) {
      if (e instanceof FlowSuspended) {
        next.type = "WaitingForEvents";
        next.count = e.wait.required_events;
      }
      throw e;
    }
  }

  /** True when a resumed flow already ran something at or under this step path. */
  private replays(key: string): boolean {
    for (const k of this.memo.keys()) if (k === key || k.startsWith(`${key}[`) || k.startsWith(`${key}:`)) return true;
    return false;
  }

  private exprScope(scope: Scope, previous: unknown, resume: ResumeContext): ExprScope {
    const s: ExprScope = { flow_input: scope.flowInput, results: scope.results, previous_result: previous, ...resume };
    if (scope.error) s.error = scope.error;
    return s;
  }

  /** One module: skip_if, retries, continue_on_error, stop_after_if around its body. */
  private async runModule(m: FlowModule, scope: Scope, st: ModuleStatus, key: string, prev: unknown, resume: ResumeContext): Promise<ListOutcome> {
    const where = `module "${m.id}"`;
    const es = this.exprScope(scope, prev, resume);
    if (m.skip_if && (await evalBool(m.skip_if.expr, es, `${where} skip_if`))) {
      const recorded = this.memo.get(key);
      const job = recorded?.job ?? (await identityJob(this.steps, m.id, prev)).job;
      this.finishLeaf(st, key, { job, ok: true, failed_retries: [] });
      st.skipped = true;
      return { result: prev };
    }
    let out: ListOutcome;
    const recorded = LEAF_TYPES.has(m.value.type) ? this.memo.get(key) : undefined;
    if (recorded) {
      this.finishLeaf(st, key, recorded);
      if (!recorded.ok) return this.failed(m, StepFailure.of(recorded.error ?? new Error("step failed"), m.id, recorded.job));
      out = { result: recorded.result };
    } else {
      for (let attempt = 0; ; attempt++) {
        try {
          out = await this.body(m, scope, st, key, prev, resume);
          if (LEAF_TYPES.has(m.value.type)) this.finishLeaf(st, key, { job: st.job!, ok: true, failed_retries: st.failed_retries });
          else st.type = "Success";
          break;
        } catch (e) {
          if (isFlowSignal(e)) throw e;
          const failure = StepFailure.of(e, m.id);
          const delay = retryDelaySeconds(m.retry, attempt);
          if (delay === undefined) {
            if (failure.jobId && LEAF_TYPES.has(m.value.type)) this.finishLeaf(st, key, { job: failure.jobId, ok: false, failed_retries: st.failed_retries });
            st.type = "Failure";
            return this.failed(m, failure);
          }
          if (failure.jobId) st.failed_retries.push(failure.jobId);
          this.status.touch();
          this.flowRun.log(`step "${m.id}" failed (attempt ${attempt + 1}): ${failure.error.message}; retrying in ${delay} s`);
          await this.flowRun.runner.sleep(delay);
        }
      }
    }
    if (out.stopped || !m.stop_after_if || m.value.type === "forloopflow" || m.value.type === "branchall") return out;
    const stopScope = { ...this.exprScope(scope, out.result, resume), result: out.result };
    if (!(await evalBool(m.stop_after_if.expr, stopScope, `${where} stop_after_if`))) return out;
    const message = m.stop_after_if.error_message;
    if (message !== undefined && message !== null) {
      throw new EarlyStopError({ name: "EarlyStop", message: `Flow early stop: ${message || m.stop_after_if.expr}`, step_id: m.id });
    }
    st.stopped_early = true;
    return { result: out.result, stopped: { skip: Boolean(m.stop_after_if.skip_if_stopped) } };
  }

  /** A step failed for good: continue_on_error turns the error into its result. */
  private failed(m: FlowModule, failure: StepFailure): ListOutcome {
    this.status.touch();
    if (m.continue_on_error) {
      this.flowRun.log(`step "${m.id}" failed, continuing (continue_on_error): ${failure.error.message}`);
      return { result: { error: failure.error } };
    }
    throw failure;
  }

  private finishLeaf(st: ModuleStatus, key: string, entry: MemoEntry): void {
    st.job = entry.job;
    st.failed_retries = entry.failed_retries ?? [];
    st.type = entry.ok ? "Success" : "Failure";
    this.doc.memo[key] = { job: entry.job, ok: entry.ok, failed_retries: st.failed_retries };
    this.status.touch();
  }

  private async body(m: FlowModule, scope: Scope, st: ModuleStatus, key: string, prev: unknown, resume: ResumeContext): Promise<ListOutcome> {
    const v = m.value;
    const where = `module "${m.id}"`;
    const es = this.exprScope(scope, prev, resume);
    st.type = "InProgress";
    this.status.touch();
    switch (v.type) {
      case "script":
      case "rawscript":
      case "flow":
      case "identity": {
        let args: Record<string, unknown> = {};
        let timeout: number | undefined;
        try {
          if (v.type !== "identity") args = await evalTransforms(v.input_transforms, es, where);
          timeout = await evalNumber(m.timeout, es, `${where} timeout`);
        } catch (e) {
          throw StepFailure.of(e, m.id);
        }
        const started = (job: JobRow) => {
          st.job = job.id;
          this.status.touch();
        };
        const out = await runLeaf({ ...this.steps, started }, m, args, timeout, prev);
        st.job = out.job;
        return { result: out.result };
      }
      case "forloopflow":
        return this.forLoop(m, v, scope, st, key, es);
      case "branchone": {
        let chosen = -1;
        for (const [i, b] of v.branches.entries()) {
          if (await evalBool(b.expr, es, `${where} branch ${i}`)) {
            chosen = i;
            break;
          }
        }
        st.branch_chosen = chosen >= 0 ? { type: "branch", branch: chosen } : { type: "default" };
        st.branches = [[]];
        const modules = chosen >= 0 ? v.branches[chosen].modules : v.default;
        // A branch runs like a subflow whose args are the flow input: its first step's
        // previous_result is flow_input (Windmill), and an empty branch returns it.
        const inner: Scope = { flowInput: scope.flowInput, results: { ...scope.results } };
        return this.runList(modules, inner, st.branches[0], `${key}:${chosen >= 0 ? chosen : "default"}/`, scope.flowInput);
      }
      case "branchall": {
        st.branchall = { branch: 0, len: v.branches.length };
        st.branches = v.branches.map(() => []);
        st.flow_jobs_success = v.branches.map(() => null);
        const runBranch = async (i: number): Promise<{ result: unknown; failure?: StepFailure }> => {
          const inner: Scope = { flowInput: scope.flowInput, results: { ...scope.results } };
          try {
            const out = await this.runList(v.branches[i].modules, inner, st.branches![i], `${key}:${i}/`, scope.flowInput);
            st.flow_jobs_success![i] = true;
            return { result: out.result };
          } catch (e) {
            if (isFlowSignal(e)) throw e;
            const failure = StepFailure.of(e, m.id);
            st.flow_jobs_success![i] = false;
            if (v.branches[i].skip_failure) return { result: { error: failure.error } };
            return { result: { error: failure.error }, failure };
          } finally {
            st.branchall!.branch++;
            this.status.touch();
          }
        };
        const outs: { result: unknown; failure?: StepFailure }[] = [];
        if (v.parallel) outs.push(...(await Promise.all(v.branches.map((_, i) => runBranch(i)))));
        else {
          for (let i = 0; i < v.branches.length; i++) {
            const out = await runBranch(i);
            if (out.failure) throw out.failure;
            outs.push(out);
          }
        }
        const failure = outs.find((o) => o.failure)?.failure;
        if (failure) throw failure;
        return { result: outs.map((o) => o.result) };
      }
    }
  }

  private async forLoop(m: FlowModule, v: Extract<FlowModule["value"], { type: "forloopflow" }>, scope: Scope, st: ModuleStatus, key: string, es: ExprScope): Promise<ListOutcome> {
    const where = `module "${m.id}"`;
    const items = await evalTransform(v.iterator, es, `${where} iterator`);
    if (!Array.isArray(items)) throw new StepFailure({ name: "Error", message: `${where}: the iterator must be a list, got ${JSON.stringify(items)?.slice(0, 100)}`, step_id: m.id });
    st.iterator = { index: 0, itered_len: items.length };
    st.iterations = [];
    st.flow_jobs_success = [];
    const results: unknown[] = [];
    const iteration = async (i: number): Promise<ListOutcome & { failure?: StepFailure }> => {
      const flowInput = { ...scope.flowInput, iter: { index: i, value: items[i] } };
      const inner: Scope = { flowInput, results: { ...scope.results } };
      st.iterations![i] = [];
      try {
        const out = await this.runList(v.modules, inner, st.iterations![i], `${key}[${i}]/`, flowInput);
        st.flow_jobs_success![i] = true;
        return out;
      } catch (e) {
        if (isFlowSignal(e)) throw e;
        const failure = StepFailure.of(e, m.id);
        st.flow_jobs_success![i] = false;
        // Windmill: a failed iteration's result is its error; skip_failures keeps going.
        return { result: { error: failure.error }, failure: v.skip_failures ? undefined : failure };
      } finally {
        st.iterator!.index++;
        this.status.touch();
      }
    };
    if (!v.parallel) {
      for (let i = 0; i < items.length; i++) {
        const out = await iteration(i);
        if (out.failure) throw out.failure;
        results.push(out.result);
        if (out.stopped) break; // a stop inside an iteration breaks the loop
        if (m.stop_after_if && (await evalBool(m.stop_after_if.expr, { ...es, result: out.result }, `${where} stop_after_if`))) {
          st.stopped_early = true;
          break;
        }
      }
      return { result: results };
    }
    const width = Math.max(1, Math.floor((await evalNumber(v.parallelism, es, `${where} parallelism`)) || items.length));
    const outs: (ListOutcome & { failure?: StepFailure })[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        outs[i] = await iteration(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
    const failure = outs.find((o) => o?.failure)?.failure;
    if (failure) throw failure;
    return { result: outs.map((o) => o.result) };
  }
}
