// Bulk-result ingest throughput and memory (issue 4): simulator exports of a
// 10k-order and an N-order store (orders with line items) are written to temp
// files, then
//  (a) our end-to-end ingest of each from the file stream (archive to S3 included),
//  (b) a plain COPY of the N-order rows, from prepared files, into the same tables,
//  (c) an incremental ingest on the loaded N-order database: the export of a
//      day in which 1% of the orders changed (half new, half updated),
// printed as ratios. Each ingest runs in a fresh child process whose V8 heap
// is capped, so its peak RSS is its own and shows whether memory is flat in
// the file size.
//   npm run bench -- ingest                 (10k and 200k orders)
//   npm run bench -- ingest --orders 1000000
import { execFile } from "node:child_process";
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import postgres from "postgres";
import { s3Resource } from "../local/bindings.ts";
import { ARCHIVE_BUCKET, repoRoot, type S3Settings } from "../local/config.ts";
import { migrateAll } from "../local/db/migrate.ts";
import { startEmbeddedPostgres } from "../local/services/postgres.ts";
import { startEmbeddedS3 } from "../local/services/s3.ts";
import { startSimulator, type Simulator } from "../local/sim/server.ts";
import { archiveKey } from "../f/lib/archive.ts";
import { NO_DELAY } from "../f/lib/db.ts";
import { updatedAtFilter } from "../f/lib/sync/windows.ts";
import { ingestBulkResult } from "../f/lib/ingest/index.ts";
import { runBulk, waitForBulk } from "../tests/sim/helpers.ts";
import { ORDERS_BULK_QUERY } from "../tests/shopify/fixtures/bulk_queries.ts";

/** The child's V8 heap cap: an ingest whose memory grew with the file would die of it on the large file. */
const HEAP_CAP_MB = 128;
const ORDER_TABLES = ["raw_shopify_orders", "raw_shopify_line_items", "raw_shopify_fulfillments", "raw_shopify_refunds"];

interface ChildArgs {
  file: string;
  databaseUrl: string;
  s3: S3Settings;
  bulkOperationId: string;
  objectCount: string;
  runId: number;
}

interface ChildReport {
  lines: number;
  seconds: number;
  peakRssMB: number;
  deadLetters: number;
}

export default async function bench(): Promise<void> {
  const orders = Number(flag("--orders") ?? 200_000);
  const small = Math.min(SMALL_STORE, orders);
  const dir = mkdtempSync(join(tmpdir(), "wm-bench-ingest-"));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: join(dir, "pg"), port: 56000 + Math.floor(Math.random() * 1000) });
  const s3 = await startEmbeddedS3({ dir: join(dir, "s3"), port: 0, bucket: ARCHIVE_BUCKET });
  const sql = postgres(pg.url, { max: 4, onnotice: () => {} });
  let bigStore: Simulator | null = null;
  try {
    await migrateAll(pg.url);
    const smallStore = await benchStore(small);
    const smallFile = await exportToFile(smallStore, "", join(dir, `orders-${small}.jsonl`), small);
    await smallStore.close();
    bigStore = await benchStore(orders);
    const bigFile = await exportToFile(bigStore, "", join(dir, `orders-${orders}.jsonl`), orders);

    // (a) Full ingest of each file into emptied tables, each in a fresh child process.
    const ingest = async (file: ExportedFile, label: string) => {
      const [run] = await sql<{ id: number }[]>`insert into sync_runs (trigger, status) values ('test', 'partial') returning id::int`;
      await sql`insert into bulk_operations (id, run_id, resource, query, status, object_count) values (${file.bulkOperationId}, ${run!.id}, 'orders', 'bench', 'COMPLETED', ${file.objectCount}) on conflict (id) do nothing`;
      const report = await runChild({ file: file.path, databaseUrl: pg.url, s3: s3.settings, bulkOperationId: file.bulkOperationId, objectCount: file.objectCount, runId: run!.id });
      if (report.deadLetters) throw new Error(`bench ingest produced ${report.deadLetters} dead letters`);
      console.log(`${label} ${report.lines} lines (archive to S3 included): ${report.seconds.toFixed(1)} s, ${Math.round(report.lines / report.seconds)} lines/s, peak RSS ${report.peakRssMB} MB`);
      return report;
    };
    const runs: ChildReport[] = [];
    for (const [file, n] of [[smallFile, small], [bigFile, orders]] as const) {
      await sql.unsafe(`truncate ${ORDER_TABLES.join(", ")}, ingest_staging, ingest_failures, archive_objects`);
      runs.push(await ingest(file, `(a) full ingest of ${n} orders:`));
    }

    // (b) The same rows, dumped by COPY TO after (a), loaded back by plain COPY FROM into the emptied tables.
    const dumps: string[] = [];
    for (const table of ORDER_TABLES) {
      const path = join(dir, `${table}.copy`);
      // A client per dump: postgres.js 3.4.9 does not give a connection back after a COPY TO stream.
      const dumper = postgres(pg.url, { max: 1, onnotice: () => {} });
      await pipeline(await dumper.unsafe(`copy ${table} to stdout`).readable(), createWriteStream(path));
      await dumper.end({ timeout: 0 });
      dumps.push(path);
    }
    await sql.unsafe(`truncate ${ORDER_TABLES.join(", ")}`);
    const t = performance.now();
    for (const [k, table] of ORDER_TABLES.entries()) {
      await pipeline(createReadStream(dumps[k]!, { highWaterMark: 1 << 20 }), await sql.unsafe(`copy ${table} from stdin`).writable());
    }
    const copySeconds = (performance.now() - t) / 1000;
    for (const path of dumps) rmSync(path);
    const copyRate = Number(bigFile.objectCount) / copySeconds;
    const full = runs[1]!;
    const fullRate = full.lines / full.seconds;
    console.log(`(b) plain COPY of the same rows into the same tables: ${copySeconds.toFixed(1)} s, ${Math.round(copyRate)} lines/s`);

    // (c) An incremental sync on the loaded database: a day in which 1% of the store's orders change.
    const changed = Math.round(orders / 100);
    const day = await bigStore.admin.advanceClock({ ms: 86_400_000, newOrders: Math.round(changed / 2), updates: changed - Math.round(changed / 2), cancellations: 0, refunds: 0, deletes: 0, productUpdates: 0, inventoryUpdates: 0 });
    const window = updatedAtFilter({ start: day.from, end: day.to });
    const incFile = await exportToFile(bigStore, window, join(dir, "orders-incremental.jsonl"), "incremental");
    const inc = await ingest(incFile, `(c) incremental ingest on the ${orders}-order database (${incFile.rootObjectCount} orders in the window):`);

    console.log("");
    console.log(`ratio full ingest / plain COPY: ${(fullRate / copyRate).toFixed(2)} (target >= 0.33); full ingest ${Math.round(fullRate)} lines/s (target >= 50000)`);
    console.log(`memory (V8 heap capped at ${HEAP_CAP_MB} MB): peak RSS ${runs[0]!.peakRssMB} MB for ${small} orders, ${full.peakRssMB} MB for ${orders} orders (${signed(Math.round((full.peakRssMB / runs[0]!.peakRssMB - 1) * 100))}%; target within 20% and under 300 MB)`);
    console.log(`incremental sync of 1% changed orders: ${inc.seconds.toFixed(1)} s, ratio to the full sync ${(inc.seconds / full.seconds).toFixed(3)} (Shopify's export time not included: ${incFile.exportSeconds.toFixed(1)} s here)`);
  } finally {
    await bigStore?.close();
    await sql.end();
    await s3.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The peak-RSS comparison's small store (the issue's 10k orders). */
const SMALL_STORE = 10_000;

interface ExportedFile {
  path: string;
  bulkOperationId: string;
  objectCount: string;
  rootObjectCount: string;
  exportSeconds: number;
}

const benchStore = (orders: number) => startSimulator({ seed: "bench", orders, now: "2026-11-28T00:00:00Z", bulkDelayMs: 0, lineOrdering: "shuffled" });

async function exportToFile(sim: Simulator, filter: string, path: string, label: number | string): Promise<ExportedFile> {
  const t = performance.now();
  const op = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY(filter)), 3_600_000);
  if (op.status !== "COMPLETED") throw new Error(`bench export ended ${op.status}`);
  const response = await fetch(op.url);
  await pipeline(Readable.fromWeb(response.body as never), createWriteStream(path));
  const exportSeconds = (performance.now() - t) / 1000;
  console.log(`export of ${typeof label === "number" ? `${label} orders` : label}: ${op.objectCount} lines, ${(statSync(path).size / 1e6).toFixed(0)} MB, written to a temp file in ${exportSeconds.toFixed(1)} s`);
  // The simulator numbers bulk operations per instance; make the files' ids distinct.
  return { path, bulkOperationId: `${op.id}${typeof label === "number" ? label : 1}`, objectCount: op.objectCount, rootObjectCount: op.rootObjectCount, exportSeconds };
}

function runChild(args: ChildArgs): Promise<ChildReport> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, "--import", "tsx", self, "--ingest-child", JSON.stringify(args)], { cwd: repoRoot, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`ingest child failed: ${stderr || error.message}`));
      if (process.argv.includes("--verbose")) process.stderr.write(stderr);
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildReport);
    });
  });
}

/** The measured ingest, alone in its process so its RSS is its own. */
async function child(args: ChildArgs): Promise<void> {
  // The pool a sync script gets from f/lib/db.ts: five connections, Nagle off.
  const sql = postgres(args.databaseUrl, { max: 5, onnotice: () => {}, ...NO_DELAY });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const body = Readable.toWeb(createReadStream(args.file, { highWaterMark: 256 * 1024 })) as unknown as ReadableStream<Uint8Array>;
  const key = archiveKey({ resource: "orders", runId: args.runId, bulkOperationId: args.bulkOperationId });
  const t = performance.now();
  const result = await ingestBulkResult({
    sql,
    body,
    resource: "orders",
    runId: args.runId,
    bulkOperationId: args.bulkOperationId,
    expectedObjects: args.objectCount,
    archive: { s3: s3Resource(args.s3), key },
    log: (m) => console.error(m),
  });
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  await sql.end();
  console.log(JSON.stringify({ lines: result.lines, seconds, peakRssMB: Math.round(peak / 1e6), deadLetters: result.deadLetters } satisfies ChildReport));
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const signed = (n: number) => (n >= 0 ? `+${n}` : `${n}`);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href && process.argv.includes("--ingest-child")) {
  await child(JSON.parse(flag("--ingest-child")!) as ChildArgs);
  process.exit(0);
}
