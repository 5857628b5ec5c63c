// The S3 archive against the test run's s3rver: a multipart gzip upload of a
// streamed body, its digest, the verified read-back, and an aborted upload.
import { createHash, randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Resource } from "../../../local/bindings.ts";
import { ArchiveIntegrityError, archiveKey, JsonlDigest, openArchive, recordArchive, s3Client, startArchive } from "../../../f/lib/archive.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testS3 } from "../../helpers/runner.ts";

const s3 = s3Resource(testS3());
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function streamOf(bytes: Uint8Array, chunk = 65_536): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

/** Drains a stream, returning its bytes. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}

/** ~8 MB of JSONL that gzip barely shrinks (random base64), so the upload needs several 5 MB parts. */
function incompressibleJsonl(lines: number): Uint8Array {
  const text = Array.from({ length: lines }, (_, i) => JSON.stringify({ id: `gid://shopify/Order/${i}`, blob: randomBytes(1500).toString("base64") })).join("\n");
  return new TextEncoder().encode(text); // no final newline: the last line still counts
}

describe("archive", () => {
  it("builds keys as shopify/<resource>/<yyyy>/<mm>/<dd>/<run>-<job>.jsonl.gz", () => {
    expect(archiveKey({ resource: "orders", runId: 42, bulkOperationId: "gid://shopify/BulkOperation/3300000000007", at: new Date("2026-03-04T23:59:59Z") })).toBe("shopify/orders/2026/03/04/42-3300000000007.jsonl.gz");
    expect(() => archiveKey({ resource: "orders", runId: 1, bulkOperationId: "nope" })).toThrow(/not a gid:\/\/shopify\/BulkOperation/);
  });

  it("counts lines like the file has them, with or without a final newline", () => {
    for (const [text, lines] of [["", 0], ["a", 1], ["a\n", 1], ["a\n\nb", 3], ["\n", 1]] as const) {
      const d = new JsonlDigest();
      d.update(new TextEncoder().encode(text));
      expect(d.digest().lineCount).toBe(lines);
    }
  });

  it("streams a multipart gzip upload (s3rver supports multipart) while passing the bytes through unchanged", async () => {
    const bytes = incompressibleJsonl(4000);
    const key = `test/multipart-${randomBytes(4).toString("hex")}.jsonl.gz`;
    // Watch the S3 calls the upload makes (s3rver's ETag is a plain md5, so it cannot tell).
    const commands: string[] = [];
    const client = s3Client(s3);
    client.middlewareStack.add((next, context) => (args) => (commands.push(context.commandName!), next(args)), { step: "initialize", name: "recordCommands" });
    const archive = startArchive({ s3, key, partSize: 5 * 1024 * 1024 });
    const passed = await drain(streamOf(bytes).pipeThrough(archive.tap));
    const summary = await archive.done;
    client.middlewareStack.remove("recordCommands");
    expect(commands.filter((c) => c === "UploadPartCommand").length).toBeGreaterThanOrEqual(2);
    expect(commands).toContain("CompleteMultipartUploadCommand");
    expect(commands).not.toContain("PutObjectCommand");
    expect(Buffer.compare(Buffer.from(passed), Buffer.from(bytes))).toBe(0);
    expect(summary).toEqual({ bucket: s3.bucket, key, sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length, lineCount: 4000 });

    const head = await s3Client(s3).send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentType).toBe("application/gzip");
    const object = await s3Client(s3).send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const stored = gunzipSync(await object.Body!.transformToByteArray());
    expect(Buffer.compare(stored, Buffer.from(bytes))).toBe(0);

    await recordArchive(db.sql, summary, { runId: null, bulkOperationId: null, resource: "orders" });
    const back = await drain(await openArchive({ sql: db.sql, s3, key }));
    expect(Buffer.compare(Buffer.from(back), Buffer.from(bytes))).toBe(0);
  });

  it("a small body is a single PutObject, read back verified", async () => {
    const bytes = new TextEncoder().encode('{"id":"gid://shopify/Customer/1"}\n{"id":"gid://shopify/Customer/2"}\n');
    const key = `test/small-${randomBytes(4).toString("hex")}.jsonl.gz`;
    const archive = startArchive({ s3, key });
    await drain(streamOf(bytes).pipeThrough(archive.tap));
    const summary = await archive.done;
    await recordArchive(db.sql, summary, { runId: null, bulkOperationId: null, resource: "customers" });
    expect(new TextDecoder().decode(await drain(await openArchive({ sql: db.sql, s3, key })))).toBe(new TextDecoder().decode(bytes));
  });

  it("the reader fails at the end of the stream when the object does not match its record", async () => {
    const bytes = new TextEncoder().encode('{"a":1}\n{"a":2}\n');
    const key = `test/mismatch-${randomBytes(4).toString("hex")}.jsonl.gz`;
    const archive = startArchive({ s3, key });
    await drain(streamOf(bytes).pipeThrough(archive.tap));
    await recordArchive(db.sql, { ...(await archive.done), lineCount: 3 }, { runId: null, bulkOperationId: null, resource: "orders" });
    const err = await drain(await openArchive({ sql: db.sql, s3, key })).catch((e) => e);
    expect(err).toBeInstanceOf(ArchiveIntegrityError);
    expect(err.message).toMatch(/lineCount 2 != recorded 3/);
    await expect(openArchive({ sql: db.sql, s3, key: "test/never-recorded.jsonl.gz" })).rejects.toThrow(/not recorded in archive_objects/);
  });

  it("a failing upload fails the archive (neither a stall nor a silent success)", async () => {
    const archive = startArchive({ s3: { ...s3, bucket: "no-such-bucket" }, key: "test/failing.jsonl.gz", partSize: 5 * 1024 * 1024 });
    // Depending on when S3 answers, the stream errors early or drains; `done` fails either way.
    await drain(streamOf(incompressibleJsonl(4000)).pipeThrough(archive.tap)).catch(() => undefined);
    await expect(archive.done).rejects.toThrow(/bucket/i);
  });

  it("an aborted upload leaves no object behind", async () => {
    const key = `test/aborted-${randomBytes(4).toString("hex")}.jsonl.gz`;
    const archive = startArchive({ s3, key, partSize: 5 * 1024 * 1024 });
    const source = streamOf(incompressibleJsonl(4000)).pipeThrough(archive.tap);
    const reader = source.getReader();
    for (let i = 0; i < 100; i++) await reader.read(); // ~6.5 MB: the first part is on its way
    await reader.cancel();
    await archive.abort(new Error("download failed"));
    await expect(archive.done).rejects.toThrow();
    const listed = await s3Client(s3).send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: key }));
    expect(listed.Contents ?? []).toEqual([]);
  });
});
