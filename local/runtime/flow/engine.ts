// Placeholder until the flow interpreter lands.
import type { Identity } from "../identity.ts";
import type { JobError, JobRow, JobStatus } from "../jobs.ts";
import type { RunOptions, Runner } from "../runner.ts";
import type { FlowItem } from "../workspace.ts";

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

export async function executeFlow(_run: FlowRun): Promise<FlowOutcome> {
  throw new Error("flows are not supported locally yet");
}
export async function resumeFlow(_run: FlowRun, _event: { approved: boolean; payload?: unknown; approver: Identity }): Promise<FlowOutcome> {
  throw new Error("flows are not supported locally yet");
}
