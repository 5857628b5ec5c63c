// The step tree of a flow job, persisted in wm_local.jobs.flow_status as it
// progresses (shaped like Windmill's FlowStatus), plus what a resume needs to
// replay the flow in a new process: the job of every finished step, keyed by
// its step path, and the deadline of each approval wait.
import type { JobStore } from "../jobs.ts";

export type ModuleState = "WaitingForPriorSteps" | "WaitingForEvents" | "InProgress" | "Success" | "Failure";

export interface ModuleStatus {
  id: string;
  /** Windmill's module status. */
  type: ModuleState;
  /** The OpenFlow module type (script, rawscript, forloopflow, ...). */
  module_type: string;
  /** The step's last job (leaf steps). */
  job?: string;
  failed_retries: string[];
  skipped?: boolean;
  stopped_early?: boolean;
  iterator?: { index: number; itered_len: number };
  /** One module list per loop iteration. */
  iterations?: ModuleStatus[][];
  flow_jobs_success?: (boolean | null)[];
  branch_chosen?: { type: "branch"; branch: number } | { type: "default" };
  branchall?: { branch: number; len: number };
  /** One module list per branch taken. */
  branches?: ModuleStatus[][];
  approvers?: { approver: string; resume_id: number }[];
  count?: number;
}

/** A finished step in the replay memo. */
export interface MemoEntry {
  job: string;
  ok: boolean;
  failed_retries?: string[];
}

export interface FlowStatusDoc {
  step: number;
  modules: ModuleStatus[];
  failure_module: ModuleStatus;
  /** step path ("loop[2]/inner") -> its finished job */
  memo: Record<string, MemoEntry>;
  /** step path of a suspend step -> ISO deadline of its approval wait */
  waits: Record<string, string>;
  /** Set while the flow is suspended. */
  waiting?: { key: string; step_id: string; required_events: number; deadline: string } | null;
  stopped_early?: boolean;
  skipped?: boolean;
}

export function newModuleStatus(id: string, moduleType: string): ModuleStatus {
  return { id, type: "WaitingForPriorSteps", module_type: moduleType, failed_retries: [] };
}

/** Writes the status document, coalescing bursts (parallel loops) into one write at a time. */
export class StatusWriter {
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;
  private scheduled = false;
  private failed: unknown;

  constructor(private jobs: JobStore, private jobId: string, readonly doc: FlowStatusDoc) {}

  touch(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    this.saving = this.saving.then(async () => {
      this.scheduled = false;
      if (!this.dirty) return;
      this.dirty = false;
      await this.jobs.setFlowStatus(this.jobId, this.doc).catch((e) => (this.failed = e));
    });
  }

  async flush(): Promise<void> {
    this.touch();
    await this.saving;
    if (this.failed) throw this.failed;
  }
}
