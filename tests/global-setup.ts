// One embedded Postgres (and one S3 server) for the whole test run, in a
// temporary folder, with a migrated template database each test file clones.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateAll } from "../local/db/migrate.ts";
import { startEmbeddedPostgres } from "../local/services/postgres.ts";
import { startEmbeddedS3 } from "../local/services/s3.ts";
import { ARCHIVE_BUCKET } from "../local/config.ts";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { MAX_TEST_WORKERS, testBucket } from "./helpers/buckets.ts";

export const TEMPLATE_DB = "wm_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    s3Endpoint: string;
    testDataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "wm-test-"));
  chmodSync(dir, 0o755); // the postgres user must be able to reach its data dir
  const pg = await startEmbeddedPostgres({ dir: join(dir, "pg"), port: await freePort() });
  const s3 = await startEmbeddedS3({ dir: join(dir, "s3"), port: 0, bucket: ARCHIVE_BUCKET });
  // One archive bucket per vitest worker (see testS3 in tests/helpers/runner.ts).
  const client = new S3Client({ endpoint: s3.settings.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  for (let pool = 1; pool <= MAX_TEST_WORKERS; pool++) await client.send(new CreateBucketCommand({ Bucket: testBucket(String(pool)) }));
  client.destroy();
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  await migrateAll(pg.url.replace(/\/postgres$/, `/${TEMPLATE_DB}`));
  project.provide("pgAdminUrl", pg.url);
  project.provide("s3Endpoint", s3.settings.endpoint);
  project.provide("testDataDir", dir);
  return async () => {
    await s3.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
