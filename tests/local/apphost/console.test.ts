// The console app's backend runnables through the host's API, as the console
// calls them: its path runnables read the job history with the static db field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../local/config.ts";
import { loadApp } from "../../../local/apphost/apps.ts";
import { wmillDts, wmillDtsPath } from "../../../local/apphost/wmill-dts.ts";
import { appHost } from "../../../local/apphost/index.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import { closeAll } from "../../../f/lib/db.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

const APP = "f/console/console";
let db: TestDatabase;
let runner: Runner;
let host: ReturnType<typeof appHost>;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db);
  host = appHost({ runner });
});
afterAll(async () => {
  await closeAll();
  await db.drop();
});

// The routes without the server (the token middleware is serve.ts's, tested in host.test.ts).
async function call(runnable: string, args: unknown) {
  const res = await host.routes.request(`/apps/api/${APP}/run/${runnable}`, { method: "POST", body: JSON.stringify(args) });
  return { status: res.status, body: (await res.json()) as any };
}

describe("console app", () => {
  it("is discovered in the repository", () => {
    expect(host.apps).toContain(APP);
  });

  it("recent_jobs is empty on a fresh database", async () => {
    const { body } = await call("recent_jobs", { limit: 10 });
    expect(body).toMatchObject({ success: true, result: { source: "local", jobs: [] } });
  });

  it("recent_jobs lists real jobs and not the console's own; job_logs returns the lines", async () => {
    const fixtures = testRunner(db, { root: join(repoRoot, "tests/fixtures/workspace") });
    const chatty = await fixtures.run("f/test/chatty", { tag: "c", lines: 2, delay_ms: 1 });
    await call("whoami", {});
    const { body } = await call("recent_jobs", {});
    expect(body.result.jobs.map((j: { id: string }) => j.id)).toEqual([chatty.job.id]);
    const withOwn = await call("recent_jobs", { include_console: true });
    expect(withOwn.body.result.jobs.map((j: { path: string }) => j.path)).toContain(`${APP}/whoami`);

    const logs = await call("job_logs", { job_id: chatty.job.id });
    expect(logs.body.result.lines).toEqual(["c line 0", "c line 1", "c done"]);
    expect(logs.body.result.job).toMatchObject({ id: chatty.job.id, status: "success", trigger: "cli" });
  });

  it("the viewer cannot replace the static db field, and bad input fails as a job", async () => {
    const { status, body } = await call("recent_jobs", { db: { host: "evil" }, limit: 1 });
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    expect((await call("recent_jobs", { limit: 0 })).body).toMatchObject({ success: false, error: { message: expect.stringContaining("limit must be") } });
    expect((await call("job_logs", { job_id: "00000000-0000-0000-0000-000000000000" })).body).toMatchObject({ success: false, error: { message: expect.stringContaining("no job") } });
  });

  it("wmill.d.ts matches the app's runnables (regenerate: npx tsx local/apphost/generate-dts.ts)", () => {
    const app = loadApp(repoRoot, APP);
    expect(readFileSync(wmillDtsPath(app), "utf8")).toBe(wmillDts(app, repoRoot));
  });
});
