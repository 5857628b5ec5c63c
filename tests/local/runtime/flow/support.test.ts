// The supported-subset check (pure) and Windmill's retry delay formula.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../../local/config.ts";
import { checkFlowSupported } from "../../../../local/runtime/flow/support.ts";
import { retryDelaySeconds } from "../../../../local/runtime/flow/retry.ts";
import { listFlows } from "../../../../local/runtime/workspace.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
const P = "f/flows/x";

const flow = (modules: unknown[], extra: Record<string, unknown> = {}) => ({ summary: "t", value: { modules, ...extra } });
const echo = (id: string, more: Record<string, unknown> = {}) => ({
  id,
  value: { type: "script", path: "f/flowsteps/echo", input_transforms: { value: { type: "static", value: 1 } } },
  ...more,
});
const check = (f: unknown) => checkFlowSupported(f as never, P, fixtures);

describe("checkFlowSupported", () => {
  it("accepts every fixture flow except the one that is meant to be refused", () => {
    const refused = listFlows(fixtures).filter((f) => check(f.flow).length && f.path !== "f/flows/unsupported");
    expect(refused.map((f) => [f.path, checkFlowSupported(f.flow, f.path, fixtures)])).toEqual([]);
    expect(checkFlowSupported(listFlows(fixtures).find((f) => f.path === "f/flows/unsupported")!.flow, "f/flows/unsupported", fixtures)).toEqual([
      'flow f/flows/unsupported: module "loop": "whileloopflow" is not supported locally',
    ]);
  });

  it.each([
    [flow([echo("a", { cache_ttl: 60 })]), 'flow f/flows/x: module "a": "cache_ttl" is not supported locally'],
    [flow([echo("a", { mock: { enabled: true } })]), 'module "a": "mock" is not supported locally'],
    [flow([echo("a")], { early_return: "a" }), 'flow f/flows/x: "value.early_return" is not supported locally'],
    [flow([echo("a")], { concurrency_key: "k", concurrent_limit: 1 }), '"value.concurrency_key" is not supported locally'],
    [flow([echo("a")], { preprocessor_module: { id: "preprocessor", value: { type: "identity" } } }), '"value.preprocessor_module" is not supported locally'],
    [flow([{ id: "ai", value: { type: "aiagent", input_transforms: {}, tools: [] } }]), 'module "ai": "aiagent" is not supported locally'],
    [flow([{ id: "py", value: { type: "rawscript", language: "python3", content: "def main(): pass", input_transforms: {} } }]), 'module "py": rawscript language "python3" is not supported locally'],
    [flow([{ id: "s", value: { type: "script", path: "f/flowsteps/nope", input_transforms: {} } }]), 'module "s": no script or flow at "f/flowsteps/nope"'],
    [flow([{ id: "s", value: { type: "flow", path: "f/flowsteps/echo", input_transforms: {} } }]), 'module "s": "f/flowsteps/echo" is a script, not a flow'],
    [flow([echo("a", { retry: { retry_if: { expr: "true" } } })]), 'module "a": "retry.retry_if" is not supported locally'],
    [flow([echo("a", { suspend: { required_events: 1, user_auth_required: true } })]), '"suspend.user_auth_required" is not supported locally'],
    [flow([echo("a", { stop_after_if: { expr: "true", error_include_result: true } })]), '"stop_after_if.error_include_result" is not supported locally'],
    [flow([{ id: "a", value: { type: "script", path: "f/flowsteps/echo", input_transforms: { value: { type: "ai" } } } }]), 'input transform type "ai" is not supported locally'],
    [flow([echo("a"), echo("a")]), 'module "a": the id is used more than once'],
    [flow([echo("failure")]), 'module "failure": the id is reserved by Windmill'],
    [flow([echo("a")], { failure_module: { id: "failure", value: { type: "identity" } } }), "the failure module must be a script or rawscript"],
    [
      flow([{ id: "l", value: { type: "forloopflow", parallel: true, skip_failures: false, iterator: { type: "static", value: [] }, modules: [echo("in", { suspend: {} })] } }]),
      'module "in": "suspend" inside a parallel loop or branchall is not supported locally',
    ],
    [flow([{ id: "sub", value: { type: "flow", path: "f/flows/approval", input_transforms: {} } }]), "subflow f/flows/approval suspends"],
    [flow([{ id: "i", timeout: 5, value: { type: "identity" } }]), 'module "i": "timeout" on identity modules is not supported locally'],
  ])("refuses %j", (f, message) => {
    const problems = check(f);
    expect(problems.join("\n")).toContain(message);
  });

  it("reports a missing !inline file from the flow.yaml on disk", () => {
    const root = mkdtempSync(join(tmpdir(), "wm-flow-support-"));
    try {
      mkdirSync(join(root, "f/t/x__flow"), { recursive: true });
      const step = (file: string) => ({ id: file.replace(/\W/g, "_"), value: { type: "rawscript", language: "bun", content: `!inline ${file}`, input_transforms: {} } });
      const raw = { summary: "t", value: { modules: [step("here.ts"), step("gone.ts")] } };
      writeFileSync(join(root, "f/t/x__flow/flow.yaml"), stringify(raw));
      writeFileSync(join(root, "f/t/x__flow/here.ts"), "export async function main() {}");
      expect(checkFlowSupported(raw as never, "f/t/x", root)).toEqual(["flow f/t/x: inline file not found: gone.ts"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("accepts parallelism as a plain number or a transform", () => {
    for (const parallelism of [2, { type: "static", value: 2 }, { type: "javascript", expr: "flow_input.n" }]) {
      expect(check(flow([{ id: "l", value: { type: "forloopflow", parallel: true, parallelism, skip_failures: true, iterator: { type: "static", value: [] }, modules: [echo("i")] } }]))).toEqual([]);
    }
  });
});

describe("every flow under f/", () => {
  it("stays inside the locally supported subset", () => {
    const problems = listFlows(repoRoot).flatMap((f) => checkFlowSupported(f.flow, f.path, repoRoot));
    expect(problems).toEqual([]);
  });
});

describe("retryDelaySeconds (Windmill's Retry::interval)", () => {
  it("constant attempts first, then multiplier * seconds ^ (previous attempts + 1)", () => {
    const retry = { constant: { attempts: 2, seconds: 7 }, exponential: { attempts: 3, multiplier: 2, seconds: 3 } };
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelaySeconds(retry, n))).toEqual([7, 7, 2 * 3 ** 3, 2 * 3 ** 4, 2 * 3 ** 5, undefined]);
    expect(retryDelaySeconds(undefined, 0)).toBeUndefined();
  });

  it("random_factor moves the delay by up to that percentage either way, in whole seconds", () => {
    const retry = { exponential: { attempts: 1, multiplier: 1, seconds: 100, random_factor: 50 } };
    // first draw picks the percentage (0..49), second the direction
    expect(retryDelaySeconds(retry, 0, seq([0.5, 0.2]))).toBe(100 + 25);
    expect(retryDelaySeconds(retry, 0, seq([0.5, 0.7]))).toBe(100 - 25);
    expect(retryDelaySeconds(retry, 0, seq([0.999, 0.1]))).toBe(149);
    for (let i = 0; i < 200; i++) {
      const d = retryDelaySeconds(retry, 0)!;
      expect(d).toBeGreaterThanOrEqual(51);
      expect(d).toBeLessThanOrEqual(149);
    }
  });

  it("never waits more than 6 hours", () => {
    expect(retryDelaySeconds({ exponential: { attempts: 5, multiplier: 1000, seconds: 10 } }, 4)).toBe(6 * 3600);
  });
});

function seq(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}
