// The refresh's SQL business-day calendar gives the same due times as the
// pure addBusinessDays, across timezones with and without DST (including a
// weekday DST gap), weekends, holidays, and times near midnight and 02:00.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBusinessDays, DEFAULT_RULES, slaBusinessDays } from "../../../../f/lib/classify/index.ts";
import { refreshMarts } from "../../../../f/lib/marts/refresh.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";
import { writeRows } from "./store_rows.ts";

const HOLIDAYS = ["2026-01-01", "2026-04-03", "2026-07-03", "2026-11-26", "2026-12-25"];

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
  await db.sql`update classification_rules set value = ${db.sql.json(HOLIDAYS)}, updated_at = now() where key = 'sla.holidays'`;
});
afterAll(async () => db?.drop());

/** Deterministic instants: spread over 2026, plus the hours around midnight and 02:00 UTC-ish. */
function instants(count: number): Date[] {
  let x = 12345;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const start = Date.parse("2026-01-01T00:00:00Z");
  // Wednesday 02:15/02:45 in Jerusalem: + 2 business days lands in Friday's DST gap.
  const gap = [new Date("2026-03-25T00:15:00Z"), new Date("2026-03-25T00:45:00Z")];
  return [...gap, ...Array.from({ length: count }, (_, i) => {
    const day = Math.floor(next() * 360);
    const minute = i % 3 === 0 ? Math.floor(next() * 1440) : [0, 30, 90, 150, 1410][i % 5]! + Math.floor(next() * 40) * 60;
    return new Date(start + day * 86_400_000 + minute * 60_000);
  })];
}

describe("SLA in SQL equals the pure rules", () => {
  it.each(["America/New_York", "Asia/Jerusalem", "Australia/Sydney", "Europe/London", "Asia/Kolkata"])("in %s", async (tz) => {
    await db.sql`delete from raw_shopify_orders`;
    await db.sql`update shop_settings set timezone = ${tz}, updated_at = now()`;
    const at = instants(400);
    const orders = at.map((t, i) => ({
      id: `gid://shopify/Order/${i}`, name: `#${i}`, created_at: t, updated_at: t, processed_at: t,
      tags: i % 4 === 1 ? ["rush"] : [], test: false, currency: "USD", total_price: "10", payload: {},
    }));
    await writeRows(db.sql, { orders });
    await refreshMarts(db.sql, { full: true });
    const rows = await db.sql<{ order_id: string; due_at: Date; sla_business_days: number }[]>`select order_id, due_at, sla_business_days from mart_orders`;
    expect(rows.length).toBe(at.length);
    const byId = new Map(rows.map((r) => [r.order_id, r]));
    const rules = { ...DEFAULT_RULES, holidays: HOLIDAYS };
    for (const [i, t] of at.entries()) {
      const days = slaBusinessDays("stock", i % 4 === 1 ? "rush" : "standard", rules);
      const row = byId.get(`gid://shopify/Order/${i}`)!;
      expect(row.sla_business_days).toBe(days);
      expect(row.due_at.toISOString(), `${tz} ${t.toISOString()} + ${days}`).toBe(addBusinessDays(t, days, tz, rules).toISOString());
    }
  });
});
