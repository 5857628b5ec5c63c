/**
 * Bulk operation jobs: Shopify's lifecycle (CREATED -> RUNNING -> COMPLETED | FAILED |
 * CANCELING -> CANCELED, EXPIRED once the URL lapses), at most 5 running per shop,
 * string counters, and results written to a temporary file served from a signed URL.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SimContext } from "../context.ts";
import type { Faults, Fault } from "../faults.ts";
import { gid } from "../store/ids.ts";
import { DAY_MS, iso, type SimNode } from "../store/types.ts";
import { writeJsonl, type JsonlWriteResult, type LineOrdering } from "./jsonl.ts";
import { compileBulkQuery } from "./project.ts";
import { validateBulkQuery } from "./validate.ts";

export const MAX_RUNNING_BULK_QUERIES = 5;

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface BulkTiming {
  /** Time spent in CREATED before RUNNING. */
  createdMs: number;
  /** Minimum time in RUNNING (export time adds to it). */
  runningMs: number;
  /** Time spent in CANCELING. */
  cancelingMs: number;
  /** Lifetime of result URLs (Shopify: 7 days), measured on the simulator clock. */
  resultTtlMs: number;
}

/** Realistic-looking timing scaled from one number (`--bulk-delay-ms`). */
export function timingFromDelay(delayMs: number): BulkTiming {
  return { createdMs: Math.round(delayMs / 4), runningMs: delayMs, cancelingMs: Math.round(delayMs / 2), resultTtlMs: 7 * DAY_MS };
}

interface Job {
  seq: number;
  id: string;
  status: BulkStatus;
  errorCode: string | null;
  createdAtMs: number;
  completedAtMs: number | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  query: string;
  groupObjects: boolean;
  file: string | null;
  partial: boolean;
  urlExpiresAtMs: number | null;
  cancelRequested: boolean;
  /** Interrupts the job's waits when it is canceled. */
  wake: AbortController;
  injected: JsonlWriteResult["injected"];
}

export interface BulkJobsDeps {
  dir: string;
  timing: BulkTiming;
  ordering: LineOrdering;
  seed: number;
  faults: Faults;
  /** Secret used to sign result URLs. */
  urlSecret: string;
  baseUrl(): string;
  /** Context for running the export (store, lister). */
  context(): SimContext;
  now(): number;
  onFinish(operation: SimNode): void;
}

export interface RunResult {
  bulkOperation: SimNode | null;
  userErrors: { field: string[] | null; message: string; code: string }[];
}

export class BulkJobs {
  private readonly jobs = new Map<string, Job>();
  private seq = 0;
  private closed = false;

  constructor(private readonly deps: BulkJobsDeps) {}

  run(query: string, groupObjects: boolean): RunResult {
    const validation = validateBulkQuery(query);
    if (!validation.ok) return { bulkOperation: null, userErrors: [{ field: ["query"], message: validation.message, code: "INVALID" }] };
    const running = [...this.jobs.values()].filter((j) => j.status === "CREATED" || j.status === "RUNNING" || j.status === "CANCELING");
    if (running.length >= MAX_RUNNING_BULK_QUERIES) {
      return {
        bulkOperation: null,
        userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${running.map((j) => j.id).join(", ")}.`, code: "OPERATION_IN_PROGRESS" }],
      };
    }
    const compiled = compileBulkQuery(validation.document, validation.operation);
    const seq = ++this.seq;
    const job: Job = {
      seq,
      id: gid("BulkOperation", seq),
      status: "CREATED",
      errorCode: null,
      createdAtMs: this.deps.now(),
      completedAtMs: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      query,
      groupObjects,
      file: null,
      partial: false,
      urlExpiresAtMs: null,
      cancelRequested: false,
      wake: new AbortController(),
      injected: [],
    };
    this.jobs.set(job.id, job);
    void this.execute(job, compiled).catch((error: unknown) => {
      job.status = "FAILED";
      job.errorCode = "INTERNAL_SERVER_ERROR";
      job.completedAtMs = this.deps.now();
      console.error(`[shopify-sim] bulk ${job.id} crashed:`, error);
      this.finish(job);
    });
    return { bulkOperation: this.snapshot(job), userErrors: [] };
  }

  private async execute(job: Job, compiled: ReturnType<typeof compileBulkQuery>): Promise<void> {
    const { timing } = this.deps;
    const wait = (ms: number) => sleep(ms, undefined, { signal: job.wake.signal }).catch(() => undefined);
    await wait(timing.createdMs);
    if (this.closed) return;
    if (job.cancelRequested) return this.cancelNow(job);
    job.status = "RUNNING";
    const startedAt = Date.now();
    const fault: Fault | null = this.deps.faults.take("bulk");
    if (fault?.fault === "access_denied") {
      await wait(timing.runningMs);
      if (job.cancelRequested) return this.cancelNow(job);
      return this.fail(job, "ACCESS_DENIED");
    }
    const file = join(this.deps.dir, `${job.seq}-${Date.now().toString(36)}.jsonl`);
    // A deep buffer lets generation run on while the previous chunks are being written.
    const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
    const failAfterRoots = fault?.fault === "failed" || fault?.fault === "timeout" ? (fault.param ?? 10) : Infinity;
    const result = await writeJsonl(compiled.groups(this.deps.context()), out, {
      ordering: job.groupObjects ? "adjacent" : this.deps.ordering,
      seed: this.deps.seed ^ job.seq,
      malformed: this.deps.faults.takeAll("jsonl"),
      shouldStop: (roots) => this.closed || job.cancelRequested || roots >= failAfterRoots,
      onProgress: (objects, roots) => {
        job.objectCount = objects;
        job.rootObjectCount = roots;
      },
    });
    out.end();
    await once(out, "close");
    job.objectCount = result.objectCount;
    job.rootObjectCount = result.rootObjectCount;
    job.injected = result.injected;
    job.file = file;
    job.fileSize = result.bytes;
    if (this.closed) return;
    if (job.cancelRequested) return this.cancelNow(job);
    const remaining = timing.runningMs - (Date.now() - startedAt);
    if (remaining > 0) await wait(remaining);
    if (job.cancelRequested) return this.cancelNow(job);
    if (fault?.fault === "failed" || fault?.fault === "timeout") {
      job.partial = result.objectCount > 0;
      return this.fail(job, fault.fault === "failed" ? "INTERNAL_SERVER_ERROR" : "TIMEOUT");
    }
    job.completedAtMs = this.deps.now();
    job.urlExpiresAtMs = fault?.fault === "expired" ? job.completedAtMs : job.completedAtMs + timing.resultTtlMs;
    job.status = fault?.fault === "expired" ? "EXPIRED" : "COMPLETED";
    this.finish(job);
  }

  private fail(job: Job, errorCode: string): void {
    job.status = "FAILED";
    job.errorCode = errorCode;
    job.completedAtMs = this.deps.now();
    if (job.partial) job.urlExpiresAtMs = job.completedAtMs + this.deps.timing.resultTtlMs;
    this.finish(job);
  }

  private async cancelNow(job: Job): Promise<void> {
    await sleep(this.deps.timing.cancelingMs);
    job.status = "CANCELED";
    job.completedAtMs = this.deps.now();
    this.finish(job);
  }

  private finish(job: Job): void {
    this.deps.onFinish(this.snapshot(job));
  }

  cancel(id: string): { bulkOperation: SimNode | null; userErrors: { field: string[] | null; message: string }[] } {
    const job = this.jobs.get(id);
    if (!job) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (job.status === "CREATED" || job.status === "RUNNING") {
      job.cancelRequested = true;
      job.status = "CANCELING";
      job.wake.abort();
      return { bulkOperation: this.snapshot(job), userErrors: [] };
    }
    const state = job.status.toLowerCase();
    return { bulkOperation: this.snapshot(job), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${state}` }] };
  }

  get(id: string): SimNode | null {
    const job = this.jobs.get(id);
    return job ? this.snapshot(job) : null;
  }

  /** Newest first is the caller's choice; this returns creation order. */
  all(): SimNode[] {
    return [...this.jobs.values()].map((job) => this.snapshot(job));
  }

  /** Latest query operation, for the deprecated `currentBulkOperation`. */
  current(): SimNode | null {
    const last = [...this.jobs.values()].at(-1);
    return last ? this.snapshot(last) : null;
  }

  /** Test hook: details not visible through the API (injected faults, file path). */
  inspect(id: string): (Omit<Job, "file" | "wake"> & { hasFile: boolean }) | null {
    const job = this.jobs.get(id);
    if (!job) return null;
    const { file, wake: _wake, ...rest } = job;
    return { ...rest, hasFile: file !== null };
  }

  /** Test hook: make a job's URL lapse now. */
  expire(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.urlExpiresAtMs === null) return false;
    job.urlExpiresAtMs = this.deps.now() - 1000;
    return true;
  }

  private refreshExpiry(job: Job): void {
    if (job.status === "COMPLETED" && job.urlExpiresAtMs !== null && this.deps.now() > job.urlExpiresAtMs) job.status = "EXPIRED";
  }

  private signature(name: string, expires: number): string {
    return createHmac("sha256", this.deps.urlSecret).update(`${name}\n${expires}`).digest("hex");
  }

  private signedUrl(job: Job): string {
    const name = `${job.seq}.jsonl`;
    const expires = Math.floor(job.urlExpiresAtMs! / 1000);
    // Shaped like the Google Cloud Storage links Shopify hands out.
    return `${this.deps.baseUrl()}/bulk-operation-outputs/${name}?X-Goog-Algorithm=GOOG4-HMAC-SHA256&Expires=${expires}&response-content-type=application%2Fjsonl&Signature=${this.signature(name, expires)}`;
  }

  /** Checks a result URL; the file to stream, or why not. */
  resolveDownload(name: string, expires: string | undefined, signature: string | undefined): { file: string; size: number } | { error: "signature" | "expired" | "missing" } {
    const seq = Number(/^(\d+)\.jsonl$/.exec(name)?.[1]);
    const job = [...this.jobs.values()].find((j) => j.seq === seq);
    if (!expires || !signature || !job) return { error: "signature" };
    const expected = Buffer.from(this.signature(name, Number(expires)));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { error: "signature" };
    if (this.deps.now() > Number(expires) * 1000) return { error: "expired" };
    if (!job.file) return { error: "missing" };
    return { file: job.file, size: job.fileSize ?? 0 };
  }

  snapshot(job: Job): SimNode {
    this.refreshExpiry(job);
    const finished = job.status === "COMPLETED" || job.status === "EXPIRED";
    return {
      __typename: "BulkOperation",
      id: job.id,
      status: job.status,
      errorCode: job.errorCode,
      createdAt: iso(job.createdAtMs),
      completedAt: job.completedAtMs === null ? null : iso(job.completedAtMs),
      objectCount: String(job.objectCount),
      rootObjectCount: String(job.rootObjectCount),
      fileSize: finished && job.objectCount > 0 ? String(job.fileSize ?? 0) : null,
      url: finished && job.objectCount > 0 ? this.signedUrl(job) : null,
      partialDataUrl: job.status === "FAILED" && job.partial ? this.signedUrl(job) : null,
      query: job.query,
      type: "QUERY",
    };
  }

  close(): void {
    this.closed = true;
    for (const job of this.jobs.values()) job.wake.abort();
    for (const job of this.jobs.values()) if (job.file) rmSync(job.file, { force: true });
  }

  reset(): void {
    for (const job of this.jobs.values()) {
      job.cancelRequested = true;
      job.wake.abort();
      if (job.file) rmSync(job.file, { force: true });
    }
    this.jobs.clear();
  }
}
