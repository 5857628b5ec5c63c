// `wm-local serve`: the console (raw apps), the HTTP triggers and the
// scheduler, on 127.0.0.1, behind a login token.
import { Hono } from "hono";
import { parse, UsageError } from "./cli.ts";
import { appHost } from "./apphost/index.ts";
import { newToken, requireToken } from "./server/auth.ts";
import { listenLocal, portOf } from "./server/listen.ts";
import { loadHttpTriggers, type HttpTrigger } from "./server/triggers/load.ts";
import { httpTriggerRoutes, ROUTE_PREFIX } from "./server/triggers/routes.ts";
import { loadSchedules } from "./scheduler/load.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { openSession, type Session } from "./session.ts";
import { sendSimulatorWebhooksTo } from "./services/simulator.ts";
import type { Runner } from "./runtime/runner.ts";

export interface ServeOptions {
  runner: Runner;
  port?: number;
  token?: string;
  /** Start the scheduler (off in tests that drive time themselves). */
  schedules?: boolean;
  log?: (line: string) => void;
}

export interface Served {
  url: string;
  loginUrl: string;
  token: string;
  port: number;
  triggers: HttpTrigger[];
  /** Present when started with `schedules: true`. */
  scheduler?: Scheduler;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<Served> {
  const token = opts.token ?? newToken();
  const log = opts.log ?? (() => {});
  // Both loaders throw, naming the file, on anything invalid or unsupported.
  const triggers = loadHttpTriggers(opts.runner.root, opts.runner.workspace);
  const scheduler = opts.schedules ? new Scheduler({ runner: opts.runner, schedules: loadSchedules(opts.runner.root), log }) : undefined;

  const app = new Hono();
  // Mounted first: HTTP triggers decide their own authentication.
  app.route("/", httpTriggerRoutes({ runner: opts.runner, triggers, token, log }));
  const host = appHost({ runner: opts.runner });
  app.use("*", requireToken(token));
  app.route("/", host.routes);
  app.get("/", (c) => c.redirect(host.apps[0] ? `/apps/${host.apps[0]}` : "/apps/", 302));

  const server = await listenLocal(app.fetch, opts.port ?? 0);
  const port = portOf(server);
  const url = `http://127.0.0.1:${port}`;
  opts.runner.baseUrl = url;
  scheduler?.start();
  return {
    url,
    loginUrl: `${url}/?token=${token}`,
    token,
    port,
    triggers,
    scheduler,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler?.stop();
    },
  };
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: "string" } });
  const port = values.port === undefined ? 8484 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const session = await openSession({ log: (m) => console.error(m) });
  await serveUntilSignal(session, port);
  return 0;
}

/**
 * Serves a session until SIGINT/SIGTERM, then closes it: `wm-local serve` and
 * `npm start`. The embedded simulator's webhooks go to our webhook route.
 */
export async function serveUntilSignal(session: Session, port: number): Promise<void> {
  let served: Served;
  try {
    served = await startServer({ runner: session.runner, port, schedules: true, log: (l) => console.error(l) });
    const webhookRoute = served.triggers.find((t) => t.script_path === "f/sync/shopify_webhook");
    if (session.services.simulated && webhookRoute) {
      const url = `${served.url}${ROUTE_PREFIX}${webhookRoute.fullRoute}`;
      await sendSimulatorWebhooksTo(await session.services.shopify(), url);
      console.error(`simulator webhooks -> ${url}`);
    }
  } catch (e) {
    await session.close();
    throw e;
  }
  console.log(describeServed(served).join("\n"));
  await waitForSignal();
  console.error("stopping: waiting for running scheduled jobs...");
  await served.close();
  await session.close();
  console.error("stopped");
}

/** What `wm-local serve` prints: the login URL, the routes, the schedules. */
export function describeServed(served: Served, now = new Date()): string[] {
  const lines = [`console: ${served.loginUrl}`];
  lines.push(served.triggers.length ? "HTTP routes:" : "HTTP routes: none");
  for (const t of served.triggers) {
    lines.push(`  ${t.http_method.toUpperCase().padEnd(6)} ${served.url}${ROUTE_PREFIX}${t.fullRoute}  -> ${t.is_flow ? "flow" : "script"} ${t.script_path} (${t.request_type}, auth ${t.authentication_method})`);
  }
  const schedules = served.scheduler?.schedules ?? [];
  lines.push(schedules.length ? "schedules:" : "schedules: none");
  for (const s of schedules) {
    const next = s.enabled ? s.cron.nextRun(now)?.toISOString() ?? "never" : "disabled";
    lines.push(`  ${s.path}  "${s.schedule}" ${s.timezone} -> ${s.script_path}  next: ${next}`);
  }
  return lines;
}

/** Resolves on the first SIGINT/SIGTERM; a second one while stopping only says so. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) return console.error(`${signal}: already stopping`);
      received = true;
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
