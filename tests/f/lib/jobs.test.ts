// The console's job-history seam: the wm_local tables under the local runner,
// Windmill's job API (here a stub server speaking it) in production.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { postgresResource } from "../../../local/bindings.ts";
import { JobStore } from "../../../local/runtime/jobs.ts";
import { closeAll } from "../../../f/lib/db.ts";
import { jobHistory, runningInWindmill } from "../../../f/lib/jobs.ts";
import { localJobHistory } from "../../../f/lib/jobs/local.ts";
import { windmillJobHistory } from "../../../f/lib/jobs/windmill.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";

let db: TestDatabase;
let store: JobStore;
const who = { created_by: "admin", email: "admin@shop.local" };

beforeAll(async () => {
  db = await freshDatabase();
  store = new JobStore(db.sql);
});
afterAll(async () => {
  await closeAll();
  await db.drop();
});

describe("which source", () => {
  it.each([
    [{}, false],
    [{ WM_TOKEN: "wm-local", WM_BASE_URL: "http://127.0.0.1:8484" }, false],
    [{ WM_TOKEN: "wm-local-Zx9a", BASE_INTERNAL_URL: "http://127.0.0.1:40123" }, false],
    [{ WM_TOKEN: "abc", BASE_INTERNAL_URL: "http://windmill:8000" }, true],
    [{ WM_TOKEN: "abc" }, false],
  ])("%j -> in Windmill: %s", (env, expected) => {
    expect(runningInWindmill(env)).toBe(expected);
  });

  it("jobHistory picks the local tables under the local runner's token", () => {
    const saved = process.env.WM_TOKEN;
    process.env.WM_TOKEN = "wm-local";
    try {
      expect(jobHistory(postgresResource(db.url)).source).toBe("local");
    } finally {
      if (saved === undefined) delete process.env.WM_TOKEN;
      else process.env.WM_TOKEN = saved;
    }
  });
});

describe("local history (wm_local)", () => {
  it("is empty on a fresh database", async () => {
    expect(await localJobHistory(postgresResource(db.url)).recent({ limit: 10 })).toEqual([]);
  });

  it("lists top-level jobs newest first, leaves out a path prefix, and shows a flow's step lines", async () => {
    const history = localJobHistory(postgresResource(db.url));
    const script = await store.create({ kind: "script", path: "f/a/one", args: {}, ...who });
    await store.appendLogs(script.id, ["one says hi"]);
    await store.finish(script.id, "success", { result: 1 });
    const flow = await store.create({ kind: "flow", path: "f/a/flow", args: {}, ...who, trigger_kind: "schedule", trigger_path: "f/a/nightly" });
    await store.appendLogs(flow.id, ["flow starts"]);
    const step = await store.create({ kind: "script", path: "f/a/step", args: {}, ...who, parent_job: flow.id, root_job: flow.id, flow_step_id: "load" });
    await store.appendLogs(step.id, ["step line 1", "step line 2"]);
    await store.finish(step.id, "failure", { error: { name: "Error", message: "step broke" } });
    await store.finish(flow.id, "failure", { error: { name: "Error", message: "step broke", step_id: "load" } });
    const mine = await store.create({ kind: "rawscript", path: "f/console/console/whoami", args: {}, ...who, trigger_kind: "app" });
    await store.finish(mine.id, "success", { result: {} });

    const all = await history.recent({ limit: 10 });
    expect(all.map((j) => j.path)).toEqual(["f/console/console/whoami", "f/a/flow", "f/a/one"]);
    const listed = await history.recent({ limit: 10, excludePathPrefix: "f/console/" });
    expect(listed.map((j) => j.path)).toEqual(["f/a/flow", "f/a/one"]);
    expect(listed[0]).toMatchObject({ id: flow.id, kind: "flow", status: "failure", trigger: "schedule", trigger_path: "f/a/nightly", created_by: "admin" });
    expect(listed[0].duration_ms).toBeGreaterThanOrEqual(0);
    expect(await history.recent({ limit: 1, excludePathPrefix: "f/console/" })).toHaveLength(1);

    const logs = (await history.logs(flow.id))!;
    expect(logs.lines).toEqual(["flow starts", "[load] step line 1", "[load] step line 2"]);
    expect(logs.error).toBe("step broke");
    expect((await history.logs(script.id))!.lines).toEqual(["one says hi"]);
  });

  it("a running job's duration is its run time so far", async () => {
    const running = await store.create({ kind: "script", path: "f/a/slow", args: {}, ...who });
    await new Promise((r) => setTimeout(r, 30));
    const [row] = await localJobHistory(postgresResource(db.url)).recent({ limit: 1 });
    expect(row).toMatchObject({ id: running.id, status: "running", finished_at: null });
    expect(row.duration_ms).toBeGreaterThanOrEqual(25);
  });

  it("logs of an unknown or malformed id are null", async () => {
    const history = localJobHistory(postgresResource(db.url));
    expect(await history.logs("00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(await history.logs("x'; drop table wm_local.jobs; --")).toBeNull();
  });
});

describe("Windmill history (job API)", () => {
  let server: Server;
  const requests: { url: string; auth?: string }[] = [];
  const completed = {
    type: "CompletedJob", id: "j-1", created_by: "olivia", created_at: "2026-11-28T10:00:00Z", started_at: "2026-11-28T10:00:01Z",
    completed_at: "2026-11-28T10:00:03Z", duration_ms: 2000, success: false, canceled: false, script_path: "f/sync/daily_sync",
    job_kind: "flow", permissioned_as: "u/olivia", is_flow_step: false, email: "olivia@shop.example", visible_to_owner: true, tag: "flow",
    is_skipped: false, trigger_kind: "schedule", schedule_path: "f/sync/daily", result: { error: { name: "Error", message: "ingest failed" } },
  };
  const queued = {
    type: "QueuedJob", id: "j-2", created_by: "admin", created_at: "2026-11-28T10:05:00Z", started_at: "2026-11-28T10:05:00Z", running: true,
    canceled: false, script_path: "f/console/recent_jobs", job_kind: "script", permissioned_as: "u/admin", is_flow_step: false,
    email: "admin@shop.example", visible_to_owner: true, tag: "bun", trigger_kind: "app",
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url!, auth: req.headers.authorization });
      const url = new URL(req.url!, "http://x");
      const send = (body: unknown) => {
        res.setHeader("content-type", typeof body === "string" ? "text/plain" : "application/json");
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      if (url.pathname === "/api/w/shop/jobs/list") return send([queued, completed]);
      if (url.pathname === "/api/w/shop/jobs_u/get/j-1") return send(completed);
      if (url.pathname === "/api/w/shop/jobs_u/get_flow_all_logs/j-1") return send("step a\nstep b\n");
      res.statusCode = 404;
      res.end("not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  async function inWindmill<T>(fn: () => Promise<T>): Promise<T> {
    const keys = ["WM_TOKEN", "BASE_INTERNAL_URL", "WM_WORKSPACE"] as const;
    const saved = keys.map((k) => process.env[k]);
    process.env.WM_TOKEN = "tok-123";
    process.env.BASE_INTERNAL_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    process.env.WM_WORKSPACE = "shop";
    try {
      expect(runningInWindmill()).toBe(true);
      return await fn();
    } finally {
      keys.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
    }
  }

  it("lists top-level jobs through JobService.listJobs with the job's token", async () => {
    const jobs = await inWindmill(() => windmillJobHistory().recent({ limit: 20, excludePathPrefix: "f/console/" }));
    const list = requests.find((r) => r.url.startsWith("/api/w/shop/jobs/list"))!;
    expect(list.auth).toBe("Bearer tok-123");
    const q = new URL(list.url, "http://x").searchParams;
    expect([q.get("per_page"), q.get("is_flow_step"), q.get("has_null_parent")]).toEqual(["80", "false", "true"]); // 4x: the console's own jobs are dropped after
    expect(jobs).toEqual([
      {
        id: "j-1", path: "f/sync/daily_sync", kind: "flow", status: "failure", trigger: "schedule", trigger_path: "f/sync/daily",
        created_by: "olivia", end_user_email: null, created_at: "2026-11-28T10:00:00Z", started_at: "2026-11-28T10:00:01Z",
        finished_at: "2026-11-28T10:00:03.000Z", duration_ms: 2000,
      },
    ]);
  });

  it("reads a flow's logs with every step (get_flow_all_logs) and its error", async () => {
    const logs = await inWindmill(() => windmillJobHistory().logs("j-1"));
    expect(logs).toMatchObject({ lines: ["step a", "step b"], error: "ingest failed", job: { id: "j-1", status: "failure" } });
  });
});
