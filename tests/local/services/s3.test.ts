// Embedded S3 (s3rver): the archive bucket exists, objects round-trip through
// the AWS SDK, files survive a restart, a second start on the port shares it.
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_BUCKET } from "../../../local/config.ts";
import { startEmbeddedS3, type EmbeddedS3Handle } from "../../../local/services/s3.ts";
import { freePort } from "../../global-setup.ts";
import { s3Client } from "./s3-client.ts";

let dir: string;
let port: number;
const handles: EmbeddedS3Handle[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wm-s3-"));
  port = await freePort();
});
afterAll(async () => {
  for (const h of handles) await h.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<EmbeddedS3Handle> {
  const t0 = performance.now();
  const h = await startEmbeddedS3({ dir: join(dir, "s3"), port, bucket: ARCHIVE_BUCKET });
  console.log(`embedded S3 start: ${Math.round(performance.now() - t0)} ms`);
  handles.push(h);
  return h;
}

describe("embedded S3", () => {
  const key = "shopify/orders/2026/11/28/1-abc.jsonl.gz";
  const body = new Uint8Array([0x1f, 0x8b, 0, 255, 1, 2, 3]);

  it("serves the archive bucket and round-trips an object", async () => {
    const h = await start();
    expect(h.owned).toBe(true);
    expect(h.settings).toMatchObject({ endpoint: `http://127.0.0.1:${port}`, bucket: ARCHIVE_BUCKET, pathStyle: true });
    const s3 = s3Client(h.settings);
    await s3.send(new HeadBucketCommand({ Bucket: ARCHIVE_BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key, Body: body, ContentType: "application/gzip" }));
    const got = await s3.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
    expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(body);
    const missing = await s3.send(new HeadBucketCommand({ Bucket: "no-such-bucket" })).catch((e) => e);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
  });

  it("a second start on the same port shares the running server", async () => {
    const second = await startEmbeddedS3({ dir: join(dir, "other"), port, bucket: ARCHIVE_BUCKET });
    expect(second.owned).toBe(false);
    await second.stop(); // no-op: not ours
    const list = await s3Client(second.settings).send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET }));
    expect(list.Contents?.map((o) => o.Key)).toEqual([key]);
  });

  it("keeps objects across a restart on the same data dir", async () => {
    await handles[0].stop();
    const refused = await s3Client(handles[0].settings).send(new HeadBucketCommand({ Bucket: ARCHIVE_BUCKET })).catch((e) => e);
    expect(refused).toBeInstanceOf(Error);
    const h = await start();
    const s3 = s3Client(h.settings);
    const got = await s3.send(new GetObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }));
    expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(body);
  });
});
