// `wm-local serve`: the console (raw apps), the HTTP triggers and the
// scheduler, on 127.0.0.1, behind a login token.
import { serve as serveHttp, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { parse, UsageError } from "./cli.ts";
import { appHost } from "./apphost/index.ts";
import { newToken, requireToken } from "./server/auth.ts";
import { openSession } from "./session.ts";
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
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<Served> {
  const token = opts.token ?? newToken();
  const app = new Hono();
  // Mounted first: HTTP triggers decide their own authentication.
  // (HTTP triggers and the scheduler are mounted here as they land.)
  const host = appHost({ runner: opts.runner });
  app.use("*", requireToken(token));
  app.route("/", host.routes);
  app.get("/", (c) => c.redirect(host.apps[0] ? `/apps/${host.apps[0]}` : "/apps/", 302));

  const server: ServerType = await new Promise((resolve) => {
    const s = serveHttp({ fetch: app.fetch, port: opts.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  opts.runner.baseUrl = url;
  return {
    url,
    loginUrl: `${url}/?token=${token}`,
    token,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: "string" } });
  const port = values.port === undefined ? 8484 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const session = await openSession({ log: (m) => console.error(m) });
  const served = await startServer({ runner: session.runner, port, schedules: true, log: (l) => console.error(l) });
  console.log(`console: ${served.loginUrl}`);
  await waitForSignal();
  await served.close();
  await session.close();
  return 0;
}

export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
