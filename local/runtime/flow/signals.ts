// How a step ends other than with a result: a failure (caught by retries,
// continue_on_error, skip_failures, the failure module), or a signal that
// ends the whole flow (suspension, cancellation, an early stop with an error).
import type { JobError } from "../jobs.ts";
import { toJobError } from "../runner.ts";

/** A step failed; `error.step_id` names it. */
export class StepFailure extends Error {
  constructor(readonly error: JobError, readonly jobId?: string) {
    super(error.message);
    this.name = "StepFailure";
  }

  static of(e: unknown, stepId: string, jobId?: string): StepFailure {
    if (e instanceof StepFailure) return e;
    const error = toJobError(e);
    return new StepFailure({ ...error, step_id: error.step_id ?? stepId }, jobId);
  }
}

/** The flow waits for approval events on a suspend step. */
export class FlowSuspended extends Error {
  constructor(readonly wait: { key: string; step_id: string; required_events: number; deadline: string }) {
    super(`waiting for ${wait.required_events} approval(s) after step "${wait.step_id}"`);
  }
}

/** An approver rejected the flow: it ends canceled. */
export class FlowCanceled extends Error {
  constructor(readonly error: JobError) {
    super(error.message);
  }
}

/** stop_after_if with error_message: the flow fails at once, without the failure module (as Windmill). */
export class EarlyStopError extends Error {
  constructor(readonly error: JobError) {
    super(error.message);
  }
}

export function isFlowSignal(e: unknown): boolean {
  return e instanceof FlowSuspended || e instanceof FlowCanceled || e instanceof EarlyStopError;
}

export class UnsupportedFlowError extends Error {
  override name = "UnsupportedFlowError";
}
