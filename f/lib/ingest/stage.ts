// Staging writes: parsed lines go to ingest_staging with COPY and dead
// letters to ingest_failures, one transaction per batch, with one batch in
// flight while the next is parsed. Memory: at most two batches.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql } from "postgres";
import type { ErrorClass, StagedNode } from "./records.ts";

export interface IngestContext {
  bulkOperationId: string;
  runId: number | string | null;
  resource: string;
  archiveKey: string | null;
}

export interface DeadLetter {
  lineNumber: number;
  errorClass: ErrorClass;
  message: string;
  rawText: string;
}

/** Longest raw text kept for a dead letter (characters); longer lines are cut and say so. */
export const MAX_RAW_TEXT = 64 * 1024;

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
/** COPY text format: backslash, newline, carriage return and tab are escaped. */
const copyText = (value: string) => value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!);
const NULL = "\\N";

export class Stager {
  private parts: string[] = [];
  private part = "";
  private lines = 0;
  private bytes = 0;
  private dead: DeadLetter[] = [];
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly ctx: IngestContext,
    private readonly limits: { batchLines: number; batchBytes: number } = { batchLines: 5000, batchBytes: 8 << 20 },
  ) {}

  /** Buffers one routed line; resolves once a full batch has been handed to Postgres. */
  async stage(lineNumber: number, node: StagedNode, text: string): Promise<void> {
    const row = `${copyText(this.ctx.bulkOperationId)}\t${lineNumber}\t${node.type}\t${copyText(node.id)}\t${node.parentId === null ? NULL : copyText(node.parentId)}\t${node.updatedAt ?? NULL}\t${copyText(text)}\n`;
    this.part += row;
    this.bytes += row.length;
    if (this.part.length >= 1 << 20) {
      this.parts.push(this.part);
      this.part = "";
    }
    if (++this.lines >= this.limits.batchLines || this.bytes >= this.limits.batchBytes) await this.flush();
  }

  /** Buffers a dead letter; it counts toward the batch, so a file of bad lines stays bounded too. */
  async deadLetter(lineNumber: number, errorClass: ErrorClass, message: string, raw: string): Promise<void> {
    let rawText = raw.replaceAll("\u0000", "\uFFFD"); // text columns cannot hold NUL
    if (rawText.length > MAX_RAW_TEXT) {
      message = `${message} (raw_text truncated to ${MAX_RAW_TEXT} of ${rawText.length} characters)`;
      rawText = rawText.slice(0, MAX_RAW_TEXT);
    }
    this.dead.push({ lineNumber, errorClass, message, rawText });
    this.bytes += rawText.length;
    if (++this.lines >= this.limits.batchLines || this.bytes >= this.limits.batchBytes) await this.flush();
  }

  /** Hands the buffered batch to Postgres after the one in flight has committed. */
  async flush(): Promise<void> {
    if (this.part) this.parts.push(this.part);
    const parts = this.parts;
    const dead = this.dead;
    this.parts = [];
    this.part = "";
    this.dead = [];
    this.lines = 0;
    this.bytes = 0;
    if (this.inflight) await this.inflight;
    this.inflight = null;
    if (!parts.length && !dead.length) return;
    const write = this.write(parts, dead);
    write.catch(() => undefined); // surfaces at the next flush or finish
    this.inflight = write;
  }

  /** Flushes and waits until everything staged so far has committed. */
  async finish(): Promise<void> {
    await this.flush();
    const last = this.inflight;
    this.inflight = null;
    if (last) await last;
  }

  private async write(parts: string[], dead: DeadLetter[]): Promise<void> {
    const { bulkOperationId, runId, resource, archiveKey } = this.ctx;
    await this.sql.begin(async (tx) => {
      if (parts.length) {
        const copy = await tx`copy ingest_staging (bulk_operation_id, line_number, type, id, parent_id, updated_at, payload) from stdin`.writable();
        await pipeline(Readable.from(parts), copy);
      }
      if (dead.length) {
        const rows = dead.map((d) => ({
          run_id: runId,
          resource,
          archive_key: archiveKey,
          bulk_operation_id: bulkOperationId,
          line_number: d.lineNumber,
          raw_text: d.rawText,
          error_class: d.errorClass,
          message: d.message,
        }));
        // A rerun of the same file records each bad line once.
        await tx`insert into ingest_failures ${tx(rows)} on conflict do nothing`;
      }
    });
  }
}

/** Drops what an earlier, interrupted attempt at the same bulk operation left in staging. */
export async function clearStaging(sql: Sql, bulkOperationId: string): Promise<void> {
  await sql`delete from ingest_staging where bulk_operation_id = ${bulkOperationId}`;
}
