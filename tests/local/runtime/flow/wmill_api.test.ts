// windmill-client inside local jobs: getVariable, getResource, setProgress,
// getProgress and getResumeUrls reach the local stand-in API over real HTTP,
// and the resume/cancel URLs it hands out answer a suspended flow.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../../local/config.ts";
import type { JobRow } from "../../../../local/runtime/jobs.ts";
import type { Runner } from "../../../../local/runtime/runner.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { testRunner } from "../../../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
let db: TestDatabase;
let runner: Runner;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db, { root: fixtures });
});
afterAll(() => db.drop());

async function settled(job: JobRow): Promise<JobRow> {
  for (let i = 0; i < 200; i++) {
    const row = (await runner.jobs.get(job.id))!;
    if (row.status !== "suspended" && row.status !== "running") return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${job.id} did not settle`);
}

async function urlsOf(flow: JobRow): Promise<{ resume: string; cancel: string; approvalPage: string }> {
  const [ask] = await db.sql<JobRow[]>`select * from wm_local.jobs where parent_job = ${flow.id} and flow_step_id = 'ask'`;
  return ask.result as { resume: string; cancel: string; approvalPage: string };
}

describe("the local windmill-client API", () => {
  it("serves getVariable, getResource and progress to the running job; other endpoints say they are unsupported", async () => {
    const out = await runner.run("f/flowsteps/client_calls", { variable: "f/test/greeting" });
    expect(out.status).toBe("success");
    expect(out.result).toEqual({
      greeting: "hello from a variable",
      pg: { host: "fixture-host", port: 5433, dbname: "fixture", password: "hello from a variable" },
      progress: 40,
      unsupported: expect.stringMatching(/is not supported by the local Windmill API/),
    });
    expect((await runner.jobs.logs(out.job.id)).map((l) => l.line)).toContain("[progress] 40%");

    const missing = await runner.run("f/flowsteps/client_calls", { variable: "f/test/nope" });
    expect(missing.status).toBe("failure");
    expect(missing.error?.message).toMatch(/Variable not found at f\/test\/nope/);
  });

  it("refuses calls without a live job token", async () => {
    const out = await runner.run("f/flows/approval_urls", {});
    const { resume } = await urlsOf(out.job);
    const base = resume.slice(0, resume.indexOf("/api/"));
    const res = await fetch(`${base}/api/w/local/variables/get_value/f/test/greeting`, { headers: { authorization: "Bearer wm-local" } });
    expect(res.status).toBe(401);
    await runner.resume(out.job.id, { approved: false });
  });

  it("getResumeUrls hands out signed URLs: resume continues the flow with the posted payload, cancel cancels it", async () => {
    const out = await runner.run("f/flows/approval_urls", {});
    expect(out.status).toBe("suspended");
    const urls = await urlsOf(out.job);
    expect(urls.resume).toContain(`/jobs_u/resume/`);
    const forged = urls.resume.replace(/\/[^/?]+\?approver/, "/forged?approver");
    expect((await fetch(forged, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await fetch(urls.approvalPage)).status).toBe(200);

    const res = await fetch(urls.resume, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: "via url" }) });
    expect(res.status).toBe(200);
    const done = await settled(out.job);
    expect(done.status).toBe("success");
    expect(done.result).toEqual({ resume: { note: "via url" }, approvers: ["felix"] });
    expect((await fetch(urls.resume, { method: "POST", body: "{}" })).status).toBe(400); // not suspended any more

    const other = await runner.run("f/flows/approval_urls", {});
    const cancel = (await urlsOf(other.job)).cancel;
    expect((await fetch(cancel, { method: "POST" })).status).toBe(200);
    expect((await settled(other.job)).status).toBe("canceled");
  });
});
