// The raw-app host of `wm-local serve`: every f/**/<name>__raw_app is served
// at /apps/<path> the way Windmill serves it (the bundle in an iframe, its
// backend calls answered over postMessage), with the runnables run as jobs by
// the local runner. Mounted behind the login token by serve.ts.
//
//   GET  /apps/                           the list of apps
//   GET  /apps/<app path>[?as=<user>]     the host page (iframe + bridge)
//   GET  /apps/frame/<app path>           the framed document with the bundle
//   POST /apps/api/<app path>/run/<id>[?as=<user>][&async=1]
//        body: the runnable's args   -> {job_id, success, result | error}  (async: {job_id})
//   GET  /apps/api/job/<id>               the job as Windmill's getJob returns it
//   GET  /apps/api/job/<id>/wait          -> {success, result | error} once it ends
//   GET  /apps/api/job/<id>/stream        SSE: "update" {new_result_stream, stream_offset}, then "completed"
//
// `?as=<username>` chooses the viewer (default: the developer, WM_LOCAL_USER
// or admin): it becomes WM_END_USER_EMAIL, and the job's user in viewer mode.
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { ArgsError } from "../runtime/args.ts";
import type { Runner } from "../runtime/runner.ts";
import { UnknownPathError } from "../runtime/workspace.ts";
import { listApps, loadApp, UnknownAppError } from "./apps.ts";
import { BundleError, Bundler } from "./bundle.ts";
import { isFinished, outcomeOf, resultStreamOf, waitForJob, windmillJob } from "./jobs.ts";
import { errorPage, framePage, hostPage, indexPage } from "./pages.ts";
import { startRunnable, UnknownRunnableError, UnsupportedRunnableError } from "./run.ts";
import { UnknownViewerError, viewerFor } from "./viewer.ts";

export interface AppHostOptions {
  runner: Runner;
  root?: string;
}

const BRIDGE = fileURLToPath(new URL("./client/bridge.ts", import.meta.url));
const RUN_ROUTE = /^\/apps\/api\/(.+)\/run\/([^/]+)$/;

/** Routes under /apps/... (behind the login token, mounted by serve.ts). */
export function appHost(opts: AppHostOptions): { routes: Hono; apps: string[] } {
  const root = opts.root ?? opts.runner.root;
  const runner = opts.runner;
  const bundler = new Bundler();
  const routes = new Hono();
  const noStore = { "cache-control": "no-store" };

  routes.post("/apps/api/*", async (c) => {
    const m = RUN_ROUTE.exec(c.req.path);
    if (!m) return c.json({ error: { name: "NotFound", message: `no API route ${c.req.path}` } }, 404);
    const [, appPath, runnableId] = m;
    return answerJson(c, async () => {
      const app = loadApp(root, appPath);
      const viewer = viewerFor(c.req.query("as"), root);
      const args = await bodyArgs(c);
      const { job, done } = await startRunnable(runner, app, decodeURIComponent(runnableId), args, viewer);
      if (c.req.query("async") === "1") return { job_id: job.id };
      await done;
      // A flow suspended at an approval step ends later (resumed elsewhere): keep waiting, as Windmill's waitJob does.
      const row = await waitForJob(runner, job.id, c.req.raw.signal);
      return { job_id: job.id, ...outcomeOf(row) };
    });
  });

  routes.get("/apps/api/job/:id", (c) =>
    answerJson(c, async () => {
      const row = await runner.jobs.get(c.req.param("id"));
      if (!row) throw new NoJobError(c.req.param("id"));
      return windmillJob(row, runner.workspace);
    }),
  );

  routes.get("/apps/api/job/:id/wait", (c) =>
    answerJson(c, async () => {
      const id = c.req.param("id");
      if (!(await runner.jobs.get(id))) throw new NoJobError(id);
      return outcomeOf(await waitForJob(runner, id, c.req.raw.signal));
    }),
  );

  routes.get("/apps/api/job/:id/stream", async (c) => {
    const id = c.req.param("id");
    if (!(await runner.jobs.get(id))) return c.json({ error: { name: "NotFound", message: `no job ${id}` } }, 404);
    return streamSSE(c, async (sse) => {
      let stopped = false;
      sse.onAbort(() => void (stopped = true));
      let afterSeq = 0;
      let streamed = "";
      for (;;) {
        const row = (await runner.jobs.get(id))!;
        const lines = await runner.jobs.logs(id, afterSeq);
        if (lines.length) afterSeq = lines[lines.length - 1].seq;
        const chunk = resultStreamOf(lines.filter((l) => l.job_id === id).map((l) => l.line));
        if (chunk) {
          streamed += chunk;
          await sse.writeSSE({ event: "update", data: JSON.stringify({ new_result_stream: chunk, stream_offset: streamed.length }) });
        }
        if (isFinished(row.status)) {
          await sse.writeSSE({ event: "completed", data: JSON.stringify(outcomeOf(row)) });
          return;
        }
        if (stopped) return;
        await sse.sleep(100);
      }
    });
  });

  routes.get("/apps/frame/*", async (c) => {
    const path = c.req.path.slice("/apps/frame/".length);
    return page(c, async () => {
      const app = loadApp(root, path);
      const viewer = viewerFor(c.req.query("as"), root);
      const bundle = await bundler.get(join(app.dir, "index.tsx"));
      return framePage(app, bundle, viewer, runner.workspace);
    });
  });

  routes.get("/apps", (c) => c.redirect("/apps/", 302));
  routes.get("/apps/", (c) => c.html(indexPage(listApps(root)), 200, noStore));

  routes.get("/apps/*", async (c) => {
    const path = c.req.path.slice("/apps/".length).replace(/\/$/, "");
    return page(c, async () => {
      const app = loadApp(root, path);
      const as = c.req.query("as") ?? null;
      viewerFor(as ?? undefined, root); // refuse an unknown viewer before rendering
      const bridge = await bundler.get(BRIDGE, { minify: false });
      return hostPage(app, as, bridge.js);
    });
  });

  async function page(c: Context, render: () => Promise<string>) {
    try {
      return c.html(await render(), 200, noStore);
    } catch (e) {
      const { status, error } = describe(e);
      return c.html(errorPage(error.name, error.message), status, noStore);
    }
  }

  return { routes, apps: listApps(root) };
}

class NoJobError extends Error {
  override name = "NotFound";
  constructor(id: string) {
    super(`no job ${id}`);
  }
}

async function bodyArgs(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ArgsError("the request body must be the runnable's arguments as a JSON object");
  }
}

async function answerJson(c: Context, work: () => Promise<unknown>) {
  try {
    return c.json(await work());
  } catch (e) {
    const { status, error } = describe(e);
    return c.json({ error }, status);
  }
}

function describe(e: unknown): { status: 400 | 404 | 500 | 501; error: { name: string; message: string } } {
  const error = e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) };
  if (e instanceof ArgsError || e instanceof UnknownViewerError) return { status: 400, error };
  if (e instanceof UnknownAppError || e instanceof UnknownRunnableError || e instanceof UnknownPathError || e instanceof NoJobError) {
    return { status: 404, error };
  }
  if (e instanceof UnsupportedRunnableError) return { status: 501, error };
  if (e instanceof BundleError) return { status: 500, error };
  if (e instanceof Error && /^invalid path/.test(e.message)) return { status: 404, error: { name: "NotFound", message: e.message } };
  return { status: 500, error };
}
