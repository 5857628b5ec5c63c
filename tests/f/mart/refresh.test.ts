// f/mart/refresh as the sync calls it (through the local runner): full
// first, then incremental for the ids it touched; arguments are checked
// against the script's schema.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Runner } from "../../../local/runtime/runner.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";
import { writeRows } from "../lib/marts/store_rows.ts";

const DB = "$res:f/platform/db";
let db: TestDatabase;
let runner: Runner;

const order = (n: number, day: string, tags: string[] = []) => ({
  id: `gid://shopify/Order/${n}`, name: `#${n}`, created_at: `${day}T15:00:00Z`, updated_at: `${day}T15:00:00Z`,
  processed_at: `${day}T15:00:00Z`, tags, test: false, currency: "USD", total_price: "20", payload: {},
});

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db);
  await writeRows(db.sql, { orders: [order(1, "2026-11-02"), order(2, "2026-11-03"), order(3, "2026-11-04")] });
});
afterAll(async () => db?.drop());

it("rebuilds in full the first time, then refreshes only the touched orders and their days", async () => {
  const first = await runner.run("f/mart/refresh", { db: DB, order_ids: ["gid://shopify/Order/1"] });
  expect(first.status, JSON.stringify(first.error)).toBe("success");
  expect(first.result).toMatchObject({ mode: "full", reason: "the marts were never built", orders: 3, days: 3 });

  await writeRows(db.sql, { orders: [order(2, "2026-11-03", ["rush"])] });
  const next = await runner.run("f/mart/refresh", { db: DB, order_ids: ["gid://shopify/Order/2"] });
  expect(next.result).toMatchObject({ mode: "incremental", orders: 1, days: 1 });
  const rows = await db.sql`select order_id, priority from mart_orders order by order_id`;
  expect(rows.map((r) => r.priority)).toEqual(["standard", "rush", "standard"]);
  const logs = (await runner.jobs.logs(next.job.id)).map((l) => l.line).join("\n");
  expect(logs).toMatch(/marts: incremental refresh of 1 orders over 1 days/);
});

it("refuses arguments that do not match the schema", async () => {
  await expect(runner.run("f/mart/refresh", { db: DB, order_ids: "gid://shopify/Order/1" })).rejects.toThrow(/argument "order_ids" must be an array/);
  expect((await db.sql`select count(*)::int as n from mart_orders`)[0]!.n).toBe(3);
});
