// The staff console in a real browser: the server of `wm-local serve`, the
// console app bundled and framed by the raw-app host, its runnables answered
// over the postMessage bridge, against jobs a real runner recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { repoRoot } from "../../local/config.ts";
import { localUser } from "../../local/runtime/identity.ts";
import { startServer, type Served } from "../../local/serve.ts";
import type { Outcome } from "../../local/runtime/runner.ts";
import { launchBrowser, skipBrowserTests, type TestBrowser } from "../helpers/browser.ts";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { testRunner } from "../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
let db: TestDatabase;
let served: Served;
let browser: TestBrowser;
let chatty: Outcome;
let boom: Outcome;

describe.skipIf(skipBrowserTests)("staff console in Chromium", () => {
  beforeAll(async () => {
    db = await freshDatabase();
    served = await startServer({ runner: testRunner(db), port: 0, schedules: false });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await db?.drop();
  });

  it("refuses the console without the login token", async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`${served.url}/apps/f/console/console`);
    expect(res?.status()).toBe(401);
    expect(await page.textContent("body")).toContain("login token");
    await page.close();
  });

  it("says so when there are no jobs yet", async () => {
    const page = await browser.context.newPage();
    await page.goto(served.loginUrl);
    const empty = page.frameLocator("#app").getByTestId("empty");
    await empty.waitFor();
    expect(await empty.textContent()).toContain("No jobs yet");
    await page.close();
  });

  it("lists recent jobs with status and duration, and shows a job's logs", async () => {
    // Jobs recorded by a runner on the fixture scripts, in the same database the console reads.
    const jobsRunner = testRunner(db, { root: fixtures });
    chatty = await jobsRunner.run("f/test/chatty", { tag: "browser", lines: 3, delay_ms: 30 });
    boom = await jobsRunner.run("f/test/boom", { message: "it broke" });
    expect(chatty.status).toBe("success");
    const page = await browser.context.newPage();
    const res = await page.goto(served.loginUrl);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/apps/f/console/console");
    const app = page.frameLocator("#app");

    // whoami answered through the bridge: the developer is the viewer
    await expect.poll(() => app.getByTestId("viewer").textContent()).toContain(localUser().email);

    const row = app.locator(`tr[data-job-id="${chatty.job.id}"]`);
    await row.waitFor();
    expect(await row.locator(".path").textContent()).toBe("f/test/chatty");
    expect(await row.locator(".badge").textContent()).toBe("success");
    expect(await row.textContent()).toContain("cli");
    const ms = chatty.job.finished_at!.getTime() - chatty.job.started_at!.getTime();
    expect(await row.locator(".duration").textContent()).toBe(ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

    const failed = app.locator(`tr[data-job-id="${boom.job.id}"]`);
    expect(await failed.locator(".badge").textContent()).toBe("failure");
    // newest first
    const ids = await app.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job-id")));
    expect(ids.indexOf(boom.job.id)).toBeLessThan(ids.indexOf(chatty.job.id));
    // the console's own runnable jobs stay out of the list
    expect(await app.locator("tbody td.path", { hasText: "f/console/" }).count()).toBe(0);

    await row.click();
    const logs = app.getByTestId("logs");
    await logs.waitFor();
    expect((await logs.textContent())!.split("\n")).toEqual(["browser line 0", "browser line 1", "browser line 2", "browser done"]);
    expect(await app.getByTestId("job-detail").textContent()).toContain(chatty.job.id);

    await failed.click();
    await expect.poll(() => app.getByTestId("job-detail").textContent()).toContain("it broke");

    if (process.env.CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
    await page.close();
  });

  it("?as=<user> views the console as that staff member", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${served.url}/apps/f/console/console?as=felix`);
    await expect.poll(() => page.frameLocator("#app").getByTestId("viewer").textContent()).toContain("felix@shop.local");
    // the page runs several backends at once (whoami, recent_jobs): each is recorded as felix's app job
    const jobs = await db.sql`select path, trigger_kind, trigger_path from wm_local.jobs where end_user_email = 'felix@shop.local' order by path`;
    expect(jobs.map((j) => j.path)).toContain("f/console/console/whoami");
    for (const job of jobs) expect(job).toMatchObject({ trigger_kind: "app", trigger_path: "f/console/console" });
    await page.close();
  });

  it("shows a new job on the next refresh", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${served.url}/apps/f/console/console`);
    const app = page.frameLocator("#app");
    await app.locator(`tr[data-job-id="${chatty.job.id}"]`).waitFor();
    const later = await testRunner(db, { root: fixtures }).run("f/test/echo_args", { name: "later", count: 1 });
    await app.getByRole("button", { name: "Refresh" }).click();
    await app.locator(`tr[data-job-id="${later.job.id}"]`).waitFor();
    await page.close();
  });
});
