// The raw-app host over real HTTP (startServer) with a real runner on a fresh
// database, against the fixture app tests/fixtures/workspace/f/test/demo__raw_app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { repoRoot } from "../../../local/config.ts";
import { localUser } from "../../../local/runtime/identity.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import { startServer, type Served } from "../../../local/serve.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
const APP = "f/test/demo";
let db: TestDatabase;
let runner: Runner;
let served: Served;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db, { root: fixtures });
  served = await startServer({ runner, port: 0, schedules: false });
});
afterAll(async () => {
  await served?.close();
  await db?.drop();
});

function api(path: string, init: RequestInit = {}) {
  return fetch(`${served.url}${path}`, { ...init, headers: { authorization: `Bearer ${served.token}`, ...(init.headers ?? {}) } });
}
async function run(runnable: string, args: unknown, query = "") {
  const res = await api(`/apps/api/${APP}/run/${runnable}${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) });
  return { status: res.status, body: (await res.json()) as any };
}
const jobCount = async () => (await db.sql`select count(*)::int as n from wm_local.jobs`)[0].n as number;

describe("login token", () => {
  it.each([
    ["GET", `/apps/${APP}`],
    ["GET", `/apps/frame/${APP}`],
    ["POST", `/apps/api/${APP}/run/hello`],
    ["GET", "/apps/api/job/00000000-0000-0000-0000-000000000000"],
  ])("%s %s without the token is 401 and runs nothing", async (method, path) => {
    const before = await jobCount();
    const res = await fetch(`${served.url}${path}`, { method, body: method === "POST" ? "{}" : undefined });
    expect(res.status).toBe(401);
    expect(await jobCount()).toBe(before);
  });

  it("a wrong token is refused too", async () => {
    const res = await fetch(`${served.url}/apps/${APP}`, { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
  });
});

describe("inline runnables", () => {
  it("runs backend/<id>.ts as job <app path>/<id>, triggered by the app, viewed by the developer", async () => {
    const { status, body } = await run("hello", { name: "Ada", times: 2 });
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    const me = localUser();
    expect(body.result).toEqual({ greeting: "hello Adahello Ada", end_user: me.email, email: me.email, job_path: `${APP}/hello` });
    const job = (await runner.jobs.get(body.job_id))!;
    expect(job).toMatchObject({ kind: "rawscript", path: `${APP}/hello`, status: "success", trigger_kind: "app", trigger_path: APP, end_user_email: me.email, created_by: me.username });
    const logs = await runner.jobs.logs(body.job_id);
    expect(logs.map((l) => l.line)).toContain("greeting Ada");
  });

  it("?as=<user> makes that staff member the viewer (WM_END_USER_EMAIL); publisher mode keeps the job's user", async () => {
    const { body } = await run("hello", { name: "Felix" }, "?as=felix");
    expect(body.result.end_user).toBe("felix@shop.local");
    expect(body.result.email).toBe(localUser().email);
    expect((await runner.jobs.get(body.job_id))!.end_user_email).toBe("felix@shop.local");
  });

  it("an unknown ?as= user is refused with the known ones", async () => {
    const before = await jobCount();
    const { status, body } = await run("hello", { name: "x" }, "?as=mallory");
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/unknown viewer "mallory".*felix/);
    expect(await jobCount()).toBe(before);
  });
});

describe("script references", () => {
  it("runs the referenced script with the app's static fields over the frontend's args", async () => {
    const { status, body } = await run("echo", { name: "n", count: 1 });
    expect(status).toBe(200);
    expect(body.result).toEqual({ name: "n", count: 7, flag: false, tags: [] });
    expect(await runner.jobs.get(body.job_id)).toMatchObject({ kind: "script", path: "f/test/echo_args", trigger_kind: "app", trigger_path: APP });
  });

  it("a failing job answers success: false with its error", async () => {
    const { status, body } = await run("boom", { message: "kaput" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: false, error: { name: "Error", message: "kaput" } });
    expect((await runner.jobs.get(body.job_id))!.status).toBe("failure");
  });
});

describe("argument checks", () => {
  it.each([
    ["hello", {}, 'missing required argument "name"'],
    ["hello", { name: 1 }, 'argument "name" must be a string, got number 1'],
    ["hello", { name: "a", extra: true }, 'unknown argument "extra"'],
    ["echo", { name: "a", flag: "yes" }, 'argument "flag" must be a boolean'],
    ["hello", [1], "must be a JSON object"],
  ])("%s %j is a 400 before any job", async (runnable, args, message) => {
    const before = await jobCount();
    const { status, body } = await run(runnable, args);
    expect(status).toBe(400);
    expect(body.error.name).toBe("ArgsError");
    expect(body.error.message).toContain(message);
    expect(await jobCount()).toBe(before);
  });

  it("a body that is not JSON is a 400", async () => {
    const res = await api(`/apps/api/${APP}/run/hello`, { method: "POST", body: "{name:" });
    expect(res.status).toBe(400);
  });
});

describe("unknown and unsupported", () => {
  it("an unknown runnable is a 404 naming the app's runnables", async () => {
    const { status, body } = await run("nope", {});
    expect(status).toBe(404);
    expect(body.error.message).toContain("no runnable \"nope\"");
    expect(body.error.message).toContain("hello");
  });

  it("a Python runnable fails loudly: only TypeScript runs locally", async () => {
    const { status, body } = await run("report", {});
    expect(status).toBe(501);
    expect(body.error.message).toMatch(/python3.*only TypeScript runnables run locally/);
  });

  it("an unknown app is a 404", async () => {
    const { status } = await api(`/apps/api/f/test/nope/run/hello`, { method: "POST", body: "{}" }).then((r) => ({ status: r.status }));
    expect(status).toBe(404);
    expect((await api(`/apps/f/test/nope`)).status).toBe(404);
  });
});

describe("backendAsync, getJob, waitJob, streamJob", () => {
  it("async returns the job id at once; getJob shows it; wait resolves with the result", async () => {
    const t0 = Date.now();
    const { status, body } = await run("chatty", { tag: "async", lines: 4, delay_ms: 150 }, "?async=1");
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["job_id"]);
    expect(Date.now() - t0).toBeLessThan(500);

    const queued = await (await api(`/apps/api/job/${body.job_id}`)).json();
    expect(queued).toMatchObject({ type: "QueuedJob", id: body.job_id, running: true, script_path: "f/test/chatty", trigger_kind: "app" });

    const waited = await (await api(`/apps/api/job/${body.job_id}/wait`)).json();
    expect(waited).toEqual({ success: true, result: "async" });

    const done = await (await api(`/apps/api/job/${body.job_id}`)).json();
    expect(done).toMatchObject({ type: "CompletedJob", success: true, result: "async", job_kind: "script" });
    expect(done.duration_ms).toBeGreaterThanOrEqual(4 * 150 - 50);
  });

  it("getJob of a failed job carries {error} as Windmill's does; wait answers the error", async () => {
    const { body } = await run("boom", { message: "late" }, "?async=1");
    const waited = await (await api(`/apps/api/job/${body.job_id}/wait`)).json();
    expect(waited).toEqual({ success: false, error: { name: "Error", message: "late" } });
    const job = await (await api(`/apps/api/job/${body.job_id}`)).json();
    expect(job).toMatchObject({ type: "CompletedJob", success: false, result: { error: { message: "late" } } });
  });

  it("an unknown job is a 404", async () => {
    expect((await api(`/apps/api/job/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await api(`/apps/api/job/00000000-0000-0000-0000-000000000000/wait`)).status).toBe(404);
    expect((await api(`/apps/api/job/not-a-uuid`)).status).toBe(404);
  });

  it("stream sends the result stream as it grows, then the result", async () => {
    const { body } = await run("stream", { parts: ["hello ", "streamed\nworld"] }, "?async=1");
    const res = await api(`/apps/api/job/${body.job_id}/stream`);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(await res.text());
    const updates = events.filter((e) => e.event === "update").map((e) => JSON.parse(e.data));
    expect(updates.length).toBeGreaterThanOrEqual(2); // one per part: it streams, not one lump at the end
    expect(updates.map((u) => u.new_result_stream).join("")).toBe("hello streamed\nworld");
    expect(updates.at(-1).stream_offset).toBe("hello streamed\nworld".length);
    expect(events.at(-1)).toEqual({ event: "completed", data: JSON.stringify({ success: true, result: 2 }) });
  });
});

describe("pages", () => {
  it("the host page frames the app and carries the bridge", async () => {
    const res = await api(`/apps/${APP}?as=dana`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<iframe id="app" title="${APP}" src="/apps/frame/${APP}?as=dana"`);
    expect(html).toContain('"as":"dana"');
    expect(html).toContain("/apps/api");
  });

  it("the frame is the bundled app with ./wmill provided and the viewer in window.ctx", async () => {
    const res = await api(`/apps/frame/${APP}?as=dana`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('"email":"dana@shop.local"');
    expect(html).toContain('"groups":["design"]');
    expect(html).toContain("backendAsyncRes"); // the provided wmill module is in the bundle
    expect(html).not.toMatch(/<\/script>[^]*<\/script>[^]*<\/script>[^]*<\/script>/); // exactly two scripts
  });

  it("the app list names the app", async () => {
    const html = await (await api(`/apps/`)).text();
    expect(html).toContain(`href="/apps/${APP}"`);
  });
});

function parseSse(text: string): { event: string; data: string }[] {
  return text
    .split("\n\n")
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split("\n");
      return {
        event: lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message",
        data: lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n"),
      };
    });
}
