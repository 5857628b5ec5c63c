// Finds Windmill items in the repository the way `wmill` lays them out
// (nonDottedPaths): scripts `f/a/b.ts` + `b.script.yaml`, flows
// `f/a/b__flow/flow.yaml`, raw apps `f/a/b__raw_app/`.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../config.ts";
import type { JsonSchema } from "./signature.ts";

export const SCRIPT_SUFFIXES = [".fetch.ts", ".bun.ts", ".deno.ts", ".ts"] as const;

export interface ScriptItem {
  kind: "script";
  path: string;
  file: string;
  language: "bun" | "deno" | "nativets";
  meta?: ScriptMeta;
}
export interface ScriptMeta {
  summary?: string;
  description?: string;
  kind?: string;
  schema?: JsonSchema;
  [k: string]: unknown;
}
export interface FlowItem {
  kind: "flow";
  path: string;
  dir: string;
  flow: OpenFlow;
}
export interface OpenFlow {
  summary: string;
  description?: string;
  value: { modules: unknown[]; failure_module?: unknown; [k: string]: unknown };
  schema?: JsonSchema;
  [k: string]: unknown;
}

export class UnknownPathError extends Error {
  constructor(path: string) {
    super(`no script or flow at "${path}" (looked for ${path}.ts, ${path}__flow/flow.yaml)`);
  }
}

export function validateItemPath(path: string): void {
  if (!/^[fu]\/[A-Za-z0-9_\-]+(\/[A-Za-z0-9_\-]+)+$/.test(path)) {
    throw new Error(`invalid path "${path}": expected f/<folder>/<name>`);
  }
}

export function findItem(path: string, root = repoRoot): ScriptItem | FlowItem {
  validateItemPath(path);
  const flowFile = join(root, `${path}__flow`, "flow.yaml");
  if (existsSync(flowFile)) return { kind: "flow", path, dir: dirname(flowFile), flow: loadFlowFile(flowFile) };
  for (const suffix of SCRIPT_SUFFIXES) {
    const file = join(root, path + suffix);
    if (existsSync(file)) return { kind: "script", path, file, language: languageOf(file), meta: readScriptMeta(join(root, path)) };
  }
  throw new UnknownPathError(path);
}

export function languageOf(file: string): ScriptItem["language"] {
  if (file.endsWith(".fetch.ts")) return "nativets";
  if (file.endsWith(".deno.ts")) return "deno";
  return "bun";
}

function readScriptMeta(base: string): ScriptMeta | undefined {
  const file = `${base}.script.yaml`;
  return existsSync(file) ? (parseYaml(readFileSync(file, "utf8")) as ScriptMeta) : undefined;
}

/** flow.yaml with every `!inline <file>` string replaced by the file's text. */
export function loadFlowFile(file: string): OpenFlow {
  const dir = dirname(file);
  const inline = (v: unknown): unknown => {
    if (typeof v === "string" && v.startsWith("!inline ")) {
      const target = join(dir, v.slice("!inline ".length).trim());
      if (!existsSync(target)) throw new Error(`${relative(repoRoot, file)}: inline file not found: ${v}`);
      return readFileSync(target, "utf8");
    }
    if (Array.isArray(v)) return v.map(inline);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inline(x)]));
    return v;
  };
  return inline(parseYaml(readFileSync(file, "utf8"))) as OpenFlow;
}

/** Every file under `f/` (recursively), relative to the root. */
export function listWorkspaceFiles(root = repoRoot, sub = "f"): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (e.name === "node_modules") continue;
      const r = join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk(sub);
  return out.sort();
}

/** Script paths (f/a/b) of every script under f/, excluding library modules inside flows/apps. */
export function listScripts(root = repoRoot): ScriptItem[] {
  return listWorkspaceFiles(root)
    .filter((f) => f.endsWith(".ts") && !f.includes("__flow/") && !f.includes("__raw_app/") && !f.endsWith(".d.ts"))
    .filter((f) => existsSync(join(root, f.replace(/(\.fetch|\.bun|\.deno)?\.ts$/, ".script.yaml"))))
    .map((f) => findItem(f.replace(/(\.fetch|\.bun|\.deno)?\.ts$/, ""), root) as ScriptItem);
}

export function listFlows(root = repoRoot): FlowItem[] {
  return listWorkspaceFiles(root)
    .filter((f) => f.endsWith("__flow/flow.yaml"))
    .map((f) => findItem(f.slice(0, -"__flow/flow.yaml".length), root) as FlowItem);
}
