// Loads the workspace's schedules (`f/**\/*.schedule.yaml`), validated with
// Windmill's validator, with their cron compiled and every option we cannot
// honour locally refused at start-up, by name.
import { findItem } from "../runtime/workspace.ts";
import { findYamlItems, readValidated, WorkspaceYamlError } from "../server/workspace-yaml.ts";
import { scheduleCron, type ScheduleCron } from "./cron.ts";
import type { RetrySpec } from "../runtime/flow/types.ts";

/** The fields of a schedule.yaml (skill text `schedules`). */
export interface ScheduleDoc {
  schedule: string;
  timezone: string;
  enabled: boolean;
  script_path: string;
  is_flow: boolean;
  args?: Record<string, unknown>;
  no_flow_overlap?: boolean;
  retry?: RetrySpec & { retry_if?: unknown };
  on_failure?: string;
  on_failure_times?: number;
  on_failure_exact?: boolean;
  on_failure_extra_args?: Record<string, unknown>;
  on_recovery?: string;
  on_success?: string;
  paused_until?: string;
  cron_version?: string;
  dynamic_skip?: string;
  summary?: string;
  description?: string;
}

export interface Schedule extends ScheduleDoc {
  path: string;
  file: string;
  cron: ScheduleCron;
  pausedUntil?: Date;
  /** on_failure split into kind and path ("script/f/a/b" -> script, f/a/b). */
  onFailure?: { kind: "script" | "flow"; path: string };
}

export class ScheduleConfigError extends WorkspaceYamlError {
  override name = "ScheduleConfigError";
}

export function loadSchedules(root: string): Schedule[] {
  return findYamlItems(root, ".schedule.yaml").map((item) => {
    const { doc } = readValidated<ScheduleDoc>(root, item, { type: "schedule" });
    return checkSchedule(root, item.path, item.file, doc);
  });
}

function checkSchedule(root: string, path: string, file: string, doc: ScheduleDoc): Schedule {
  const fail = (why: string): never => {
    throw new ScheduleConfigError(`${file}: ${why}`);
  };
  for (const key of ["on_recovery", "on_success", "dynamic_skip"] as const) {
    if (doc[key]) fail(`${key} is not supported locally`);
  }
  if (doc.retry?.retry_if) fail("retry.retry_if is not supported locally");
  let cron: ScheduleCron;
  try {
    cron = scheduleCron(doc.schedule, doc.timezone, doc.cron_version);
  } catch (e) {
    return fail((e as Error).message);
  }
  const runnable = resolve(root, doc.script_path, fail);
  if ((runnable === "flow") !== doc.is_flow) fail(`script_path ${doc.script_path} is a ${runnable} but is_flow is ${doc.is_flow}`);

  let onFailure: Schedule["onFailure"];
  if (doc.on_failure) {
    // Windmill's schedule handlers are prefixed paths (get_payload_tag_from_prefixed_path).
    const m = /^(script|flow)\/(.+)$/.exec(doc.on_failure);
    if (!m) fail(`on_failure "${doc.on_failure}" must start with script/ or flow/ (e.g. script/f/platform/alert)`);
    const kind = m![1] as "script" | "flow";
    if (resolve(root, m![2], fail) !== kind) fail(`on_failure ${doc.on_failure}: ${m![2]} is not a ${kind}`);
    onFailure = { kind, path: m![2] };
  }
  let pausedUntil: Date | undefined;
  if (doc.paused_until) {
    pausedUntil = new Date(doc.paused_until);
    if (Number.isNaN(pausedUntil.getTime())) fail(`paused_until "${doc.paused_until}" is not an ISO 8601 date-time`);
  }
  return { ...doc, path, file, cron, pausedUntil, onFailure };
}

function resolve(root: string, path: string, fail: (why: string) => never): "script" | "flow" {
  try {
    return findItem(path, root).kind;
  } catch (e) {
    return fail((e as Error).message);
  }
}
