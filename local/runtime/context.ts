// Many jobs run concurrently in one process. Each sees its own WM_* env and
// writes its own log, as if it had a process of its own: process.env and
// console are routed through the job's AsyncLocalStorage context.
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";

export interface JobScope {
  jobId: string;
  env: Record<string, string | undefined>;
  log(line: string): void;
}

const storage = new AsyncLocalStorage<JobScope>();
let installed = false;

export function currentJob(): JobScope | undefined {
  return storage.getStore();
}

export function runInJob<T>(scope: JobScope, fn: () => Promise<T>): Promise<T> {
  install();
  return storage.run(scope, fn);
}

function install(): void {
  if (installed) return;
  installed = true;
  const base = process.env;
  process.env = new Proxy(base, {
    get(target, key) {
      const job = storage.getStore();
      if (job && typeof key === "string" && key in job.env) return job.env[key];
      return Reflect.get(target, key);
    },
    set(target, key, value) {
      const job = storage.getStore();
      if (job && typeof key === "string") job.env[key] = String(value);
      else Reflect.set(target, key, String(value));
      return true;
    },
    has(target, key) {
      const job = storage.getStore();
      return (job && typeof key === "string" && job.env[key] !== undefined) || Reflect.has(target, key);
    },
    deleteProperty(target, key) {
      const job = storage.getStore();
      if (job && typeof key === "string") job.env[key] = undefined;
      else Reflect.deleteProperty(target, key);
      return true;
    },
    ownKeys(target) {
      const job = storage.getStore();
      const keys = new Set(Reflect.ownKeys(target));
      if (job) for (const [k, v] of Object.entries(job.env)) v === undefined ? keys.delete(k) : keys.add(k);
      return [...keys];
    },
    getOwnPropertyDescriptor(target, key) {
      const job = storage.getStore();
      if (job && typeof key === "string" && key in job.env) {
        const value = job.env[key];
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const job = storage.getStore();
      if (job) job.log(format(...args));
      else original(...args);
    };
  }
}
