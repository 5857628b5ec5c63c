// The flow interpreter on real Postgres, one fixture flow per feature
// (tests/fixtures/workspace/f/flows), timeScale 0.01 so waits are short.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../../local/config.ts";
import { identityFor } from "../../../../local/runtime/identity.ts";
import type { JobRow } from "../../../../local/runtime/jobs.ts";
import type { Runner } from "../../../../local/runtime/runner.ts";
import type { FlowStatusDoc, ModuleStatus } from "../../../../local/runtime/flow/status.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { testRunner } from "../../../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
const SCALE = 0.01;
let db: TestDatabase;
let runner: Runner;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db, { root: fixtures, timeScale: SCALE });
});
afterAll(() => db.drop());

const steps = (flow: JobRow) => db.sql<JobRow[]>`select * from wm_local.jobs where parent_job = ${flow.id} order by created_at, started_at`;
const statusOf = async (flow: JobRow) => (await runner.jobs.get(flow.id))!.flow_status as FlowStatusDoc;
const moduleStatus = (doc: FlowStatusDoc, id: string) => doc.modules.find((m) => m.id === id) as ModuleStatus;

describe("retry", () => {
  it("a step that fails twice then succeeds under a constant retry", async () => {
    const out = await runner.run("f/flows/retry_constant", { key: randomUUID(), fail_times: 2 });
    expect(out.status).toBe("success");
    expect(out.result).toMatchObject({ attempts: 3 });
    const jobs = await steps(out.job);
    expect(jobs.map((j) => j.status)).toEqual(["failure", "failure", "success"]);
    expect(jobs.every((j) => j.flow_step_id === "flaky")).toBe(true);
    const st = moduleStatus(await statusOf(out.job), "flaky");
    expect(st).toMatchObject({ type: "Success", job: jobs[2].id, failed_retries: [jobs[0].id, jobs[1].id] });
    // the step logs are reachable from the flow job
    const lines = (await runner.jobs.logs(out.job.id)).map((l) => l.line);
    expect(lines.filter((l) => l.startsWith("attempt "))).toHaveLength(3);
  });

  it("gives up after the configured attempts", async () => {
    const out = await runner.run("f/flows/retry_constant", { key: randomUUID(), fail_times: 9 });
    expect(out.status).toBe("failure");
    expect(out.error).toMatchObject({ message: "flaky failure 4 of 9", step_id: "flaky" });
    expect(await steps(out.job)).toHaveLength(4); // first try + 3 retries
  });

  it("waits multiplier * seconds ^ attempt between exponential retries (scaled)", async () => {
    const out = await runner.run("f/flows/retry_exponential", { key: randomUUID(), fail_times: 3 });
    expect(out.status).toBe("success");
    const jobs = await steps(out.job);
    expect(jobs).toHaveLength(4);
    const gaps = jobs.slice(1).map((j, i) => j.started_at!.getTime() - jobs[i].finished_at!.getTime());
    const expected = [2 * 3, 2 * 3 ** 2, 2 * 3 ** 3].map((s) => s * 1000 * SCALE); // 60, 180, 540 ms
    console.log(`exponential retry gaps: ${gaps.join(", ")} ms (expected ${expected.join(", ")} ms)`);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i] - 5);
      expect(gap).toBeLessThan(expected[i] + 1000); // generous under load; unscaled would be seconds
    });
  });
});

describe("failure module", () => {
  it("receives the error and the failing step id; the flow stays failed", async () => {
    const out = await runner.run("f/flows/failure_handler", {});
    expect(out.status).toBe("failure");
    expect(out.error).toMatchObject({ message: "kaput after 3", step_id: "b" });
    expect(out.result).toMatchObject({ message: "kaput after 3", name: "Error", step_id: "b", previous: { error: { message: "kaput after 3" } } });
    const jobs = await steps(out.job);
    expect(jobs.map((j) => j.flow_step_id)).toEqual(["a", "b", "failure"]);
    const doc = await statusOf(out.job);
    expect(doc.failure_module).toMatchObject({ type: "Success", job: jobs[2].id });
    expect(moduleStatus(doc, "b").type).toBe("Failure");
    expect(doc.modules.map((m) => m.id)).toEqual(["a", "b"]); // "never" was not reached
  });
});

describe("for-loops", () => {
  it("a parallel loop runs at most `parallelism` iterations at once, results in order", async () => {
    const labels = ["a", "b", "c", "d", "e", "f"];
    for (const width of [2, 3]) {
      const out = await runner.run("f/flows/loop_parallel", { labels, width, ms: 250 });
      expect(out.status).toBe("success");
      const results = out.result as { label: string; start: number; end: number }[];
      expect(results.map((r) => r.label)).toEqual(labels);
      const events = results.flatMap((r) => [[r.start, 1], [r.end, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      let running = 0;
      let max = 0;
      for (const [, d] of events) max = Math.max(max, (running += d));
      console.log(`parallelism ${width}: max concurrent iterations ${max}`);
      expect(max).toBe(width);
      const st = moduleStatus(await statusOf(out.job), "loop");
      expect(st.iterator).toEqual({ index: 6, itered_len: 6 });
      expect(st.iterations).toHaveLength(6);
      expect(st.flow_jobs_success).toEqual(labels.map(() => true));
    }
  });

  it("skip_failures keeps going and records the error as the iteration's result; without it the loop fails", async () => {
    const ok = await runner.run("f/flows/loop_skip_failures", { numbers: [1, -2, 3], strict: false });
    expect(ok.status).toBe("success");
    const lenient = moduleStatus(await statusOf(ok.job), "lenient");
    expect(lenient.flow_jobs_success).toEqual([true, false, true]);
    const loopResult = (await steps(ok.job)).filter((j) => j.flow_step_id === "check").map((j) => j.status);
    expect(loopResult).toEqual(["success", "failure", "success"]);
    // the loop result feeds the skipped "strict" module as previous_result
    expect(ok.result).toEqual([10, { error: expect.objectContaining({ message: "negative: -2", step_id: "check" }) }, 30]);

    const strict = await runner.run("f/flows/loop_skip_failures", { numbers: [1, -2, 3], strict: true });
    expect(strict.status).toBe("failure");
    expect(strict.error).toMatchObject({ message: "negative: -2", step_id: "check_strict" });
    const strictJobs = (await steps(strict.job)).filter((j) => j.flow_step_id === "check_strict");
    expect(strictJobs).toHaveLength(2); // the third iteration never ran
  });
});

describe("branches", () => {
  it("branchone takes the first true branch, else the default; branchall runs all with per-branch skip_failure", async () => {
    const big = await runner.run("f/flows/branches", { n: 20 });
    expect(big.status).toBe("success");
    expect(big.result).toEqual([120, { error: expect.objectContaining({ message: "soft" }) }, "saw big 20"]);
    const doc = await statusOf(big.job);
    expect(moduleStatus(doc, "route").branch_chosen).toEqual({ type: "branch", branch: 0 });
    expect(moduleStatus(doc, "fan")).toMatchObject({ branchall: { branch: 3, len: 3 }, flow_jobs_success: [true, false, true] });

    const small = await runner.run("f/flows/branches", { n: 3 });
    expect((small.result as unknown[])[2]).toBe("saw small 3");
    expect(moduleStatus(await statusOf(small.job), "route").branch_chosen).toEqual({ type: "branch", branch: 1 });

    const none = await runner.run("f/flows/branches", { n: -1 });
    expect((none.result as unknown[])[2]).toBe("saw none");
    expect(moduleStatus(await statusOf(none.job), "route").branch_chosen).toEqual({ type: "default" });
  });

  it("a failing branchall branch without skip_failure fails the flow (after the parallel branches finish)", async () => {
    const out = await runner.run("f/flows/branches", { n: 1, fail_hard: true });
    expect(out.status).toBe("failure");
    expect(out.error).toMatchObject({ message: "hard failure", step_id: "maybe_fail" });
    const ran = (await steps(out.job)).map((j) => j.flow_step_id);
    expect(ran).toEqual(expect.arrayContaining(["small", "sum", "soft_fail", "maybe_fail"]));
  });
});

describe("input transforms", () => {
  it("static (with $var:) and javascript transforms, results, previous_result, identity and iter", async () => {
    const out = await runner.run("f/flows/transforms", { n: 5 });
    expect(out.status).toBe("success");
    expect(out.result).toEqual({
      loop: [
        { index: 0, value: 5, seen: 5, d: 70 },
        { index: 1, value: 6, seen: 6, d: 70 },
      ],
      greeting: "hello from a variable",
      first: 0,
    });
    const a = (await steps(out.job)).find((j) => j.flow_step_id === "a")!;
    expect(a.args).toEqual({ value: { x: 2, greeting: "$var:f/test/greeting" } }); // the reference is recorded, not the value
    const d = (await steps(out.job)).find((j) => j.flow_step_id === "d")!;
    expect(d).toMatchObject({ kind: "identity", status: "success", result: 70 });
  });
});

describe("suspend and resume", () => {
  it("leaves the flow suspended; a resume from another Runner (a new process) continues with the payload", async () => {
    const out = await runner.run("f/flows/approval", { amount: 42 });
    expect(out.status).toBe("suspended");
    const row = (await runner.jobs.get(out.job.id))!;
    expect(row.status).toBe("suspended");
    expect(row.finished_at).toBeNull();
    const doc = row.flow_status as FlowStatusDoc;
    expect(doc.waiting).toMatchObject({ key: "ask", step_id: "ask", required_events: 1 });
    expect(moduleStatus(doc, "after")).toMatchObject({ type: "WaitingForEvents", count: 1 });
    expect((await steps(out.job)).map((j) => j.flow_step_id)).toEqual(["prepare", "ask"]);

    const other = testRunner(db, { root: fixtures, timeScale: SCALE });
    const resumed = await other.resume(out.job.id.slice(0, 8), { approved: true, payload: { note: "ok by me" }, approver: identityFor("felix") });
    expect(resumed.status).toBe("success");
    expect(resumed.result).toEqual({
      resume: { note: "ok by me" },
      resumes: [{ note: "ok by me" }],
      approvers: ["felix"],
      prepared: { amount: 42 },
      asked: "please approve",
    });
    // finished steps were not run again
    expect((await steps(out.job)).map((j) => j.flow_step_id)).toEqual(["prepare", "ask", "after"]);
    const final = await statusOf(out.job);
    expect(moduleStatus(final, "ask").approvers).toEqual([{ approver: "felix", resume_id: 0 }]);
    expect(final.waiting).toBeNull();
    await expect(other.resume(out.job.id, { approved: true })).rejects.toThrow(/not a suspended flow/);
  });

  it("a rejection cancels the flow", async () => {
    const out = await runner.run("f/flows/approval", { amount: 1 });
    const rejected = await runner.resume(out.job.id, { approved: false, approver: identityFor("olivia") });
    expect(rejected.status).toBe("canceled");
    expect(rejected.error?.message).toMatch(/disapproved by olivia/);
    expect((await runner.jobs.get(out.job.id))!.status).toBe("canceled");
    expect((await steps(out.job)).map((j) => j.flow_step_id)).toEqual(["prepare", "ask"]);
  });

  it("an approval wait times out (scaled) and the failure module runs", async () => {
    const out = await runner.run("f/flows/approval_timeout", {});
    expect(out.status).toBe("suspended");
    let row = (await runner.jobs.get(out.job.id))!;
    for (let i = 0; i < 100 && (row.status === "suspended" || row.status === "running"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = (await runner.jobs.get(out.job.id))!;
    }
    expect(row.status).toBe("failure");
    expect(row.error).toMatchObject({ name: "SuspendedTimedOut", message: "Timed out waiting to be resumed", step_id: "ask" });
    expect(row.result).toMatchObject({ name: "SuspendedTimedOut", step_id: "ask" });
  });
});

describe("stop_after_if, skip_if, continue_on_error, sleep, timeout", () => {
  it("stop_after_if ends the flow early with the step's result", async () => {
    const stopped = await runner.run("f/flows/stop_early", { n: 10 });
    expect(stopped.status).toBe("success");
    expect(stopped.result).toBe(10);
    expect((await steps(stopped.job)).map((j) => j.flow_step_id)).toEqual(["a"]);
    expect(await statusOf(stopped.job)).toMatchObject({ stopped_early: true, skipped: true });

    const went_on = await runner.run("f/flows/stop_early", { n: 1 });
    expect(went_on.status).toBe("failure");
    expect(went_on.error?.message).toBe("reached b");
  });

  it("stop_after_if with error_message fails the flow without the failure module", async () => {
    const out = await runner.run("f/flows/stop_with_error", { v: "bad" });
    expect(out.status).toBe("failure");
    expect(out.error?.message).toBe("Flow early stop: the input was bad");
    expect((await steps(out.job)).map((j) => j.flow_step_id)).toEqual(["a"]);
  });

  it("skip_if passes the previous result through; continue_on_error makes the error the result; sleep waits (scaled)", async () => {
    const out = await runner.run("f/flows/skip_continue_sleep", { skip: true, sleep_s: 40 });
    expect(out.status).toBe("success");
    expect(out.result).toEqual({ skipped: 1, error: "oops" });
    const jobs = await steps(out.job);
    expect(jobs.map((j) => [j.flow_step_id, j.kind, j.status])).toEqual([
      ["a", "script", "success"],
      ["skipped", "identity", "success"],
      ["tolerated", "script", "failure"],
      ["last", "script", "success"],
    ]);
    const doc = await statusOf(out.job);
    expect(moduleStatus(doc, "skipped").skipped).toBe(true);
    // sleep on "tolerated" delays the step after it
    const gap = jobs[3].started_at!.getTime() - jobs[2].finished_at!.getTime();
    console.log(`sleep 40 s at scale ${SCALE}: ${gap} ms before the next step`);
    expect(gap).toBeGreaterThanOrEqual(40 * 1000 * SCALE - 5);
    expect(gap).toBeLessThan(40 * 1000 * SCALE + 1000);

    const notSkipped = await runner.run("f/flows/skip_continue_sleep", { skip: false, sleep_s: 0 });
    expect(notSkipped.error?.message).toBe("not skipped");
  });

  it("a step running past its timeout fails the flow", async () => {
    const t0 = Date.now();
    const out = await runner.run("f/flows/timeout", { ms: 4000 });
    expect(out.status).toBe("failure");
    expect(out.error).toMatchObject({ name: "TimeoutError", step_id: "slow" });
    expect(Date.now() - t0).toBeLessThan(3500); // the 1 s timeout, not the 4 s step
    const fast = await runner.run("f/flows/timeout", { ms: 10 });
    expect(fast.status).toBe("success");
  });
});

describe("subflows and unsupported features", () => {
  it("a flow step runs the subflow as a child flow job", async () => {
    const out = await runner.run("f/flows/parent", { n: 4 });
    expect(out.status).toBe("success");
    expect(out.result).toEqual({ from_child: 9 });
    const [sub] = (await steps(out.job)).filter((j) => j.flow_step_id === "sub");
    expect(sub).toMatchObject({ kind: "flow", path: "f/flows/child", status: "success", result: 9, root_job: out.job.id });
    const grandchildren = await steps(sub);
    expect(grandchildren.map((j) => j.flow_step_id)).toEqual(["plus_one"]);
    // logs of the whole tree from the top job
    const lines = (await runner.jobs.logs(out.job.id)).map((l) => l.line);
    expect(lines).toContain("adding 8 and 1");
  });

  it("an unsupported module type fails before running anything, naming the feature and where", async () => {
    const out = await runner.run("f/flows/unsupported", {});
    expect(out.status).toBe("failure");
    expect(out.error?.message).toBe('flow f/flows/unsupported: module "loop": "whileloopflow" is not supported locally');
    expect(await steps(out.job)).toHaveLength(0);
  });
});
