// End to end: simulator bulk exports -> ingestBulkResult -> raw mirror, on a
// real Postgres and a real S3 (s3rver), checked against the generator's truth.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Resource } from "../../../../local/bindings.ts";
import type { Simulator } from "../../../../local/sim/server.ts";
import { ArchiveIntegrityError, archiveKey, openArchive } from "../../../../f/lib/archive.ts";
import { ingestBulkResult, ObjectCountMismatchError, type IngestOptions } from "../../../../f/lib/ingest/index.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { testS3 } from "../../../helpers/runner.ts";
import { startTestSimulator } from "../../../sim/helpers.ts";
import { CUSTOMERS_BULK_QUERY, INVENTORY_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "../../../shopify/fixtures/bulk_queries.ts";
import {
  bulkExport,
  dumpMirror,
  expectCatalogMatchesTruth,
  expectCustomersMatchTruth,
  expectInventoryMatchesTruth,
  expectOrdersMatchTruth,
  recordOperation,
  resetMirror,
  streamOf,
  type Export,
} from "./helpers.ts";

let db: TestDatabase;
let sim: Simulator;
const s3 = s3Resource(testS3());

beforeAll(async () => {
  db = await freshDatabase();
  sim = await startTestSimulator({ seed: "ingest", orders: 400 });
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

async function ingest(exp: Export, resource: IngestOptions["resource"], extra: Partial<IngestOptions> = {}) {
  const runId = await recordOperation(db.sql, exp.op, resource);
  return ingestBulkResult({ sql: db.sql, body: streamOf(exp.bytes), resource, runId, bulkOperationId: exp.op.id, expectedObjects: exp.op.objectCount, batchLines: 97, mergeChunkLines: 211, ...extra });
}

const staged = async () => (await db.sql`select count(*)::int as n from ingest_staging`)[0]!.n as number;

describe("ingestBulkResult", () => {
  it("lands orders with line items, fulfillments and refunds exactly as the store holds them", async () => {
    await resetMirror(db.sql);
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    const result = await ingest(exp, "orders");
    const truthOrders = sim.admin.counts().orders;
    expect(result.lines).toBe(Number(exp.op.objectCount));
    expect(result.deadLetters).toBe(0);
    expect(result.byType.Order).toMatchObject({ lines: truthOrders, rows: truthOrders, written: truthOrders, orphaned: 0 });
    expect(result.byType.LineItem!.rows).toBe(result.lines - truthOrders);
    expect(result.byType.Fulfillment!.rows).toBeGreaterThan(0);
    expect(result.byType.Refund!.rows).toBeGreaterThan(0);
    expect(await expectOrdersMatchTruth(db.sql, sim)).toBe(truthOrders);
    // The watermark candidate is the newest order updatedAt of the store.
    const newest = Array.from({ length: sim.admin.store().orderSlots }, (_, i) => sim.admin.store().order(i)!.updatedAt as string).sort().at(-1)!;
    expect(result.maxUpdatedAt).toBe(new Date(newest).toISOString());
    expect(await staged()).toBe(0);
  });

  it("lands products with variants, customers, and inventory levels by location", async () => {
    await resetMirror(db.sql);
    const products = await ingest(await bulkExport(sim, PRODUCTS_BULK_QUERY("")), "products");
    const customers = await ingest(await bulkExport(sim, CUSTOMERS_BULK_QUERY("")), "customers");
    const inventory = await ingest(await bulkExport(sim, INVENTORY_BULK_QUERY), "inventory_levels");
    expect(products.byType.ProductVariant!.rows).toBeGreaterThan(products.byType.Product!.rows);
    expect(customers.byType.Customer!.rows).toBe(sim.admin.counts().customers);
    expect(inventory.byType.Location!.rows).toBeGreaterThan(0);
    expect(inventory.maxUpdatedAt).toBe(inventory.byType.InventoryLevel!.maxUpdatedAt);
    await expectCatalogMatchesTruth(db.sql, sim);
    await expectCustomersMatchTruth(db.sql, sim);
    await expectInventoryMatchesTruth(db.sql, sim);
  });

  it("gives the same tables whatever the line order: adjacent, shuffled, children before parents", async () => {
    const dumps = [];
    for (const ordering of ["adjacent", "shuffled", "children-first"] as const) {
      await resetMirror(db.sql);
      const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""), ordering);
      const lines = new TextDecoder().decode(exp.bytes).trim().split("\n").map((l) => JSON.parse(l));
      const position = new Map(lines.map((l, i) => [l.id, i]));
      const childFirst = lines.filter((l) => l.__parentId && position.get(l.__parentId)! > position.get(l.id)!).length;
      if (ordering === "adjacent") expect(childFirst).toBe(0);
      else expect(childFirst).toBeGreaterThan(0); // the file really has children before their parents
      await ingest(exp, "orders");
      await expectOrdersMatchTruth(db.sql, sim);
      dumps.push(await dumpMirror(db.sql));
    }
    expect(dumps[1]).toEqual(dumps[0]);
    expect(dumps[2]).toEqual(dumps[0]);
  });

  it("is idempotent: the same file twice leaves the same tables and no duplicate rows", async () => {
    await resetMirror(db.sql);
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    const first = await ingest(exp, "orders");
    const before = await dumpMirror(db.sql);
    const second = await ingest(exp, "orders");
    expect(await dumpMirror(db.sql)).toEqual(before);
    expect(second.byType.Order!.rows).toBe(first.byType.Order!.rows);
    expect(await staged()).toBe(0);
  });

  it("newest wins: an older file replayed over newer data changes nothing", async () => {
    await resetMirror(db.sql);
    const older = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    await sim.admin.advanceClock({ ms: 3 * 86_400_000, newOrders: 5, updates: 40, cancellations: 3, refunds: 3, deletes: 0, productUpdates: 0, inventoryUpdates: 0 });
    const newer = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    const olderIds = new Map(new TextDecoder().decode(older.bytes).trim().split("\n").map((l) => JSON.parse(l)).filter((n) => !n.__parentId).map((n) => [n.id, n.updatedAt]));
    const changed = [...olderIds].filter(([id, updatedAt]) => sim.admin.node(id)!.updatedAt !== updatedAt);
    expect(changed.length).toBeGreaterThan(10); // the store really moved on

    await ingest(newer, "orders");
    await expectOrdersMatchTruth(db.sql, sim);
    const current = await dumpMirror(db.sql);
    const replay = await ingest(older, "orders");
    expect(await dumpMirror(db.sql)).toEqual(current);
    // Only rows identical in both files were rewritten, none of the changed orders.
    expect(replay.byType.Order!.written).toBe(olderIds.size - changed.length);

    // And the other way round converges to the same state.
    await resetMirror(db.sql);
    await ingest(older, "orders");
    await ingest(newer, "orders");
    expect(await dumpMirror(db.sql)).toEqual(current);
  });

  it("a file holding two versions of the same orders, in chunks merged at once, keeps the newest of each", async () => {
    await resetMirror(db.sql);
    const older = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    await sim.admin.advanceClock({ ms: 86_400_000, newOrders: 0, updates: 30, cancellations: 2, refunds: 2, deletes: 0, productUpdates: 0, inventoryUpdates: 0 });
    const newer = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    // Orders only (a child cannot tell which version of its parent it belongs to): new versions first, old ones after.
    const orderLines = (e: Export) => new TextDecoder().decode(e.bytes).trim().split("\n").filter((l) => !l.includes('"__parentId"'));
    const lines = [...orderLines(newer), ...orderLines(older)];
    const mixed: Export = { op: { ...newer.op, id: `${newer.op.id}9`, objectCount: String(lines.length) }, bytes: new TextEncoder().encode(lines.join("\n") + "\n") };
    const result = await ingest(mixed, "orders", { mergeChunkLines: 53 });
    expect(result.byType.Order!.rows).toBe(lines.length);
    const rows = await db.sql<{ id: string; updated_at: Date; tags: string[]; note: string | null }[]>`select id, updated_at, tags, note from raw_shopify_orders order by id`;
    expect(rows).toHaveLength(orderLines(newer).length);
    const iso = (t: string) => new Date(t).toISOString();
    const changed = rows.filter((r) => r.updated_at.toISOString() !== iso(JSON.parse(orderLines(older).find((l) => l.includes(`"${r.id}"`))!).updatedAt));
    expect(changed.length).toBeGreaterThan(10); // the old versions really differ
    for (const row of rows) {
      const truth = sim.admin.node(row.id)!;
      expect({ id: row.id, updated_at: row.updated_at.toISOString(), tags: row.tags, note: row.note }).toEqual({ id: truth.id, updated_at: iso(truth.updatedAt as string), tags: truth.tags, note: truth.note ?? null });
    }
  });

  it("dead-letters malformed lines with their line numbers and error class, and lands the rest", async () => {
    await resetMirror(db.sql);
    sim.admin.setFaults("jsonl:truncated=6,jsonl:invalid_utf8=1,jsonl:empty_lines=1", { replace: true });
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""), "adjacent");
    sim.admin.clearFaults();
    const injected = sim.admin.bulk.inspect(exp.op.id)!.injected;
    expect(injected.map((i) => i.fault).sort()).toEqual(["empty_lines", "invalid_utf8", ...Array(6).fill("truncated")]);
    // Lines no simulator fault makes: an unknown type, a record missing a required field,
    // a value jsonb cannot hold, and a huge garbage line (its stored text is capped).
    const extra = [
      '{"id":"gid://shopify/Metafield/1","value":"x"}',
      '{"id":"gid://shopify/Order/999","name":"#X","createdAt":"2026-01-01T00:00:00Z","currencyCode":"CAD"}',
      '{"id":"gid://shopify/Customer/5","updatedAt":"2026-01-01T00:00:00Z","note":"nul \\u0000 here"}',
      "{" + "x".repeat(100_000),
    ];
    const bytes = new Uint8Array([...exp.bytes, ...new TextEncoder().encode(extra.join("\n") + "\n")]);
    const physical = new TextDecoder().decode(exp.bytes).split("\n").length - 1;
    const result = await ingest({ op: { ...exp.op, objectCount: String(Number(exp.op.objectCount) + extra.length) }, bytes }, "orders");

    expect(result.emptyLines).toBe(1);
    expect(result.lines).toBe(Number(exp.op.objectCount) + extra.length);
    const failures = await db.sql<{ line_number: string; error_class: string; message: string; raw_text: string; run_id: string; bulk_operation_id: string }[]>`
      select * from ingest_failures order by line_number`;
    const parseTime = failures.filter((f) => !f.message.includes("is not in this file"));
    const expected = [
      ...injected.filter((i) => i.fault !== "empty_lines").map((i) => ({ line: i.line, cls: i.fault === "truncated" ? "json_syntax" : "invalid_utf8" })),
      { line: physical + 1, cls: "unknown_type" },
      { line: physical + 2, cls: "invalid_record" },
      { line: physical + 3, cls: "invalid_record" },
      { line: physical + 4, cls: "json_syntax" },
    ].sort((a, b) => a.line - b.line);
    expect(parseTime.map((f) => ({ line: Number(f.line_number), cls: f.error_class }))).toEqual(expected);
    expect(parseTime.every((f) => f.bulk_operation_id === exp.op.id && f.run_id !== null)).toBe(true);
    const byLine = new Map(parseTime.map((f) => [Number(f.line_number), f]));
    expect(byLine.get(physical + 2)!.message).toMatch(/updatedAt/);
    expect(byLine.get(physical + 3)!.message).toMatch(/\\u0000/);
    expect(byLine.get(physical + 4)!.raw_text.length).toBe(64 * 1024);
    expect(byLine.get(physical + 4)!.message).toMatch(/truncated to 65536 of 100001/);
    const utf8 = parseTime.find((f) => f.error_class === "invalid_utf8")!;
    expect(utf8.raw_text).toContain("\uFFFD");

    // A broken order line loses its order, whose line items then become dead letters
    // (no parent, so no updatedAt); a broken line item loses itself; the rest lands.
    const lines = new TextDecoder().decode(exp.bytes).replace(/\uFFFD+\(/g, "").split("\n");
    const broken = new Set<string>();
    for (const i of injected.filter((x) => x.fault !== "empty_lines")) broken.add(/"id":"(gid:\/\/shopify\/\w+\/\d+)"/.exec(lines[i.line - 1]!)![1]!);
    const orphans = failures.filter((f) => f.message.includes("is not in this file"));
    expect(result.deadLetters).toBe(failures.length);
    for (const orphan of orphans) expect(broken.has(JSON.parse(orphan.raw_text).__parentId)).toBe(true);
    const brokenOrders = [...broken].filter((id) => id.includes("/Order/"));
    expect(brokenOrders.length).toBeGreaterThan(0);
    const orphanedLines = brokenOrders.flatMap((id) => (sim.admin.node(id)!.lineItems as { id: string }[]).filter((l) => !broken.has(l.id)));
    expect(orphans.length).toBe(orphanedLines.length);
    const checked = await expectOrdersMatchTruth(db.sql, sim, broken);
    expect(checked).toBeGreaterThan(sim.admin.counts().orders - 5);

    // A rerun of the same file records no failure twice.
    await ingest({ op: { ...exp.op, objectCount: String(result.lines) }, bytes }, "orders");
    expect((await db.sql`select count(*)::int as n from ingest_failures`)[0]!.n).toBe(failures.length);
  });

  it("a file of nothing but bad lines is dead-lettered in full across batches, every line once", async () => {
    await resetMirror(db.sql);
    const exp = await bulkExport(sim, CUSTOMERS_BULK_QUERY(""));
    const bad = Array.from({ length: 500 }, (_, i) => `{"id":"gid://shopify/Customer/${i}","updatedAt":`).join("\n");
    const result = await ingest({ op: { ...exp.op, objectCount: "500" }, bytes: new TextEncoder().encode(bad) }, "customers");
    expect(result).toMatchObject({ lines: 500, objects: 0, deadLetters: 500, maxUpdatedAt: null });
    const rows = await db.sql<{ line_number: string; error_class: string }[]>`select line_number, error_class from ingest_failures order by line_number`;
    expect(rows.map((r) => Number(r.line_number))).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.error_class))).toEqual(new Set(["json_syntax"]));
  });

  it("fails loudly when the line count differs from Shopify's objectCount, merging nothing", async () => {
    await resetMirror(db.sql);
    const exp = await bulkExport(sim, CUSTOMERS_BULK_QUERY(""));
    const cut = exp.bytes.lastIndexOf(10, exp.bytes.length - 2) + 1; // drop the last line
    const err = await ingest({ op: exp.op, bytes: exp.bytes.slice(0, cut) }, "customers").catch((e) => e);
    expect(err).toBeInstanceOf(ObjectCountMismatchError);
    expect(err.message).toMatch(new RegExp(`${Number(exp.op.objectCount) - 1} objects .* objectCount ${exp.op.objectCount}`));
    expect((await db.sql`select count(*)::int as n from raw_shopify_customers`)[0]!.n).toBe(0);
    expect(await staged()).toBe(0);
  });

  it("archives the body to S3 with its sha256 and line count, and a replay from the archive rebuilds the same tables in an empty database", async () => {
    await resetMirror(db.sql);
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    const runId = await recordOperation(db.sql, exp.op, "orders");
    const key = archiveKey({ resource: "orders", runId, bulkOperationId: exp.op.id, at: new Date("2026-11-28T03:00:00Z") });
    expect(key).toBe(`shopify/orders/2026/11/28/${runId}-${exp.op.id.split("/").pop()}.jsonl.gz`);
    const result = await ingestBulkResult({ sql: db.sql, body: streamOf(exp.bytes), resource: "orders", runId, bulkOperationId: exp.op.id, expectedObjects: exp.op.objectCount, archive: { s3, key } });
    const sha256 = createHash("sha256").update(exp.bytes).digest("hex");
    const lineCount = new TextDecoder().decode(exp.bytes).split("\n").length - 1;
    expect(result.archive).toEqual({ bucket: s3.bucket, key, sha256, bytes: exp.bytes.length, lineCount });
    const [recorded] = await db.sql`select * from archive_objects where key = ${key}`;
    expect(recorded).toMatchObject({ bucket: s3.bucket, run_id: String(runId), bulk_operation_id: exp.op.id, resource: "orders", sha256, byte_count: String(exp.bytes.length), line_count: String(lineCount) });
    const original = await dumpMirror(db.sql);

    const empty = await freshDatabase();
    try {
      await recordOperation(empty.sql, exp.op, "orders");
      const replay = await ingestBulkResult({ sql: empty.sql, body: await openArchive({ sql: db.sql, s3, key }), resource: "orders", runId: null, bulkOperationId: exp.op.id, expectedObjects: exp.op.objectCount });
      expect(replay.lines).toBe(result.lines);
      expect(await dumpMirror(empty.sql)).toEqual(original);

      // A recorded digest that does not match the object fails the replay before any merge.
      await resetMirror(empty.sql);
      await db.sql`update archive_objects set sha256 = ${"0".repeat(64)} where key = ${key}`;
      const err = await ingestBulkResult({ sql: empty.sql, body: await openArchive({ sql: db.sql, s3, key }), resource: "orders", runId: null, bulkOperationId: exp.op.id }).catch((e) => e);
      expect(err).toBeInstanceOf(ArchiveIntegrityError);
      expect(err.message).toMatch(/sha256 [0-9a-f]{64} != recorded 0{64}/);
      expect((await empty.sql`select count(*)::int as n from raw_shopify_orders`)[0]!.n).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  it("a connection killed mid-batch surfaces the error, and a rerun converges with no duplicates", async () => {
    await resetMirror(db.sql);
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""));
    const runId = await recordOperation(db.sql, exp.op, "orders");
    const run = (delayMs: number) =>
      ingestBulkResult({ sql: db.sql, body: streamOf(exp.bytes, 2000, delayMs), resource: "orders", runId, bulkOperationId: exp.op.id, expectedObjects: exp.op.objectCount, batchLines: 50 });
    const running = run(2).then(
      () => null,
      (e: Error) => e,
    );
    // Kill the backend while it is inside a staging batch (COPY or its transaction).
    let killed = 0;
    const watcher = db.sql.reserve();
    const admin = await watcher;
    for (let tries = 0; tries < 2000 && !killed; tries++) {
      const rows = await admin`
        select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and query ilike 'copy ingest_staging%' and state <> 'idle'`;
      killed = rows.filter((r) => r.ok).length;
    }
    admin.release();
    expect(killed).toBe(1);
    const error = await running;
    expect(error).toBeInstanceOf(Error);
    expect(String(error?.message)).toMatch(/terminat|connection|closed/i);

    const result = await run(0);
    expect(result.lines).toBe(Number(exp.op.objectCount));
    await expectOrdersMatchTruth(db.sql, sim);
    expect(await staged()).toBe(0);
    expect((await db.sql`select count(*)::int as n from ingest_failures`)[0]!.n).toBe(0);
  });
});
