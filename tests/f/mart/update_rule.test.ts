// f/mart/update_rule and f/mart/refresh through the local runner: Ops
// changes the high-value threshold, the next refresh reclassifies, and the
// change is audited with who and before/after; a non-ops caller and bad input
// are refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFor } from "../../../local/runtime/identity.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";
import { writeRows } from "../lib/marts/store_rows.ts";

const DB = "$res:f/platform/db";
let db: TestDatabase;
let runner: Runner;

const order = (n: number, total: string) => ({
  id: `gid://shopify/Order/${n}`, name: `#${n}`, created_at: "2026-11-16T15:00:00Z", updated_at: "2026-11-16T15:00:00Z",
  processed_at: "2026-11-16T15:00:00Z", tags: [], test: false, currency: "USD", total_price: total, payload: {},
});

async function tiers(): Promise<Record<string, string>> {
  const rows = await db.sql<{ order_id: string; value_tier: string }[]>`select order_id, value_tier from mart_orders order by order_id`;
  return Object.fromEntries(rows.map((r) => [r.order_id.split("/").pop()!, r.value_tier]));
}

async function writes() {
  const [rules] = await db.sql`select jsonb_object_agg(key, jsonb_build_array(value, updated_by)) as all from classification_rules`;
  const [audit] = await db.sql`select count(*)::int as n from audit_log`;
  return { rules: rules!.all, audit: audit!.n };
}

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db);
  await writeRows(db.sql, { orders: [order(1, "150.00"), order(2, "300.00"), order(3, "600.00"), order(4, "99.99")] });
});
afterAll(async () => db?.drop());

describe("f/mart/update_rule", () => {
  it("Ops lowers the high threshold; the next refresh reclassifies; the audit says who and before/after", async () => {
    const first = await runner.run("f/mart/refresh", { db: DB }, { user: identityFor("admin") });
    expect(first.status, JSON.stringify(first.error)).toBe("success");
    expect(first.result).toMatchObject({ mode: "full", orders: 4 });
    expect(await tiers()).toEqual({ 1: "mid", 2: "mid", 3: "high", 4: "low" });

    const edit = await runner.run("f/mart/update_rule", { db: DB, key: "value_tier.high_min", value: 250 }, { user: identityFor("olivia") });
    expect(edit.status, JSON.stringify(edit.error)).toBe("success");
    expect(edit.result).toEqual({ key: "value_tier.high_min", before: 500, after: 250, changed: true });

    // An incremental request rebuilds in full: the rules changed since the last rebuild.
    const refresh = await runner.run("f/mart/refresh", { db: DB, order_ids: ["gid://shopify/Order/1"] }, { user: identityFor("admin") });
    expect(refresh.result).toMatchObject({ mode: "full", reason: expect.stringMatching(/rule/) });
    expect(await tiers()).toEqual({ 1: "mid", 2: "high", 3: "high", 4: "low" });

    const audit = await db.sql`select * from audit_log`;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: "olivia@shop.local", action: "classification_rule.update", entity: "classification_rules", entity_id: "value_tier.high_min",
      before: { value: 500 }, after: { value: 250 }, job_id: edit.job.id,
    });
    const [rule] = await db.sql`select value, updated_by from classification_rules where key = 'value_tier.high_min'`;
    expect(rule).toEqual({ value: 250, updated_by: "olivia@shop.local" });

    // The same value again changes nothing and adds no audit row.
    const again = await runner.run("f/mart/update_rule", { db: DB, key: "value_tier.high_min", value: 250 }, { user: identityFor("olivia") });
    expect(again.result).toMatchObject({ changed: false });
    expect((await writes()).audit).toBe(1);
  });

  it("refuses a caller outside ops (also as an app viewer) with nothing written", async () => {
    const before = await writes();
    const felix = await runner.run("f/mart/update_rule", { db: DB, key: "value_tier.high_min", value: 1 }, { user: identityFor("felix") });
    expect(felix.status).toBe("failure");
    expect(felix.error).toMatchObject({ name: "ForbiddenError", message: expect.stringMatching(/felix@shop.local may not do this: it needs the ops team/) });
    // Published by an admin, viewed by a designer: the viewer is checked.
    const viewer = await runner.run("f/mart/update_rule", { db: DB, key: "value_tier.high_min", value: 1 }, { user: identityFor("admin"), endUserEmail: "dana@shop.local" });
    expect(viewer.status).toBe("failure");
    expect(viewer.error?.message).toMatch(/dana@shop.local/);
    expect(await writes()).toEqual(before);
  });

  it.each([
    ["an unknown key", { key: "value_tier.huge_min", value: 1 }, "key", /must be one of value_tier.high_min/],
    ["a negative threshold", { key: "value_tier.mid_min", value: -5 }, "value", /0 or more/],
    ["a threshold as text", { key: "value_tier.mid_min", value: "100" }, "value", /number/],
    ["an empty tag", { key: "priority.rush_order_tags", value: ["rush", " "] }, "value.1", /must not be empty/],
    ["a bad holiday", { key: "sla.holidays", value: ["2026-12-25", "Christmas"] }, "value.1", /YYYY-MM-DD/],
    ["fractional days", { key: "sla.custom_business_days", value: 2.5 }, "value", /whole number/],
    ["no business day left", { key: "sla.weekend_days", value: [0, 1, 2, 3, 4, 5, 6] }, "value", /business day/],
    ["mid above high", { key: "value_tier.mid_min", value: 400 }, "value", /mid_min \(400\) is above value_tier.high_min \(250\)/],
  ])("refuses %s with a field-level error and writes nothing", async (_name, args, field, message) => {
    const before = await writes();
    const out = await runner.run("f/mart/update_rule", { db: DB, ...args }, { user: identityFor("olivia") });
    expect(out.status).toBe("failure");
    expect(out.error?.name).toBe("ValidationError");
    const fields = out.error?.fields as Record<string, string[]>;
    expect(Object.keys(fields)).toContain(field);
    expect(fields[field]!.join(" ")).toMatch(message);
    expect(await writes()).toEqual(before);
  });
});
