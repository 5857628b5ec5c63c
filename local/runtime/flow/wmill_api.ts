// A minimal stand-in for the Windmill API that windmill-client calls from
// inside a job, so scripts using it run locally: getVariable, getResource,
// setProgress/getProgress and getResumeUrls (whose resume/cancel URLs resume
// the suspended flow while this process lives). One server per process on
// 127.0.0.1, started on the first job; each job gets its own token
// (WM_TOKEN) naming its runner and job. Anything else answers 501 naming the
// endpoint.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { identityFor, localUser } from "../identity.ts";
import type { JobRow } from "../jobs.ts";
import type { Runner } from "../runner.ts";

interface JobGrant {
  runner: Runner;
  job: JobRow;
  log: (line: string) => void;
}

export interface LocalApi {
  url: string;
  /** A token for one job's windmill-client calls; revoke it when the job ends. */
  grant(runner: Runner, job: JobRow, log: (line: string) => void): { token: string; revoke(): void };
}

const grants = new Map<string, JobGrant>();
/** step job id -> the runner that handed out its resume URLs */
const resumers = new Map<string, Runner>();
const progress = new Map<string, number>();
const secret = randomBytes(32);
let started: Promise<LocalApi> | undefined;

export function localApi(): Promise<LocalApi> {
  started ??= start();
  return started;
}

async function start(): Promise<LocalApi> {
  const app = new Hono();
  let url = "";
  app.use("/api/w/:ws/*", async (c, next) => {
    if (c.req.path.includes("/jobs_u/") || c.req.path.includes("/approve/")) return next(); // signed URLs
    const token = (c.req.header("authorization") ?? "").replace(/^Bearer\s+/i, "");
    const grant = grants.get(token);
    if (!grant) return c.json({ error: "invalid or expired job token" }, 401);
    c.set("grant" as never, grant as never);
    return next();
  });
  const grantOf = (c: Context) => c.get("grant" as never) as JobGrant;

  app.get("/api/w/:ws/variables/get_value/*", (c) => lookup(c, () => grantOf(c).runner.resources.variable(pathAfter(c, "/variables/get_value/"))));
  app.get("/api/w/:ws/resources/get_value_interpolated/*", async (c) => {
    const path = pathAfter(c, "/resources/get_value_interpolated/");
    const { resources } = grantOf(c).runner;
    await resources.warm(`$res:${path}`).catch(() => {});
    return lookup(c, () => resources.resource(path));
  });
  app.post("/api/w/:ws/job_metrics/set_progress/:id", async (c) => {
    const { percent } = (await c.req.json()) as { percent?: number };
    const id = c.req.param("id");
    const value = Math.max(progress.get(id) ?? 0, Math.min(99, Math.floor(Number(percent) || 0)));
    progress.set(id, value);
    if (id === grantOf(c).job.id) grantOf(c).log(`[progress] ${value}%`);
    return c.json(null);
  });
  app.get("/api/w/:ws/job_metrics/get_progress/:id", (c) => c.json(progress.get(c.req.param("id")) ?? null));
  app.get("/api/w/:ws/jobs/resume_urls/:id/:resumeId", (c) => {
    const { ws, id, resumeId } = c.req.param();
    const approver = c.req.query("approver") ?? "";
    const sig = sign(id, resumeId, approver);
    resumers.set(id, grantOf(c).runner);
    const q = approver ? `?approver=${encodeURIComponent(approver)}` : "";
    return c.json({
      approvalPage: `${url}/api/w/${ws}/approve/${id}/${resumeId}/${sig}${q}`,
      resume: `${url}/api/w/${ws}/jobs_u/resume/${id}/${resumeId}/${sig}${q}`,
      cancel: `${url}/api/w/${ws}/jobs_u/cancel/${id}/${resumeId}/${sig}${q}`,
    });
  });
  for (const action of ["resume", "cancel"] as const) {
    const handler = async (c: Context) => {
      const { id, resumeId, sig } = c.req.param() as Record<string, string>;
      const approver = c.req.query("approver") ?? "";
      if (!verify(id, resumeId, approver, sig)) return c.json({ error: "invalid signature" }, 401);
      const payload = c.req.method === "POST" ? await c.req.json().catch(() => ({})) : {};
      return answer(c, id, action === "resume", payload, approver);
    };
    app.post(`/api/w/:ws/jobs_u/${action}/:id/:resumeId/:sig`, handler);
    app.get(`/api/w/:ws/jobs_u/${action}/:id/:resumeId/:sig`, handler);
  }
  app.get("/api/w/:ws/approve/:id/:resumeId/:sig", (c) => {
    const { id, resumeId, sig } = c.req.param();
    const approver = c.req.query("approver") ?? "";
    if (!verify(id, resumeId, approver, sig)) return c.text("invalid signature", 401);
    const base = c.req.url.replace("/approve/", "/jobs_u/{action}/");
    return c.html(
      `<!doctype html><title>Approve flow</title><p>Flow step job ${id} waits for approval.</p>` +
        `<form method="post" action="${base.replace("{action}", "resume")}"><button>Approve</button></form>` +
        `<form method="post" action="${base.replace("{action}", "cancel")}"><button>Reject</button></form>`,
    );
  });
  app.all("*", (c) => c.json({ error: `${c.req.method} ${c.req.path} is not supported by the local Windmill API (only getVariable, getResource, setProgress, getProgress, getResumeUrls)` }, 501));

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  server.unref();
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await pointClientHere(url);
  return {
    url,
    grant(runner, job, log) {
      const token = `wm-local-${randomBytes(18).toString("base64url")}`;
      grants.set(token, { runner, job, log });
      return {
        token,
        revoke: () => {
          grants.delete(token);
          progress.delete(job.id);
        },
      };
    },
  };
}

/**
 * windmill-client reads its base URL and token once, when first imported;
 * jobs share one process here, so make it read the current job's WM_TOKEN
 * (per job through the job's env) on every request.
 */
async function pointClientHere(url: string): Promise<void> {
  const { OpenAPI } = await import("windmill-client");
  OpenAPI.BASE = `${url}/api`;
  OpenAPI.TOKEN = async () => process.env.WM_TOKEN ?? "";
}

async function lookup(c: Context, read: () => unknown): Promise<Response> {
  try {
    return c.json(read());
  } catch (e) {
    return c.json({ error: (e as Error).message }, 404);
  }
}

function pathAfter(c: Context, marker: string): string {
  return decodeURIComponent(c.req.path.slice(c.req.path.indexOf(marker) + marker.length));
}

async function answer(c: Context, jobId: string, approved: boolean, payload: unknown, approver: string): Promise<Response> {
  const runner = resumers.get(jobId);
  if (!runner) return c.json({ error: `no resume URLs were issued for job ${jobId} by this process` }, 404);
  const step = await runner.jobs.get(jobId);
  if (!step) return c.json({ error: `no job ${jobId}` }, 404);
  const flowId = step.kind === "flow" && !step.parent_job ? step.id : (step.parent_job ?? step.id);
  const flow = await runner.jobs.get(flowId);
  if (flow?.status !== "suspended") return c.json({ error: `job ${flowId} is ${flow?.status}, not a suspended flow` }, 400);
  const who = approver ? identityFor(approver) : localUser();
  void runner.resume(flowId, { approved, payload, approver: who }).catch((e) => console.error(`resuming ${flowId}: ${(e as Error).message}`));
  return c.json({ flow: flowId, [approved ? "resumed" : "canceled"]: true });
}

function sign(id: string, resumeId: string, approver: string): string {
  return createHmac("sha256", secret).update(`${id}/${resumeId}/${approver}`).digest("base64url");
}

function verify(id: string, resumeId: string, approver: string, sig: string): boolean {
  const expected = Buffer.from(sign(id, resumeId, approver));
  const given = Buffer.from(sig ?? "");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
