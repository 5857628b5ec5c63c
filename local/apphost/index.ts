// Placeholder: the raw-app host (bundles f/**/<name>__raw_app with esbuild and
// serves it with Windmill's postMessage protocol) is being built.
import { Hono } from "hono";
import type { Runner } from "../runtime/runner.ts";

export interface AppHostOptions {
  runner: Runner;
  root?: string;
}

/** Routes under /apps/... (behind the login token, mounted by serve.ts). */
export function appHost(_opts: AppHostOptions): { routes: Hono; apps: string[] } {
  const routes = new Hono();
  routes.get("/apps/*", (c) => c.text("the raw-app host is not implemented yet", 501));
  return { routes, apps: [] };
}
