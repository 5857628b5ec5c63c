// Checks job arguments against a script's or flow's JSON schema before
// anything runs, so a bad call fails with one line naming the problem.
import type { JsonSchema } from "./signature.ts";

export class ArgsError extends Error {
  override name = "ArgsError";
}

export function checkArgs(path: string, schema: JsonSchema | undefined, args: unknown): Record<string, unknown> {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ArgsError(`${path}: arguments must be a JSON object, got ${describe(args)}`);
  }
  const input = args as Record<string, unknown>;
  if (!schema) return input;
  const props = schema.properties ?? {};
  for (const key of Object.keys(input)) {
    if (!(key in props)) {
      const known = Object.keys(props);
      throw new ArgsError(`${path}: unknown argument "${key}" (expected ${known.length ? known.join(", ") : "no arguments"})`);
    }
  }
  for (const name of schema.required ?? []) {
    if (input[name] === undefined) throw new ArgsError(`${path}: missing required argument "${name}"`);
  }
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    const problem = typeProblem(props[name] ?? {}, value);
    if (problem) throw new ArgsError(`${path}: argument "${name}" ${problem}`);
  }
  return input;
}

function typeProblem(prop: Record<string, unknown>, value: unknown): string | undefined {
  const type = prop.type as string | undefined;
  const format = prop.format as string | undefined;
  if (typeof value === "string" && /^\$(res|var):/.test(value)) {
    return undefined; // resolved later; the resolver names a missing one
  }
  if (format?.startsWith("resource-")) {
    return isPlainObject(value) ? undefined : `must be a ${format.slice(9)} resource (an object or "$res:<path>"), got ${describe(value)}`;
  }
  switch (type) {
    case undefined:
    case "":
    case "any":
      return undefined;
    case "string":
      if (typeof value !== "string") return `must be a string, got ${describe(value)}`;
      if (Array.isArray(prop.enum) && !prop.enum.includes(value)) return `must be one of ${prop.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`;
      if (format === "date-time" && Number.isNaN(Date.parse(value))) return `must be a date-time, got ${JSON.stringify(value)}`;
      return undefined;
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? undefined : `must be a number, got ${describe(value)}`;
    case "integer":
      return Number.isInteger(value) ? undefined : `must be an integer, got ${describe(value)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `must be a boolean, got ${describe(value)}`;
    case "object":
      return isPlainObject(value) ? undefined : `must be an object, got ${describe(value)}`;
    case "array": {
      if (!Array.isArray(value)) return `must be an array, got ${describe(value)}`;
      const items = prop.items as Record<string, unknown> | undefined;
      if (!items) return undefined;
      for (let i = 0; i < value.length; i++) {
        const p = typeProblem(items, value[i]);
        if (p) return `[${i}] ${p}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function isPlainObject(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}
