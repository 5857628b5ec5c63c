// GET api/health through the real route: the HTTP trigger
// f/platform/health (windmill auth) -> flow f/platform/health_route ->
// script f/platform/health with $res:f/platform/db, on a fresh migrated DB.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Runner } from "../../../local/runtime/runner.ts";
import { startServer, type Served } from "../../../local/serve.ts";
import { SYNCED_RESOURCES } from "../../../f/lib/health.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

let db: TestDatabase;
let runner: Runner;
let served: Served;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db);
  served = await startServer({ runner, port: 0, token: "health-token" });
});
afterAll(async () => {
  await served?.close();
  await db.drop();
});

const health = (headers: Record<string, string> = {}) => fetch(`${served.url}/api/r/api/health`, { headers });

it("is served by the workspace's trigger and needs the token", async () => {
  expect(served.triggers.find((t) => t.fullRoute === "api/health")).toMatchObject({ path: "f/platform/health", is_flow: true, authentication_method: "windmill" });
  expect((await health()).status).toBe(401);
  expect((await health({ authorization: "Bearer wrong" })).status).toBe(401);
});

it("returns the health report: DB reachable, migration version, never synced", async () => {
  const res = await health({ authorization: "Bearer health-token" });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  const [{ version }] = await db.sql`select max(version) as version from schema_migrations`;
  expect(body.database).toMatchObject({ reachable: true, migration_version: version });
  expect(version).toMatch(/^\d{14}$/);
  expect(body.sync).toEqual(SYNCED_RESOURCES.map((resource) => ({ resource, last_success: null, age_hours: null, label: "never" })));
  expect(body.status).toBe("degraded");
  const [job] = await db.sql`select kind, path, trigger_kind, trigger_path, status from wm_local.jobs where trigger_kind = 'http' order by created_at desc limit 1`;
  expect(job).toMatchObject({ kind: "flow", path: "f/platform/health_route", trigger_path: "f/platform/health", status: "success" });
});
