// Shop settings and rules as stored: the migration's seeds are the defaults,
// the sync's saveShopSettings only bumps the version on a real change, and a
// changed timezone makes the next incremental refresh rebuild in full.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_RULES } from "../../../../f/lib/classify/rules.ts";
import { refreshMarts } from "../../../../f/lib/marts/refresh.ts";
import { loadRules, loadShopSettings, rulesVersion, saveShopSettings } from "../../../../f/lib/marts/settings.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { writeRows } from "./store_rows.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.drop());

it("reads the seeded rules as the defaults and the default shop", async () => {
  expect(await loadRules(db.sql)).toEqual(DEFAULT_RULES);
  expect(await loadShopSettings(db.sql)).toEqual({ timezone: "UTC", currency: "USD", countryCode: "US" });
});

it("saves the shop's facts, bumping the version only when they change", async () => {
  await saveShopSettings(db.sql, { timezone: "America/Toronto", currency: "CAD", countryCode: "ca" });
  expect(await loadShopSettings(db.sql)).toEqual({ timezone: "America/Toronto", currency: "CAD", countryCode: "CA" });
  const version = await rulesVersion(db.sql);
  await saveShopSettings(db.sql, { timezone: "America/Toronto", currency: "CAD", countryCode: "CA" });
  expect(await rulesVersion(db.sql)).toEqual(version);
  await expect(saveShopSettings(db.sql, { timezone: "Mars/Olympus", currency: "CAD", countryCode: "CA" })).rejects.toThrow(/unknown timezone "Mars\/Olympus"/);
});

it("a changed timezone moves days, through a full rebuild", async () => {
  // 03:00 UTC on the 17th is the 16th in Toronto and the 17th in Tokyo.
  await writeRows(db.sql, {
    orders: [{ id: "gid://shopify/Order/1", name: "#1", created_at: "2026-11-17T03:00:00Z", updated_at: "2026-11-17T03:00:00Z", processed_at: "2026-11-17T03:00:00Z", tags: [], test: false, currency: "CAD", total_price: "10", payload: {} }],
  });
  await refreshMarts(db.sql, { full: true });
  const day = async () => (await db.sql`select shop_day from mart_orders`)[0]!.shop_day.toISOString().slice(0, 10);
  expect(await day()).toBe("2026-11-16");
  await saveShopSettings(db.sql, { timezone: "Asia/Tokyo", currency: "CAD", countryCode: "CA" });
  const result = await refreshMarts(db.sql, { orderIds: [] });
  expect(result).toMatchObject({ mode: "full", reason: expect.stringMatching(/shop setting/) });
  expect(await day()).toBe("2026-11-17");
  expect(await refreshMarts(db.sql, { orderIds: [] })).toMatchObject({ mode: "incremental", orders: 0 });
});
