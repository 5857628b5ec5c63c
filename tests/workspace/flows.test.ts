// Every flow, schedule and trigger under f/ is valid for Windmill (its own
// YAML validator), stays inside what wm-local runs, and only references
// scripts, flows, resources and variables that exist.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { getValidationTargetFromFilename } from "windmill-yaml-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localBindings } from "../../local/bindings.ts";
import { repoRoot } from "../../local/config.ts";
import { checkFlowSupported } from "../../local/runtime/flow/support.ts";
import { listFlows, listWorkspaceFiles } from "../../local/runtime/workspace.ts";
import { loadSchedules } from "../../local/scheduler/load.ts";
import { loadHttpTriggers } from "../../local/server/triggers/load.ts";
import { readValidated } from "../../local/server/workspace-yaml.ts";

/** Flow, schedule and trigger files, each with the validator's target. */
function validatedItems(root: string) {
  return listWorkspaceFiles(root).flatMap((file) => {
    const target = getValidationTargetFromFilename(file);
    return target ? [{ file, target }] : [];
  });
}

/** Problems with the files Windmill's validator checks. */
function validationProblems(root: string): string[] {
  return validatedItems(root).flatMap(({ file, target }) => {
    try {
      readValidated(root, { path: file, file }, target);
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  });
}

/**
 * Every `$res:`/`$var:` string in the file names an item Windmill will have:
 * a resource file, a variable file, or a secret wm-local takes from the
 * environment (secrets are not in git).
 */
function referenceProblems(root: string, file: string): string[] {
  // An env where every variable is set tells which $var: paths are env-provided secrets.
  const everyEnvSet = new Proxy({}, { get: () => "set" }) as NodeJS.ProcessEnv;
  const secrets = localBindings({ databaseUrl: "postgres://u:p@127.0.0.1:5432/db", env: everyEnvSet }).variables ?? {};
  const problems: string[] = [];
  const walk = (v: unknown): void => {
    const ref = typeof v === "string" ? /^\$(res|var):(.+)$/.exec(v) : null;
    if (ref) {
      const [, kind, path] = ref;
      const found = kind === "res"
        ? existsSync(join(root, `${path}.resource.yaml`))
        : existsSync(join(root, `${path}.variable.yaml`)) || path in secrets;
      if (!found) problems.push(`${file}: ${v} names no ${kind === "res" ? "resource" : "variable"} (no ${path}.${kind === "res" ? "resource" : "variable"}.yaml)`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(parseYaml(readFileSync(join(root, file), "utf8")));
  return problems;
}

describe("flows, schedules and triggers of this repository", () => {
  it("pass Windmill's YAML validator", () => {
    const items = validatedItems(repoRoot);
    console.log(`validated ${items.length} flow/schedule/trigger file(s): ${items.map((i) => i.file).join(", ")}`);
    expect(validationProblems(repoRoot)).toEqual([]);
  });

  it("every flow uses only the locally supported OpenFlow subset and existing scripts, flows and inline files", () => {
    const problems = listFlows().flatMap((f) => checkFlowSupported(f.flow, f.path));
    expect(problems).toEqual([]);
  });

  it("schedules and HTTP triggers load for wm-local serve (cron, targets, handlers, options)", () => {
    expect(() => loadSchedules(repoRoot)).not.toThrow();
    expect(() => loadHttpTriggers(repoRoot, "local")).not.toThrow();
  });

  it("every $res:/$var: they pass names a resource or variable that exists", () => {
    const problems = validatedItems(repoRoot).flatMap(({ file }) => referenceProblems(repoRoot, file));
    expect(problems).toEqual([]);
  });
});

describe("the same checks on a broken scratch workspace", () => {
  let root: string;
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "wm-flows-"));
    put("f/demo/hello.ts", "export async function main(db: object) { return 1; }\n");
    put("f/demo/db.resource.yaml", "resource_type: postgresql\nvalue: {host: x}\n");
    put("f/demo/broken__flow/flow.yaml", [
      "summary: broken",
      "value:",
      "  modules:",
      "    - id: a",
      "      value: {type: script, path: f/demo/missing, input_transforms: {}}",
      "    - id: b",
      "      value: {type: whileloopflow, modules: []}",
      "    - id: c",
      "      value: {type: script, path: f/demo/hello, input_transforms: {db: {type: static, value: $res:f/demo/nope}}}",
      "    - id: d",
      "      value: {type: rawscript, language: cobol, content: x, input_transforms: {}}",
      "",
    ].join("\n"));
    put("f/demo/bad.schedule.yaml", "schedule: '0 3 * * *'\nscript_path: f/demo/hello\nis_flow: false\nargs: {db: $res:f/demo/db}\nenabled: true\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("the validator names the invalid flow and schedule", () => {
    const problems = validationProblems(root);
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith("f/demo/broken__flow/flow.yaml"))).toMatch(/language/);
    expect(problems.find((p) => p.startsWith("f/demo/bad.schedule.yaml"))).toMatch(/timezone/);
  });

  it("checkFlowSupported names the missing script and the unsupported module", () => {
    const [flow] = listFlows(root);
    const problems = checkFlowSupported(flow.flow, flow.path, root).join("\n");
    expect(problems).toMatch(/module "a".*f\/demo\/missing/);
    expect(problems).toMatch(/module "b".*whileloopflow.*not supported locally/);
    expect(problems).toMatch(/module "d".*cobol/);
  });

  it("a $res: to a resource that does not exist is named, an existing one passes", () => {
    expect(referenceProblems(root, "f/demo/broken__flow/flow.yaml")).toEqual(["f/demo/broken__flow/flow.yaml: $res:f/demo/nope names no resource (no f/demo/nope.resource.yaml)"]);
    expect(referenceProblems(root, "f/demo/bad.schedule.yaml")).toEqual([]);
  });
});
