// Approval waits after a `suspend` step, as Windmill's worker decides them
// when the next step is due: enough approvals -> continue with the payloads as
// `resume`/`resumes`/`approvers`; a rejection -> the flow is canceled; past
// the timeout -> the step fails (continue_on_disapprove_timeout continues
// with the error as `resume`); otherwise the flow stays suspended.
import type { Runner } from "../runner.ts";
import { FlowCanceled, FlowSuspended, StepFailure } from "./signals.ts";
import type { SuspendSpec } from "./types.ts";

export interface ResumeEvent {
  step_key: string;
  approved: boolean;
  payload: unknown;
  approver: string;
  at: Date;
}

export interface ResumeContext {
  resume: unknown;
  resumes: unknown[];
  approvers: string[];
}

export const NO_RESUME: ResumeContext = { resume: null, resumes: [], approvers: [] };

/** Windmill's default approval timeout: 30 minutes. */
const DEFAULT_TIMEOUT_S = 30 * 60;

/** Passed as the resume payload by the in-process timer: no event, only a deadline check. */
export const SUSPEND_TIMEOUT: unknown = Object.freeze({ wm_local_suspend_timeout: true });

export function deadlineFor(spec: SuspendSpec, timeScale: number, now = Date.now()): string {
  return new Date(now + (spec.timeout ?? DEFAULT_TIMEOUT_S) * 1000 * timeScale).toISOString();
}

export function decideResume(
  spec: SuspendSpec,
  wait: { key: string; stepId: string; deadline: string },
  events: ResumeEvent[],
  now = Date.now(),
): ResumeContext {
  const required = spec.required_events ?? 1;
  // An answer that came after the deadline is too late, as on Windmill where the wait had already timed out.
  const mine = events.filter((e) => e.step_key === wait.key && e.at.getTime() <= Date.parse(wait.deadline));
  const approved = mine.filter((e) => e.approved);
  const rejected = mine.find((e) => !e.approved);
  const payloads = approved.map((e) => e.payload);
  const approvers = approved.map((e) => e.approver);
  if (!rejected && approved.length >= required) return { resume: payloads.at(-1) ?? null, resumes: payloads, approvers };
  const timedOut = !rejected && now >= Date.parse(wait.deadline);
  if (rejected || timedOut) {
    const error = rejected
      ? { name: "SuspendedDisapproved", message: `Disapproved by ${rejected.approver}` }
      : { name: "SuspendedTimedOut", message: "Timed out waiting to be resumed" };
    if (spec.continue_on_disapprove_timeout) {
      const resume = { error };
      return { resume, resumes: [...payloads, resume], approvers: rejected ? [...approvers, rejected.approver] : approvers };
    }
    if (rejected) throw new FlowCanceled({ name: "Canceled", message: `Job canceled: disapproved by ${rejected.approver} at step "${wait.stepId}"`, step_id: wait.stepId });
    throw new StepFailure({ ...error, step_id: wait.stepId });
  }
  throw new FlowSuspended({ key: wait.key, step_id: wait.stepId, required_events: required - approved.length, deadline: wait.deadline });
}

/**
 * While this process lives, ends the wait when its deadline passes (a new
 * process checks the deadline when it resumes the flow).
 */
export function armSuspendTimeout(runner: Runner, jobId: string, deadline: string): void {
  const fire = async () => {
    for (let i = 0; i < 40; i++) {
      const job = await runner.jobs.get(jobId);
      if (!job || job.status === "success" || job.status === "failure" || job.status === "canceled") return;
      const waiting = (job.flow_status as { waiting?: { deadline?: string } } | null)?.waiting;
      if (job.status === "suspended" && waiting?.deadline !== deadline) return; // waiting on a later step now
      if (job.status === "suspended") {
        await runner.resume(jobId, { approved: false, payload: SUSPEND_TIMEOUT });
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const timer = setTimeout(() => void fire().catch(() => {}), Math.max(0, Date.parse(deadline) - Date.now()) + 5);
  timer.unref();
}
