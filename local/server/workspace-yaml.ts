// Windmill's YAML item files that `wm-local serve` acts on (HTTP triggers,
// schedules): found under f/ by suffix, each checked with Windmill's own
// validator before use, so a file `wmill sync push` would refuse never
// starts locally either.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WindmillYamlValidator, type ValidationTarget } from "windmill-yaml-validator";
import { listWorkspaceFiles } from "../runtime/workspace.ts";

export class WorkspaceYamlError extends Error {
  override name = "WorkspaceYamlError";
}

let validator: WindmillYamlValidator | undefined;

export interface YamlItem<T> {
  /** The Windmill path: the file name minus its suffix (f/a/b.schedule.yaml -> f/a/b). */
  path: string;
  /** Relative to the workspace root. */
  file: string;
  doc: T;
}

/** Every `f/**\/*<suffix>` file, relative to root, sorted. */
export function findYamlItems(root: string, suffix: string): { path: string; file: string }[] {
  return listWorkspaceFiles(root)
    .filter((f) => f.endsWith(suffix))
    .map((file) => ({ path: file.slice(0, -suffix.length), file }));
}

/** Reads and validates one file; throws one message listing every problem. */
export function readValidated<T>(root: string, item: { path: string; file: string }, target: ValidationTarget): YamlItem<T> {
  validator ??= new WindmillYamlValidator();
  const text = readFileSync(join(root, item.file), "utf8");
  const { parsed, errors } = validator.validate(text, target);
  const syntax = (parsed.diagnostics ?? []).filter((d) => d.severity === 0).map((d) => d.message);
  const problems = [...syntax, ...errors.map((e) => `${e.instancePath || "/"} ${e.message}`)];
  if (problems.length) throw new WorkspaceYamlError(`${item.file}: invalid ${target.type} file: ${problems.join("; ")}`);
  return { ...item, doc: parsed.data as T };
}
