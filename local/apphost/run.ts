// Runs one of an app's backend runnables as a job, the way Windmill's
// executeComponent does: static fields fixed by the app, the rest from the
// frontend; checked against the runnable's schema; trigger "app"; the viewer
// in WM_END_USER_EMAIL, and in publisher mode (the default) the job runs as
// the publisher, which locally is the developer (localUser()).
import { readFileSync } from "node:fs";
import { checkArgs, ArgsError } from "../runtime/args.ts";
import { localUser } from "../runtime/identity.ts";
import type { JobRow } from "../runtime/jobs.ts";
import type { Outcome, RunOptions, Runner } from "../runtime/runner.ts";
import { inferSchema } from "../runtime/signature.ts";
import { findItem } from "../runtime/workspace.ts";
import type { RawApp, Runnable } from "./apps.ts";
import type { Viewer } from "./viewer.ts";

export class UnknownRunnableError extends Error {
  override name = "UnknownRunnableError";
}
export class UnsupportedRunnableError extends Error {
  override name = "UnsupportedRunnableError";
}

export async function startRunnable(
  runner: Runner,
  app: RawApp,
  runnableId: string,
  frontendArgs: unknown,
  viewer: Viewer,
): Promise<{ job: JobRow; done: Promise<Outcome> }> {
  const runnable = app.runnables[runnableId];
  if (!runnable) {
    const known = Object.keys(app.runnables);
    throw new UnknownRunnableError(`app ${app.path} has no runnable "${runnableId}" (backend/ defines ${known.length ? known.join(", ") : "none"})`);
  }
  if (runnable.type === "unsupported") throw new UnsupportedRunnableError(`${app.path}: ${runnable.reason}`);
  const args = withStaticFields(app, runnable, frontendArgs);
  const opts: RunOptions = {
    user: app.executionMode === "viewer" ? viewer : localUser(),
    endUserEmail: viewer.email,
    trigger: { kind: "app", path: app.path },
  };
  if (runnable.type === "inline") {
    // Windmill names an app's inline job "<app path>/<runnable id>".
    const path = `${app.path}/${runnable.id}`;
    const checked = checkArgs(path, inferSchema(readFileSync(runnable.file, "utf8")), args);
    return runner.startInline(runnable.file, path, checked, opts);
  }
  const item = findItem(runnable.path, runner.root);
  if (item.kind !== runnable.type) {
    throw new UnsupportedRunnableError(`${app.path}: runnable "${runnable.id}" says type ${runnable.type} but ${runnable.path} is a ${item.kind}`);
  }
  return runner.start(runnable.path, args, opts);
}

/** Frontend args with the app's static fields laid over them (a viewer cannot override those). */
function withStaticFields(app: RawApp, runnable: Runnable, frontendArgs: unknown): Record<string, unknown> {
  if (frontendArgs === undefined || frontendArgs === null) frontendArgs = {};
  if (typeof frontendArgs !== "object" || Array.isArray(frontendArgs)) {
    throw new ArgsError(`${app.path}/${runnable.id}: arguments must be a JSON object`);
  }
  const args = { ...(frontendArgs as Record<string, unknown>) };
  for (const [name, field] of Object.entries(runnable.fields)) {
    if (field.type === "static") args[name] = (field as { value: unknown }).value;
    else if (field.type !== "user") {
      throw new UnsupportedRunnableError(`${app.path}: field "${name}" of runnable "${runnable.id}" has type "${field.type}", which is not supported locally (static and user are)`);
    }
  }
  return args;
}
