// Runs one script job in this process: imports the file, calls main() with
// the arguments in the order Windmill's parser reads them, inside the job's
// own env/log scope.
import { readFileSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseSignature, type Signature } from "./signature.ts";

const signatures = new Map<string, { mtime: number; sig: Signature }>();

export function signatureOf(file: string): Signature {
  const mtime = statSync(file).mtimeMs;
  const hit = signatures.get(file);
  if (hit && hit.mtime === mtime) return hit.sig;
  const sig = parseSignature(readFileSync(file, "utf8"));
  signatures.set(file, { mtime, sig });
  return sig;
}

export interface ScriptModule {
  main?: (...args: unknown[]) => unknown;
  preprocessor?: (event: unknown) => unknown;
}

export async function loadScript(file: string): Promise<ScriptModule> {
  return (await import(pathToFileURL(file).href)) as ScriptModule;
}

/** Calls main(...) with named args mapped onto its parameters. */
export async function callMain(file: string, args: Record<string, unknown>): Promise<unknown> {
  const mod = await loadScript(file);
  if (typeof mod.main !== "function") throw new Error(`${file} has no exported function main`);
  const positional = signatureOf(file).args.map((a) => args[a.name]);
  return await mod.main(...positional);
}

/** Calls preprocessor(event) and returns the named args it produces for main. */
export async function callPreprocessor(file: string, event: unknown): Promise<Record<string, unknown>> {
  const mod = await loadScript(file);
  if (typeof mod.preprocessor !== "function") throw new Error(`${file} has no exported function preprocessor`);
  const out = await mod.preprocessor(event);
  if (!out || typeof out !== "object" || Array.isArray(out)) throw new Error(`preprocessor of ${file} must return an object of named arguments`);
  return out as Record<string, unknown>;
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export async function withTimeout<T>(seconds: number | undefined, what: string, work: Promise<T>): Promise<T> {
  if (!seconds || seconds <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
