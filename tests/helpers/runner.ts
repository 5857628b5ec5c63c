// A Runner on a test database, bound like a local session.
import { inject } from "vitest";
import { localBindings } from "../../local/bindings.ts";
import { repoRoot, type ShopifySettings } from "../../local/config.ts";
import { testBucket } from "./buckets.ts";
import { ResourceStore } from "../../local/runtime/resources.ts";
import { Runner } from "../../local/runtime/runner.ts";
import type { TestDatabase } from "./db.ts";

/** The test S3, with this worker's own archive bucket (see buckets.ts). */
export function testS3() {
  return { endpoint: inject("s3Endpoint"), bucket: testBucket(), accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1", pathStyle: true };
}

/** `shopify`: what $res:f/platform/shopify means (e.g. a simulator started by the test). */
export function testRunner(db: TestDatabase, opts: { root?: string; timeScale?: number; shopify?: ShopifySettings } = {}): Runner {
  const root = opts.root ?? repoRoot;
  const resources = new ResourceStore(localBindings({ databaseUrl: db.url, s3: testS3(), shopify: opts.shopify, env: {} }), root);
  return new Runner({ sql: db.sql, root, resources, timeScale: opts.timeScale ?? 0.01 });
}
