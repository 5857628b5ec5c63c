// openSession honours the environment (SPEC section 4): DATABASE_URL and
// S3_* point it at external services and nothing is embedded; unset, both
// are embedded in WM_LOCAL_DATA_DIR on the configured ports.
import { HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeAll } from "../../../f/lib/db.ts";
import { ARCHIVE_BUCKET, loadConfig } from "../../../local/config.ts";
import { openSession, type Session } from "../../../local/session.ts";
import { freePort } from "../../global-setup.ts";
import { s3Client } from "./s3-client.ts";

let dataDir: string;
let externalDb: { name: string; url: string };
const sessions: Session[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "wm-session-"));
  chmodSync(dataDir, 0o755);
  // An empty database (not the migrated template): openSession must migrate it.
  const adminUrl = inject("pgAdminUrl");
  const name = `ext_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  externalDb = { name, url: adminUrl.replace(/\/postgres$/, `/${name}`) };
});
afterAll(async () => {
  await closeAll();
  for (const s of sessions) await s.close().catch(() => {});
  const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${externalDb.name} with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

async function open(env: NodeJS.ProcessEnv): Promise<{ session: Session; ms: number }> {
  const t0 = performance.now();
  const session = await openSession({ config: loadConfig(env) });
  sessions.push(session);
  return { session, ms: Math.round(performance.now() - t0) };
}

describe("environment overrides", () => {
  it("DATABASE_URL and S3_* are used and nothing is embedded", async () => {
    const dir = join(dataDir, "external");
    const [pgPort, s3Port] = [await freePort(), await freePort()];
    const { session } = await open({
      WM_LOCAL_DATA_DIR: dir, WM_LOCAL_PG_PORT: String(pgPort), WM_LOCAL_S3_PORT: String(s3Port),
      DATABASE_URL: externalDb.url,
      S3_ENDPOINT: inject("s3Endpoint"), S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER", S3_BUCKET: ARCHIVE_BUCKET,
      SHOPIFY_STORE_DOMAIN: "acme.myshopify.com", SHOPIFY_ADMIN_TOKEN: "token-from-env", SHOPIFY_API_BASE_URL: "http://127.0.0.1:9",
    });
    expect(session.services.databaseUrl).toBe(externalDb.url);
    expect(session.services.s3).toMatchObject({ endpoint: inject("s3Endpoint"), bucket: ARCHIVE_BUCKET, pathStyle: true });
    expect(session.services.describe()).toEqual([
      "postgres  DATABASE_URL",
      `s3        S3_ENDPOINT ${inject("s3Endpoint")}`,
      "shopify   SHOPIFY_STORE_DOMAIN acme.myshopify.com",
    ]);
    expect(await session.services.shopify()).toEqual({
      shop_domain: "acme.myshopify.com", api_version: "2026-10", access_token: "token-from-env",
      client_id: undefined, client_secret: undefined, api_base_url: "http://127.0.0.1:9",
    });
    // No embedded service: no data dir for them, nothing on their ports.
    expect(existsSync(join(dir, "pg"))).toBe(false);
    expect(existsSync(join(dir, "s3"))).toBe(false);
    expect(await listening(pgPort)).toBe(false);
    expect(await listening(s3Port)).toBe(false);
    // The session's database is the external one, migrated by openSession.
    const [{ db }] = await session.sql`select current_database() as db`;
    expect(db).toBe(externalDb.name);
    const [{ n }] = await session.sql`select count(*)::int as n from schema_migrations`;
    expect(n).toBeGreaterThan(0);
    await session.sql`select 1 from wm_local.jobs limit 1`;
    // Scripts see the same services through $res:.
    const db_ = session.runner.resources.resource("f/platform/db") as { dbname: string };
    expect(db_.dbname).toBe(externalDb.name);
    const archive = session.runner.resources.resource("f/platform/archive") as { endPoint: string; bucket: string };
    expect(archive).toMatchObject({ endPoint: inject("s3Endpoint"), bucket: ARCHIVE_BUCKET });
    const outcome = await session.runner.run("f/platform/health", { db: "$res:f/platform/db" });
    expect(outcome.status).toBe("success");
    const [{ jobs }] = await session.sql`select count(*)::int as jobs from wm_local.jobs where path = 'f/platform/health'`;
    expect(jobs).toBe(1);
  });

  it("S3_ENDPOINT without keys is refused with a message naming the variable", () => {
    expect(() => loadConfig({ S3_ENDPOINT: "http://127.0.0.1:1" })).toThrow("S3_ACCESS_KEY_ID is required when S3_ENDPOINT is set");
  });

  it("unset, Postgres and S3 are embedded in WM_LOCAL_DATA_DIR and stop with the session", async () => {
    const dir = join(dataDir, "embedded");
    const env = { WM_LOCAL_DATA_DIR: dir, WM_LOCAL_PG_PORT: String(await freePort()), WM_LOCAL_S3_PORT: String(await freePort()), WM_LOCAL_SIM_PORT: String(await freePort()), WM_LOCAL_SIM_ORDERS: "50" };
    const cold = await open(env);
    const s = cold.session;
    expect(s.services.describe()).toEqual([
      `postgres  embedded, port ${env.WM_LOCAL_PG_PORT}`,
      `s3        embedded, http://127.0.0.1:${env.WM_LOCAL_S3_PORT} bucket ${ARCHIVE_BUCKET}`,
      `shopify   simulator on port ${env.WM_LOCAL_SIM_PORT}, 50 orders, seed 1 (starts when first used)`,
    ]);
    // The simulator starts on first use only, and a second session shares it.
    expect(await listening(Number(env.WM_LOCAL_SIM_PORT))).toBe(false);
    const shop = await s.services.shopify();
    expect(shop.api_base_url).toBe(`http://127.0.0.1:${env.WM_LOCAL_SIM_PORT}`);
    const other = await open(env);
    expect(await other.session.services.shopify()).toEqual(shop);
    expect(other.session.services.describe()[2]).toContain("(shared)");
    await other.session.close();
    expect(await listening(Number(env.WM_LOCAL_SIM_PORT))).toBe(true);
    expect(existsSync(join(dir, "pg", "PG_VERSION"))).toBe(true);
    await s.sql`insert into sync_runs (trigger, status) values ('test', 'succeeded')`;
    const s3 = s3Client(s.services.s3);
    await s3.send(new PutObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: "k", Body: "v" }));
    await s.close();
    expect(await listening(Number(env.WM_LOCAL_PG_PORT))).toBe(false);
    expect(await listening(Number(env.WM_LOCAL_SIM_PORT))).toBe(false);
    expect(await listening(Number(env.WM_LOCAL_S3_PORT))).toBe(false);

    const warm = await open(env);
    console.log(`openSession with embedded services: cold ${cold.ms} ms (initdb, migrations), warm ${warm.ms} ms`);
    const [{ n }] = await warm.session.sql`select count(*)::int as n from sync_runs`;
    expect(n).toBe(1);
    await s3Client(warm.session.services.s3).send(new HeadBucketCommand({ Bucket: ARCHIVE_BUCKET }));
    await warm.session.close();
  });
});
