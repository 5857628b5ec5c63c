// retryDeadLetters on real files: a simulator orders export with two order
// lines taken out, so their line items are orphaned dead letters in an
// archived file. Once the orders are in the mirror, a retry re-reads the lines
// from the archive and merges them (or, for an order changed since the export,
// resolves them as superseded without writing); a tampered archive is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { gzipSync } from "node:zlib";
import { s3Resource } from "../../../../local/bindings.ts";
import type { Simulator } from "../../../../local/sim/server.ts";
import { archiveKey, s3Client } from "../../../../f/lib/archive.ts";
import { retryDeadLetters } from "../../../../f/lib/deadletters/retry.ts";
import { deadLettersById } from "../../../../f/lib/deadletters/rows.ts";
import { ingestBulkResult } from "../../../../f/lib/ingest/index.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { testS3 } from "../../../helpers/runner.ts";
import { startTestSimulator } from "../../../sim/helpers.ts";
import { ORDERS_BULK_QUERY } from "../../../shopify/fixtures/bulk_queries.ts";
import { bulkExport, recordOperation, streamOf } from "../ingest/helpers.ts";

let db: TestDatabase;
let sim: Simulator;
const s3 = s3Resource(testS3());
const actor = { email: "olivia@shop.local" };
const enc = new TextEncoder();

beforeAll(async () => {
  db = await freshDatabase();
  sim = await startTestSimulator({ seed: "dead-letter-retry", orders: 60 });
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

const openIds = async () => (await db.sql<{ id: number }[]>`select id::int from ingest_failures where resolved_at is null order by id`).map((r) => r.id);

describe("retryDeadLetters", () => {
  it("merges orphaned line items from the archive once their order is in, and supersedes those of a changed order", async () => {
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""), "adjacent");
    const lines = new TextDecoder().decode(exp.bytes).split("\n").filter(Boolean);
    const nodes = lines.map((l) => JSON.parse(l));
    const parents = nodes.filter((n) => n.id.includes("/Order/") && nodes.some((c) => c.__parentId === n.id)).slice(0, 2).map((n) => n.id as string);
    expect(parents).toHaveLength(2);
    const [kept, changed] = parents as [string, string];
    const fileA = lines.filter((l) => !parents.includes(JSON.parse(l).id));
    const fileB = lines.filter((l) => parents.includes(JSON.parse(l).id));

    const runId = await recordOperation(db.sql, exp.op, "orders");
    const key = archiveKey({ resource: "orders", runId, bulkOperationId: exp.op.id });
    const a = await ingestBulkResult({ sql: db.sql, body: streamOf(enc.encode(fileA.join("\n") + "\n")), resource: "orders", runId, bulkOperationId: exp.op.id, archive: { s3, key } });
    const orphanLines = nodes.filter((n) => parents.includes(n.__parentId));
    expect(a.deadLetters).toBe(orphanLines.length);
    const ids = await openIds();
    const rows = await deadLettersById(db.sql, ids);
    expect(rows.every((r) => r.error_class === "invalid_record" && r.archive_key === key)).toBe(true);

    // Before the orders are in: nothing changes.
    const early = await retryDeadLetters(db.sql, s3, rows, actor, null);
    expect(early.map((o) => o.outcome)).toEqual(rows.map(() => "still_failing"));
    expect(await openIds()).toEqual(ids);

    // The two orders arrive by another file (same export time); one of them then changes (after the export).
    const opB = { ...exp.op, id: `${exp.op.id}9` };
    await recordOperation(db.sql, opB, "orders");
    await ingestBulkResult({ sql: db.sql, body: streamOf(enc.encode(fileB.join("\n") + "\n")), resource: "orders", runId, bulkOperationId: opB.id });
    await db.sql`update raw_shopify_orders set updated_at = ${new Date(Date.parse(exp.op.completedAt) + 3_600_000)} where id = ${changed}`;
    expect((await db.sql`select count(*)::int as n from raw_shopify_line_items where order_id = any(${parents})`)[0]!.n).toBe(0);

    const outcomes = await retryDeadLetters(db.sql, s3, rows, actor, "job-1");
    const parentOf = new Map(rows.map((r) => [r.id, JSON.parse(r.raw_text).__parentId as string]));
    const byParent = (p: string) => outcomes.filter((o) => parentOf.get(o.id) === p);
    expect(byParent(kept).length).toBeGreaterThan(0);
    expect(byParent(kept).map((o) => o.outcome).every((o) => o === "merged")).toBe(true);
    expect(byParent(changed).map((o) => [o.outcome, "message" in o ? o.message : o.resolution])).toEqual(byParent(changed).map(() => ["superseded", expect.any(String)]));
    expect(await openIds()).toEqual([]);

    const [order] = await db.sql<{ updated_at: Date }[]>`select updated_at from raw_shopify_orders where id = ${kept}`;
    const items = await db.sql<{ id: string; updated_at: Date; quantity: number }[]>`select id, updated_at, quantity from raw_shopify_line_items where order_id = ${kept} order by id`;
    const expected = orphanLines.filter((n) => n.__parentId === kept).sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(items.map((i) => [i.id, i.quantity, i.updated_at.toISOString()])).toEqual(expected.map((n) => [n.id, n.quantity, order!.updated_at.toISOString()]));
    expect((await db.sql`select count(*)::int as n from raw_shopify_line_items where order_id = ${changed}`)[0]!.n).toBe(0);
    const audits = await db.sql<{ actor: string; job_id: string }[]>`select actor, job_id from audit_log where action = 'ingest_failure.retry'`;
    expect(audits).toHaveLength(rows.length);
    expect(audits[0]).toEqual({ actor: "olivia@shop.local", job_id: "job-1" });
    expect((await db.sql`select count(*)::int as n from ingest_staging`)[0]!.n).toBe(0);
  });

  it("refuses a tampered archive object, naming it, and resolves nothing", async () => {
    const exp = await bulkExport(sim, ORDERS_BULK_QUERY(""), "adjacent");
    const lines = new TextDecoder().decode(exp.bytes).split("\n").filter(Boolean);
    const order = lines.findIndex((l) => JSON.parse(l).id.includes("/Order/") && lines.some((c) => c.includes(`"__parentId":"${JSON.parse(l).id}"`)));
    const file = lines.filter((_, i) => i !== order).join("\n") + "\n";
    const runId = await recordOperation(db.sql, exp.op, "orders");
    const key = archiveKey({ resource: "orders", runId, bulkOperationId: exp.op.id });
    await ingestBulkResult({ sql: db.sql, body: streamOf(enc.encode(file)), resource: "orders", runId, bulkOperationId: exp.op.id, archive: { s3, key } });
    const rows = await deadLettersById(db.sql, await openIds());
    expect(rows.length).toBeGreaterThan(0);
    await s3Client(s3).send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: gzipSync(file.replace(/"quantity":\d+/, '"quantity":99')) }));
    await expect(retryDeadLetters(db.sql, s3, rows, actor, null)).rejects.toThrow(new RegExp(`archive object ${key.replaceAll("/", "\\/")} does not match archive_objects: sha256`));
    expect(await openIds()).toEqual(rows.map((r) => r.id));
  });
});
