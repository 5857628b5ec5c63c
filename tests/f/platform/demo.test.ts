// f/platform/demo end to end through the local runner (real Postgres):
// approve, reject, nothing-to-order and failure paths.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFor } from "../../../local/runtime/identity.ts";
import type { JobRow } from "../../../local/runtime/jobs.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import type { FlowStatusDoc } from "../../../local/runtime/flow/status.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

let db: TestDatabase;
let runner: Runner;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db);
});
afterAll(() => db.drop());

const ITEMS = [
  { sku: "TEE-BLK-M", on_hand: 3 },
  { sku: "MUG-WHT", on_hand: 40 },
  { sku: "POSTER-A2", on_hand: 0, reorder_qty: 5 },
];
const stepsOf = (job: JobRow) => db.sql<JobRow[]>`select * from wm_local.jobs where parent_job = ${job.id} order by created_at`;

describe("f/platform/demo", () => {
  it("assesses every SKU, waits for approval, then orders with the approver and note", async () => {
    const out = await runner.run("f/platform/demo", { items: ITEMS, reorder_point: 10 });
    expect(out.status).toBe("suspended");
    const waiting = (await stepsOf(out.job)).map((j) => j.flow_step_id);
    expect(waiting.filter((s) => s === "assess_item")).toHaveLength(3);
    expect(waiting.slice(3)).toEqual(["plan", "request_approval"]);
    const ask = (await stepsOf(out.job)).find((j) => j.flow_step_id === "request_approval")!;
    expect(ask.result).toMatchObject({
      title: "Approve a purchase order of 22 units across 2 SKU(s)",
      urls: { resume: expect.stringContaining(`/jobs_u/resume/${ask.id}/`), cancel: expect.stringContaining(`/jobs_u/cancel/${ask.id}/`) },
    });

    const done = await testRunner(db).resume(out.job.id, { approved: true, payload: { note: "go ahead" }, approver: identityFor("olivia") });
    expect(done.status).toBe("success");
    expect(done.result).toEqual({
      status: "ordered",
      lines: [{ sku: "TEE-BLK-M", qty: 17 }, { sku: "POSTER-A2", qty: 5 }],
      total_units: 22,
      approved_by: ["olivia"],
      note: "go ahead",
    });
    const doc = (await runner.jobs.get(out.job.id))!.flow_status as FlowStatusDoc;
    expect(doc.modules.map((m) => [m.id, m.type])).toEqual([["assess", "Success"], ["plan", "Success"], ["route", "Success"]]);
    expect(doc.modules[2].branch_chosen).toEqual({ type: "default" });
  });

  it("a rejected approval cancels the order", async () => {
    const out = await runner.run("f/platform/demo", { items: ITEMS, reorder_point: 10 });
    const rejected = await runner.resume(out.job.id, { approved: false, approver: identityFor("olivia") });
    expect(rejected.status).toBe("canceled");
    expect((await stepsOf(out.job)).some((j) => j.flow_step_id === "place_order")).toBe(false);
  });

  it("the approval step's resume URL (wmill.getResumeUrls) approves it over HTTP while this process runs", async () => {
    const out = await runner.run("f/platform/demo", { items: ITEMS.slice(0, 1) });
    const ask = (await stepsOf(out.job)).find((j) => j.flow_step_id === "request_approval")!;
    const { resume } = (ask.result as { urls: { resume: string } }).urls;
    const res = await fetch(resume, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: "by link" }) });
    expect(res.status).toBe(200);
    let row = (await runner.jobs.get(out.job.id))!;
    for (let i = 0; i < 100 && row.status !== "success" && row.status !== "failure"; i++) {
      await new Promise((r) => setTimeout(r, 25));
      row = (await runner.jobs.get(out.job.id))!;
    }
    expect(row.status).toBe("success");
    expect(row.result).toMatchObject({ status: "ordered", total_units: 17, note: "by link" });
  });

  it("skips the approval when nothing is below the reorder point", async () => {
    const out = await runner.run("f/platform/demo", { items: ITEMS.slice(1, 2), reorder_point: 10 });
    expect(out.status).toBe("success");
    expect(out.result).toEqual({ status: "nothing to order", total_units: 0 });
    const doc = out.job.flow_status as FlowStatusDoc;
    expect(doc.modules[2].branch_chosen).toEqual({ type: "branch", branch: 0 });
  });

  it("a malformed item is retried, then the failure module reports the failing step", async () => {
    const out = await runner.run("f/platform/demo", { items: [...ITEMS, { sku: "BROKEN", on_hand: -1 }] });
    expect(out.status).toBe("failure");
    expect(out.error).toMatchObject({ step_id: "assess_item" });
    expect(out.error?.message).toMatch(/invalid item .*BROKEN/);
    expect(out.result).toMatchObject({ reported: true, step_id: "assess_item" });
    const broken = (await stepsOf(out.job)).filter((j) => j.flow_step_id === "assess_item" && j.status === "failure");
    expect(broken).toHaveLength(3); // first try + 2 exponential retries
    const steps = (await stepsOf(out.job)).map((j) => j.flow_step_id);
    expect(steps).toContain("failure");
    expect(steps).not.toContain("plan");
  });
});
