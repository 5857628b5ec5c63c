// Ingest of one bulk-operation result (SPEC section 6, steps 4-6): the body
// streams once through the archive tap (gzip -> S3) into the line splitter;
// each line is routed and staged in batches, bad lines become dead letters;
// once the whole file is staged and its line count matches Shopify's
// objectCount, staging is merged into the raw mirror. Memory stays flat in the
// size of the file: a chunk, a line, two staging batches, two upload parts.
import type { Sql } from "postgres";
import { recordArchive, startArchive, type ArchiveSummary, type ArchiveWriter, type S3Resource } from "../archive.ts";
import { SYNCED_RESOURCES } from "../health.ts";
import { readLines } from "./lines.ts";
import { mergeStaged, type TableCounts } from "./merge.ts";
import { routeLine, type NodeType } from "./records.ts";
import { clearStaging, Stager, type IngestContext } from "./stage.ts";

export type IngestResource = (typeof SYNCED_RESOURCES)[number];

/** The type whose updatedAt is the resource's watermark. */
export const WATERMARK_TYPE: Record<IngestResource, string> = {
  orders: "Order",
  products: "Product",
  customers: "Customer",
  inventory_levels: "InventoryLevel",
};

export interface IngestOptions {
  sql: Sql;
  body: ReadableStream<Uint8Array>;
  resource: IngestResource;
  runId: number | string | null;
  bulkOperationId: string;
  /** Archive the body on its way through (omit when replaying from the archive). */
  archive?: { s3: S3Resource; key: string };
  /** Shopify's objectCount: lines parsed (dead letters included) must equal it. */
  expectedObjects?: number | string | bigint | null;
  log?: (message: string) => void;
  /** Progress line every this many lines. */
  progressEvery?: number;
  batchLines?: number;
  mergeChunkLines?: number;
  /** See MergeOptions.snapshotAt. */
  snapshotAt?: string | null;
}

export interface IngestResult {
  /** Non-empty lines: what Shopify counts as objects. */
  lines: number;
  /** Lines staged as nodes (lines minus parse-time dead letters). */
  objects: number;
  emptyLines: number;
  /** Parse-time dead letters plus children whose parent was not in the file. */
  deadLetters: number;
  /** Per row kind (node types, plus Fulfillment and Refund from the orders' inline lists). */
  byType: Record<string, TableCounts & { lines: number }>;
  /** Newest updatedAt committed for the resource's watermark type (null: none). */
  maxUpdatedAt: string | null;
  archive: ArchiveSummary | null;
  durationMs: number;
}

export class ObjectCountMismatchError extends Error {}

export async function ingestBulkResult(opts: IngestOptions): Promise<IngestResult> {
  const { sql, resource, bulkOperationId } = opts;
  if (!(resource in WATERMARK_TYPE)) throw new Error(`ingestBulkResult: unsupported resource "${resource}" (supported: ${Object.keys(WATERMARK_TYPE).join(", ")})`);
  const log = opts.log ?? (() => undefined);
  const started = performance.now();
  const ctx: IngestContext = { bulkOperationId, runId: opts.runId, resource, archiveKey: opts.archive?.key ?? null };
  const progressEvery = opts.progressEvery ?? 100_000;

  await clearStaging(sql, bulkOperationId);
  const archive: ArchiveWriter | null = opts.archive ? startArchive(opts.archive) : null;
  const body = archive ? opts.body.pipeThrough(archive.tap) : opts.body;
  const stager = new Stager(sql, ctx, { batchLines: opts.batchLines ?? 5000, batchBytes: 8 << 20 });
  const linesByType = new Map<NodeType, number>();
  let lines = 0;
  let emptyLines = 0;
  let parseDead = 0;
  let lastLine = 0;
  let summary: ArchiveSummary | null = null;

  try {
    for await (const line of readLines(body)) {
      lastLine = line.number;
      if (line.kind === "empty") {
        emptyLines++;
        continue;
      }
      lines++;
      if (line.kind === "invalid_utf8") {
        parseDead++;
        await stager.deadLetter(line.number, "invalid_utf8", line.message, line.text);
      } else {
        const routed = routeLine(line.text);
        if (routed.ok) {
          linesByType.set(routed.node.type, (linesByType.get(routed.node.type) ?? 0) + 1);
          await stager.stage(line.number, routed.node, line.text);
        } else {
          parseDead++;
          await stager.deadLetter(line.number, routed.errorClass, `line ${line.number}: ${routed.message}`, line.text);
        }
      }
      if (lines % progressEvery === 0) log(`${resource} ${bulkOperationId}: ${lines} lines staged, ${parseDead} dead letters, ${rate(lines, started)} lines/s`);
    }
    await stager.finish();
    if (archive) {
      summary = await archive.done;
      await recordArchive(sql, summary, { runId: opts.runId, bulkOperationId, resource });
    }
  } catch (error) {
    await archive?.abort(error);
    await clearStaging(sql, bulkOperationId).catch(() => undefined); // best effort; the next attempt clears it anyway
    throw error;
  }

  if (opts.expectedObjects !== undefined && opts.expectedObjects !== null && lines !== Number(opts.expectedObjects)) {
    await clearStaging(sql, bulkOperationId);
    throw new ObjectCountMismatchError(
      `bulk operation ${bulkOperationId} (${resource}): the file has ${lines} objects (lines, dead letters included) but Shopify reported objectCount ${opts.expectedObjects}; ` +
        `the download is incomplete or corrupt, so nothing was merged`,
    );
  }
  log(`${resource} ${bulkOperationId}: staged ${lines} lines (${emptyLines} empty, ${parseDead} dead letters) in ${Math.round(performance.now() - started)} ms; merging`);

  const tables = await mergeStaged(sql, ctx, { types: new Set(linesByType.keys()), lastLine, chunkLines: opts.mergeChunkLines, snapshotAt: opts.snapshotAt, log });
  await clearStaging(sql, bulkOperationId);

  const byType: IngestResult["byType"] = {};
  let orphaned = 0;
  for (const [kind, counts] of Object.entries(tables)) {
    byType[kind] = { lines: linesByType.get(kind as NodeType) ?? 0, ...counts };
    orphaned += counts.orphaned;
  }
  const durationMs = Math.round(performance.now() - started);
  log(`${resource} ${bulkOperationId}: ${lines} lines in ${durationMs} ms (${rate(lines, started)} lines/s), ${parseDead + orphaned} dead letters`);
  return {
    lines,
    objects: lines - parseDead,
    emptyLines,
    deadLetters: parseDead + orphaned,
    byType,
    maxUpdatedAt: byType[WATERMARK_TYPE[resource]]?.maxUpdatedAt ?? null,
    archive: summary,
    durationMs,
  };
}

const rate = (lines: number, started: number) => Math.round(lines / Math.max(0.001, (performance.now() - started) / 1000));
