// Serves the workspace's HTTP triggers at /api/r/<route_path>, as Windmill
// does (windmill-api triggers/http/handler.rs): match method and route (with
// :params), authenticate, build the runnable's args or preprocessor event,
// then answer with the result (sync) or the job id (async).
import { Hono, type Context } from "hono";
import { ArgsError } from "../../runtime/args.ts";
import { localUser } from "../../runtime/identity.ts";
import type { Runner, RunOptions } from "../../runtime/runner.ts";
import { keepDeclaredArgs } from "../declared-args.ts";
import { checkAuth } from "./auth.ts";
import type { HttpTrigger } from "./load.ts";
import { mainArgs, parseRequest, preprocessorEvent, RequestError, type ParsedRequest } from "./request.ts";
import { resultToResponse } from "./response.ts";

export const ROUTE_PREFIX = "/api/r/";

interface CompiledRoute {
  trigger: HttpTrigger;
  pattern: RegExp;
  params: string[];
}

export interface HttpTriggerOptions {
  runner: Runner;
  triggers: HttpTrigger[];
  /** The login token, which `authentication_method: windmill` requires. */
  token: string;
  log?: (line: string) => void;
}

export function httpTriggerRoutes(opts: HttpTriggerOptions): Hono {
  const routes = opts.triggers.map(compile);
  const app = new Hono();
  app.use(`${ROUTE_PREFIX}*`, cors);
  // Windmill answers HEAD and OPTIONS on any route with an empty 200.
  app.on(["HEAD", "OPTIONS"], `${ROUTE_PREFIX}*`, (c) => c.body(""));
  app.all(`${ROUTE_PREFIX}*`, (c) => handle(c, routes, opts));
  return app;
}

function compile(trigger: HttpTrigger): CompiledRoute {
  const params: string[] = [];
  const source = trigger.fullRoute
    .split("/")
    .map((seg) => (seg.startsWith(":") ? (params.push(seg.slice(1)), "([^/]+)") : seg.replace(/[-\\^$.*+?()[\]{}|]/g, "\\$&")))
    .join("/");
  return { trigger, pattern: new RegExp(`^${source}$`), params };
}

async function handle(c: Context, routes: CompiledRoute[], opts: HttpTriggerOptions): Promise<Response> {
  const method = c.req.method.toLowerCase();
  if (!["get", "post", "put", "delete", "patch"].includes(method)) return c.text("Invalid HTTP method", 400);
  let calledPath: string;
  try {
    calledPath = decodeURI(new URL(c.req.url).pathname.slice(ROUTE_PREFIX.length)).replace(/\/+$/, "");
  } catch {
    return c.text("malformed URL encoding", 400);
  }
  const match = findRoute(routes, method, calledPath);
  if (!match) return c.text(`Not found: Trigger not found at /${calledPath}`, 404);
  const { trigger, params } = match;

  let req: ParsedRequest;
  try {
    // Signature and custom-script auth need the exact bytes, so Windmill forces raw.
    const useRaw = trigger.raw_string || trigger.authentication_method === "signature" || trigger.authentication_method === "custom_script";
    req = await parseRequest(c.req.raw, useRaw);
  } catch (e) {
    if (e instanceof RequestError) return c.text(e.message, e.status as 400);
    throw e;
  }
  const refusal = checkAuth(c, trigger, req.rawString, opts.token, opts.runner.resources);
  if (refusal) {
    const headers = { ...refusal.headers, ...(refusal.json ? { "content-type": "application/json" } : {}) };
    return new Response(refusal.body, { status: refusal.status, headers });
  }

  const runOpts: RunOptions = { user: localUser(), trigger: { kind: "http", path: trigger.path } };
  let args: Record<string, unknown>;
  if (trigger.hasPreprocessor) {
    const event = preprocessorEvent(trigger, req, calledPath, params);
    runOpts.preprocessorEvent = event;
    // What the job row keeps: the event, minus the credentials it arrived with.
    args = { event: { ...event, headers: redact(event.headers) } };
  } else {
    args = keepDeclaredArgs(opts.runner.root, trigger.script_path, mainArgs(req, trigger.wrap_body));
  }

  let started;
  try {
    started = await opts.runner.start(trigger.script_path, args, runOpts);
  } catch (e) {
    if (e instanceof ArgsError) return c.json({ error: { name: e.name, message: e.message } }, 400);
    throw e;
  }
  opts.log?.(`${method.toUpperCase()} /api/r/${calledPath} -> ${trigger.script_path} job ${started.job.id}`);
  if (trigger.request_type === "async") {
    started.done.catch((e) => opts.log?.(`job ${started.job.id} of ${trigger.path}: ${(e as Error).message}`));
    return c.text(started.job.id, 201);
  }
  const outcome = await started.done;
  if (outcome.status === "success") return resultToResponse(outcome.result, true);
  return resultToResponse({ error: outcome.error ?? { name: "Error", message: `job ended ${outcome.status}` } }, false);
}

function findRoute(routes: CompiledRoute[], method: string, calledPath: string): { trigger: HttpTrigger; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.trigger.http_method !== method) continue;
    const m = r.pattern.exec(calledPath);
    if (m) return { trigger: r.trigger, params: Object.fromEntries(r.params.map((p, i) => [p, m[i + 1]])) };
  }
  return undefined;
}

function redact(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  for (const k of ["authorization", "cookie"]) if (k in out) out[k] = "<redacted>";
  return out;
}

/** Windmill's conditional CORS: adds the headers the runnable did not set. */
async function cors(c: Context, next: () => Promise<void>): Promise<void> {
  await next();
  const h = c.res.headers;
  if (!h.has("access-control-allow-origin")) h.set("access-control-allow-origin", "*");
  if (!h.has("access-control-allow-methods")) h.set("access-control-allow-methods", "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
  if (!h.has("access-control-allow-headers")) h.set("access-control-allow-headers", "content-type, authorization");
}
