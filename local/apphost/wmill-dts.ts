// wmill.d.ts of a raw app: the types of `./wmill` for the app's runnables, as
// `wmill app dev` writes it (static fields are not the frontend's to pass).
// Never deployed (the CLI skips it); kept in git so the app type-checks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { schemaOf } from "../runtime/runner.ts";
import { inferSchema, type JsonSchema } from "../runtime/signature.ts";
import { findItem } from "../runtime/workspace.ts";
import type { RawApp, Runnable } from "./apps.ts";

export function wmillDtsPath(app: RawApp): string {
  return join(app.dir, "wmill.d.ts");
}

export function wmillDts(app: RawApp, root: string): string {
  const entries = Object.values(app.runnables).sort((a, b) => a.id.localeCompare(b.id)).map((r) => [r.id, argsType(r, root)] as const);
  const lines = (ret: string) => entries.map(([id, args]) => `  ${key(id)}: (args: ${args}) => Promise<${ret}>;`).join("\n");
  return `// Generated from backend/ by npx tsx local/apphost/generate-dts.ts: do not edit.

export declare const backend: {
${lines("any")}
};

export declare const backendAsync: {
${lines("string")}
};

export type Job = {
  type: "QueuedJob" | "CompletedJob";
  id: string;
  created_at: string;
  started_at: string | undefined;
  duration_ms: number;
  success: boolean;
  args: any;
  result: any;
};

/** Waits for a job started with backendAsync and resolves with its result (rejects if it failed). */
export declare function waitJob(id: string): Promise<any>;

/** The job's current state, without waiting. */
export declare function getJob(id: string): Promise<Job>;

export type StreamUpdate = {
  new_result_stream?: string;
  stream_offset?: number;
};

/** Calls onUpdate with each part of the job's result stream; resolves with its result. */
export declare function streamJob(id: string, onUpdate?: (data: StreamUpdate) => void): Promise<any>;
`;
}

function argsType(r: Runnable, root: string): string {
  if (r.type === "unsupported") return "any";
  const schema = r.type === "inline" ? inferSchema(readFileSync(r.file, "utf8")) : schemaOf(findItem(r.path, root));
  if (!schema) return "any";
  const fixed = new Set(Object.entries(r.fields).filter(([, f]) => f.type === "static").map(([k]) => k));
  return objectType(schema, fixed);
}

function objectType(schema: JsonSchema | Record<string, any>, skip = new Set<string>()): string {
  const props = Object.entries((schema.properties ?? {}) as Record<string, Record<string, any>>).filter(([k]) => !skip.has(k));
  if (!props.length) return "{}";
  const required = new Set<string>(schema.required ?? []);
  return `{ ${props.map(([k, p]) => `${key(k)}${required.has(k) ? "" : "?"}: ${typeOf(p)}`).join("; ")} }`;
}

function typeOf(p: Record<string, any>): string {
  switch (p.type) {
    case "string":
      return Array.isArray(p.enum) ? p.enum.map((e: unknown) => JSON.stringify(e)).join(" | ") : "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return `${p.items ? typeOf(p.items) : "any"}[]`;
    case "object":
      return p.properties ? objectType(p) : "any";
    default:
      return "any";
  }
}

function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k);
}
