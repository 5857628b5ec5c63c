// S4 end to end: f/sync/replay_archive through the local runner, over archives
// written by real daily syncs against the simulator (real S3, real Postgres).
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Client, type S3Resource } from "../../../f/lib/archive.ts";
import { identityFor } from "../../../local/runtime/identity.ts";
import { testS3 } from "../../helpers/runner.ts";
import { dumpMirror, RAW_TABLES } from "../lib/ingest/helpers.ts";
import { expectMirrorEqualsTruth, expectSucceeded, runSync, syncHarness, type SyncHarness } from "./helpers.ts";

let h: SyncHarness;
let firstRun: number;

function archiveResource(): S3Resource {
  const s = testS3();
  return { bucket: s.bucket, region: s.region, endPoint: s.endpoint, accessKey: s.accessKeyId, secretKey: s.secretAccessKey, pathStyle: true };
}

const replay = (args: Record<string, unknown>, user?: string) => h.runner.run("f/sync/replay_archive", { db: "$res:f/platform/db", archive: "$res:f/platform/archive", ...args }, user ? { user: identityFor(user) } : {});

beforeAll(async () => {
  h = await syncHarness({ orders: 120, seed: "replay" });
  firstRun = expectSucceeded(await runSync(h)).run_id;
});
afterAll(() => h.close());

describe("f/sync/replay_archive", () => {
  it("replaying a run's archives into an empty mirror reproduces the same raw tables", async () => {
    const synced = await dumpMirror(h.db.sql);
    expect(synced.raw_shopify_orders!.length).toBe(120);
    await h.db.sql.unsafe(`truncate ${RAW_TABLES.join(", ")}`);
    expect((await dumpMirror(h.db.sql)).raw_shopify_orders).toEqual([]);

    const result = expectSucceeded(await replay({ run_ids: [firstRun] }));
    expect(result.objects.map((o: any) => o.resource).sort()).toEqual(["customers", "inventory_levels", "orders", "products"]);
    expect(await dumpMirror(h.db.sql)).toEqual(synced);
    await expectMirrorEqualsTruth(h.db.sql, h.sim);
    // The orders it rewrote went through the mart refresh.
    expect(result.touched_orders).toBe(120);
    expect(result.marts).toMatchObject({ orders: expect.any(Number) });
    const [{ n }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from mart_orders`;
    expect(n).toBe(120);
    const [run] = await h.db.sql`select trigger, status, counts from sync_runs where id = ${result.run_id}`;
    expect(run).toMatchObject({ trigger: "replay", status: "succeeded", counts: expect.objectContaining({ replayed: 4 }) });
  });

  it("replaying an old archive over newer data changes nothing", async () => {
    await h.sim.admin.advanceClock({ ms: 6 * 3_600_000, updates: 30, cancellations: 3, refunds: 3, productUpdates: 5, inventoryUpdates: 10 });
    expectSucceeded(await runSync(h));
    const newer = await dumpMirror(h.db.sql);
    const result = expectSucceeded(await replay({ run_ids: [firstRun], resources: ["orders", "products", "inventory_levels"] }));
    expect(result.objects).toHaveLength(3);
    expect(await dumpMirror(h.db.sql)).toEqual(newer);
    // Unchanged records are rewritten as they were; the updated ones were not older-over-newer.
    const [{ n }] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from raw_shopify_orders where updated_at > ${"2026-11-28T00:00:00Z"}`;
    expect(n).toBeGreaterThan(0);
  });

  it("a tampered archive object is refused, naming it, before anything is written", async () => {
    const [target] = await h.db.sql<{ key: string }[]>`select key from archive_objects where run_id = ${firstRun} and resource = 'orders'`;
    const before = await dumpMirror(h.db.sql);
    // Same line count, one changed price: only the sha256 can tell.
    const original = await h.db.sql<{ payload: any }[]>`select payload from raw_shopify_orders order by id limit 1`;
    const forged = JSON.stringify({ ...original[0]!.payload, updatedAt: "2030-01-01T00:00:00Z" });
    const [{ line_count }] = await h.db.sql<{ line_count: string }[]>`select line_count from archive_objects where key = ${target!.key}`;
    const body = Array.from({ length: Number(line_count) }, () => forged).join("\n") + "\n";
    const s3 = archiveResource();
    await s3Client(s3).send(new PutObjectCommand({ Bucket: s3.bucket, Key: target!.key, Body: gzipSync(body) }));

    const out = await replay({ run_ids: [firstRun] });
    expect(out.status).toBe("failure");
    expect(out.error!.message).toContain(`archive object ${target!.key}`);
    expect(out.error!.message).toMatch(/sha256 [0-9a-f]{64} != recorded/);
    expect(await dumpMirror(h.db.sql)).toEqual(before);
    const [run] = await h.db.sql`select status, error from sync_runs where trigger = 'replay' order by id desc limit 1`;
    expect(run).toMatchObject({ status: "failed", error: expect.stringContaining(target!.key) });
  });

  it("refuses bad input field by field, and callers outside ops", async () => {
    const empty = await replay({});
    expect(empty.status).toBe("failure");
    expect(empty.error!.message).toMatch(/run_ids: select archive objects by run_ids, from\/to, resources or keys/);
    const backwards = await replay({ from: "2026-11-10", to: "2026-11-01" });
    expect(backwards.error!.message).toMatch(/to: must be after from/);
    const felix = await replay({ run_ids: [firstRun] }, "felix");
    expect(felix.status).toBe("failure");
    expect(felix.error!.message).toMatch(/felix@shop.local may not do this: it needs the ops team/);
  });
});
