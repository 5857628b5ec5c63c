// Evaluates OpenFlow JavaScript expressions (input transforms, branch
// conditions, skip_if, stop_after_if, iterators) like Windmill's isolated
// evaluator: a fresh V8 context per expression, JSON values in and out, a
// time limit.
import { runInNewContext } from "node:vm";
import type { InputTransform, NumberOrTransform, Transforms } from "./types.ts";

/** Names an expression may read: flow_input, results, previous_result, resume, resumes, approvers, error, result. */
export type ExprScope = Record<string, unknown>;

const EVAL_TIMEOUT_MS = 5_000;

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

export async function evalExpr(expr: string, scope: ExprScope, what: string): Promise<unknown> {
  const context: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scope)) context[k] = v === undefined ? undefined : JSON.parse(JSON.stringify(v));
  let value: unknown;
  try {
    value = runInNewContext(wrap(expr), context, { timeout: EVAL_TIMEOUT_MS, filename: what });
    if (value && typeof (value as Promise<unknown>).then === "function") value = await withDeadline(value as Promise<unknown>, what);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ExpressionError(`${what}: error evaluating \`${expr}\`: ${message}`);
  }
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A plain expression, or a block with `return` (Windmill accepts both). */
function wrap(expr: string): string {
  try {
    new Function(`return (${expr}\n)`);
    return `(${expr}\n)`;
  } catch {
    return `(() => {${expr}\n})()`;
  }
}

async function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${EVAL_TIMEOUT_MS} ms`)), EVAL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function evalTransform(t: InputTransform, scope: ExprScope, what: string): Promise<unknown> {
  if (t.type === "static") return t.value;
  return evalExpr(t.expr, scope, what);
}

/** The arguments of a step; a key whose expression yields undefined is left out so main() defaults apply. */
export async function evalTransforms(transforms: Transforms | undefined, scope: ExprScope, where: string): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(transforms ?? {})) {
    const v = await evalTransform(t, scope, `${where} input "${name}"`);
    if (v !== undefined) args[name] = v;
  }
  return args;
}

export async function evalBool(expr: string, scope: ExprScope, what: string): Promise<boolean> {
  const v = await evalExpr(`Boolean(${expr}\n)`, scope, what);
  return v === true;
}

export async function evalNumber(v: NumberOrTransform | undefined, scope: ExprScope, what: string): Promise<number | undefined> {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : await evalTransform(v, scope, what);
  if (n === undefined || n === null) return undefined;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new ExpressionError(`${what} must be a non-negative number, got ${JSON.stringify(n)}`);
  return n;
}
