// Bundles a raw app's frontend with esbuild the way `wmill sync push` does
// (entry index.tsx, iife for the browser, `./wmill` provided by the host),
// in memory. A bundle is rebuilt when any file it was built from changes.
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";

export interface Bundle {
  js: string;
  css: string;
  builtAt: Date;
  ms: number;
}

export class BundleError extends Error {
  override name = "BundleError";
}

const WMILL_MODULE = fileURLToPath(new URL("./client/wmill.ts", import.meta.url));
/** The specifiers Windmill's bundler redirects to its wmill module. */
const WMILL_IMPORT = /^(\.\.\/)+wmill(\.ts)?$|^(\.\/|\/)?wmill(\.ts)?$/;

const wmillPlugin: esbuild.Plugin = {
  name: "wmill-provided",
  setup(build) {
    build.onResolve({ filter: WMILL_IMPORT }, () => ({ path: WMILL_MODULE }));
  },
};

interface Cached {
  bundle: Bundle;
  inputs: Map<string, number>;
}

export class Bundler {
  private cache = new Map<string, Cached>();
  private building = new Map<string, Promise<Cached>>();

  /** The bundle of `entry`, rebuilt if a source changed since the last build. */
  async get(entry: string, opts: { minify?: boolean } = {}): Promise<Bundle> {
    const hit = this.cache.get(entry);
    if (hit && !changed(hit.inputs)) return hit.bundle;
    let pending = this.building.get(entry);
    if (!pending) {
      pending = build(entry, opts.minify ?? true).finally(() => this.building.delete(entry));
      this.building.set(entry, pending);
    }
    const fresh = await pending;
    this.cache.set(entry, fresh);
    return fresh.bundle;
  }
}

async function build(entry: string, minify: boolean): Promise<Cached> {
  const t0 = performance.now();
  const dir = resolve(entry, "..");
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: dir,
      outfile: join(dir, "bundle.js"),
      bundle: true,
      write: false,
      metafile: true,
      format: "iife",
      platform: "browser",
      target: "es2020",
      jsx: "automatic",
      loader: { ".css": "css" },
      conditions: ["style", "module"],
      minify,
      define: { "process.env.NODE_ENV": minify ? '"production"' : '"development"' },
      plugins: [wmillPlugin],
      logLevel: "silent",
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    const messages = failure.errors ? esbuild.formatMessagesSync(failure.errors, { kind: "error", color: false }) : [String(e)];
    throw new BundleError(`cannot bundle ${entry}:\n${messages.join("\n")}`);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text ?? "";
  const css = result.outputFiles.find((f) => f.path.endsWith(".css"))?.text ?? "";
  const inputs = new Map<string, number>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(dir, input);
    inputs.set(file, mtimeOf(file));
  }
  return { bundle: { js, css, builtAt: new Date(), ms: Math.round(performance.now() - t0) }, inputs };
}

function changed(inputs: Map<string, number>): boolean {
  for (const [file, mtime] of inputs) if (mtimeOf(file) !== mtime) return true;
  return false;
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
