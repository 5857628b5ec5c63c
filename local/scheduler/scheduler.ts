// Runs the workspace's schedules under `wm-local serve`, as Windmill's
// scheduler does: each enabled schedule fires at its cron times (in its
// timezone) with its args, skipping a tick while its previous run is still
// going (no_flow_overlap) or before paused_until; a failed run is retried per
// `retry` (delays scaled by the runner's timeScale), and once retries are
// spent the `on_failure` handler gets Windmill's error-handler args.
// `tick(now)` fires what is due at `now`, so tests need not wait for a clock.
import { localUser } from "../runtime/identity.ts";
import type { JobError, JobStatus } from "../runtime/jobs.ts";
import { toJobError, type Outcome, type Runner } from "../runtime/runner.ts";
import { keepDeclaredArgs } from "../server/declared-args.ts";
import type { Schedule } from "./load.ts";
import { retryDelaySeconds } from "../runtime/flow/retry.ts";

export type FireResult =
  | { schedule: string; scheduledFor: Date; status: "skipped"; reason: string }
  | { schedule: string; scheduledFor: Date; status: JobStatus; attempts: Outcome[]; handler?: Outcome; error?: JobError };

export interface SchedulerOptions {
  runner: Runner;
  schedules: Schedule[];
  log?: (line: string) => void;
  /** The wall clock (tests may inject one). */
  now?: () => Date;
}

// setTimeout cannot wait longer than ~24.8 days; longer waits re-arm.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Scheduler {
  private readonly runner: Runner;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;
  private timers = new Map<string, NodeJS.Timeout>();
  /** The latest run of each schedule, while it runs. */
  private running = new Map<string, Promise<FireResult>>();
  private inFlight = new Set<Promise<FireResult>>();
  /** Consecutive failed runs per schedule (for on_failure_times). */
  private failures = new Map<string, number>();

  constructor(private readonly opts: SchedulerOptions) {
    this.runner = opts.runner;
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? (() => new Date());
  }

  get schedules(): Schedule[] {
    return this.opts.schedules;
  }

  /** Arms a timer for every enabled schedule. */
  start(): void {
    for (const s of this.opts.schedules) if (s.enabled) this.arm(s, this.now());
  }

  /** Stops firing and waits for the runs already started. */
  async stop(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Fires every enabled schedule whose cron falls in the second ending at `now`; resolves when those runs end. */
  tick(now: Date): Promise<FireResult[]> {
    const due = this.opts.schedules.filter((s) => s.enabled).flatMap((s) => {
      const next = s.cron.nextRun(new Date(now.getTime() - 1000));
      return next && next.getTime() <= now.getTime() ? [this.fire(s, next)] : [];
    });
    return Promise.all(due);
  }

  /** Runs one occurrence of a schedule (unless paused or overlapping). */
  fire(s: Schedule, scheduledFor: Date): Promise<FireResult> {
    const base = { schedule: s.path, scheduledFor };
    if (!s.enabled) return Promise.resolve({ ...base, status: "skipped", reason: "disabled" });
    if (s.pausedUntil && scheduledFor < s.pausedUntil) {
      return Promise.resolve({ ...base, status: "skipped", reason: `paused until ${s.pausedUntil.toISOString()}` });
    }
    if (s.no_flow_overlap && this.running.has(s.path)) {
      this.log(`schedule ${s.path}: skipping ${scheduledFor.toISOString()}, the previous run is still running (no_flow_overlap)`);
      return Promise.resolve({ ...base, status: "skipped", reason: "previous run still running (no_flow_overlap)" });
    }
    const run = this.runWithRetry(s, scheduledFor);
    this.running.set(s.path, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.running.get(s.path) === run) this.running.delete(s.path);
    });
    return run;
  }

  private arm(s: Schedule, after: Date): void {
    const next = s.cron.nextRun(after);
    if (!next) return;
    const wait = next.getTime() - this.now().getTime();
    const timer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) return this.arm(s, after);
        void this.fire(s, next);
        this.arm(s, next);
      },
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
    this.timers.set(s.path, timer);
  }

  private async runWithRetry(s: Schedule, scheduledFor: Date): Promise<FireResult> {
    const attempts: Outcome[] = [];
    const base = { schedule: s.path, scheduledFor };
    let error: JobError | undefined;
    for (let retries = 0; ; retries++) {
      try {
        const outcome = await this.runner.run(s.script_path, s.args ?? {}, {
          user: localUser(),
          trigger: { kind: "schedule", path: s.path },
          scheduledFor,
        });
        attempts.push(outcome);
        this.log(`schedule ${s.path}: job ${outcome.job.id} ${outcome.status}${outcome.error ? `: ${outcome.error.message}` : ""}`);
        error = outcome.status === "failure" ? outcome.error : undefined;
      } catch (e) {
        // Refused before any job was written (bad args, missing item).
        error = toJobError(e);
        this.log(`schedule ${s.path}: could not start: ${error.message}`);
      }
      if (!error) break;
      const delay = retryDelaySeconds(s.retry, retries);
      if (delay === undefined) break;
      this.log(`schedule ${s.path}: retry ${retries + 1} in ${delay} s`);
      await this.runner.sleep(delay);
    }
    const last = attempts.at(-1);
    if (!error) {
      this.failures.set(s.path, 0);
      return { ...base, status: last!.status, attempts };
    }
    const handler = await this.onFailure(s, error, last);
    return { ...base, status: "failure", attempts, handler, error };
  }

  private async onFailure(s: Schedule, error: JobError, failed: Outcome | undefined): Promise<Outcome | undefined> {
    const failedTimes = (this.failures.get(s.path) ?? 0) + 1;
    this.failures.set(s.path, failedTimes);
    if (!s.onFailure) return undefined;
    const times = s.on_failure_times ?? 1;
    if (s.on_failure_exact ? failedTimes !== times : failedTimes < times) return undefined;
    // Windmill's push_error_handler: the failed result ({error}) plus its context.
    const args = {
      error,
      schedule_path: s.path,
      workspace_id: this.runner.workspace,
      job_id: failed?.job.id ?? null,
      path: s.script_path,
      is_flow: s.is_flow,
      started_at: failed?.job.started_at?.toISOString() ?? null,
      email: failed?.job.email ?? localUser().email,
      failed_times: failedTimes,
      ...s.on_failure_extra_args,
    };
    try {
      const handler = await this.runner.run(s.onFailure.path, keepDeclaredArgs(this.runner.root, s.onFailure.path, args), {
        user: localUser(),
        trigger: { kind: "schedule_error_handler", path: s.path },
      });
      this.log(`schedule ${s.path}: on_failure ${s.on_failure} job ${handler.job.id} ${handler.status}`);
      return handler;
    } catch (e) {
      this.log(`schedule ${s.path}: on_failure ${s.on_failure} could not start: ${(e as Error).message}`);
      return undefined;
    }
  }
}
