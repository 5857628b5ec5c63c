// Rules from classification_rules rows: defaults, per-key validation, and
// the seed rows of the migration match DEFAULT_RULES.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, RULE_KEYS, RULE_SCHEMAS, rulesFromRows } from "../../../../f/lib/classify/rules.ts";

describe("classification rules", () => {
  it("defaults when the table is empty, and ignores unknown keys", () => {
    expect(rulesFromRows([])).toEqual(DEFAULT_RULES);
    expect(rulesFromRows([{ key: "some.future_rule", value: 1 }])).toEqual(DEFAULT_RULES);
  });

  it("reads and normalises stored values", () => {
    const rules = rulesFromRows([
      { key: "value_tier.high_min", value: 750 },
      { key: "priority.rush_order_tags", value: ["Rush", "URGENT", "rush"] },
      { key: "sla.weekend_days", value: [6, 5, 5] },
      { key: "sla.holidays", value: ["2026-12-25", "2026-01-01"] },
    ]);
    expect(rules.highMin).toBe(750);
    expect(rules.rushOrderTags).toEqual(["rush", "urgent"]);
    expect(rules.weekendDays).toEqual([5, 6]);
    expect(rules.holidays).toEqual(["2026-01-01", "2026-12-25"]);
  });

  it.each([
    ["value_tier.high_min", -1],
    ["value_tier.mid_min", "100"],
    ["priority.rush_order_tags", [""]],
    ["sla.stock_business_days", 1.5],
    ["sla.rush_divisor", 0],
    ["sla.weekend_days", [0, 1, 2, 3, 4, 5, 6]],
    ["sla.holidays", ["25/12/2026"]],
  ] as const)("refuses a bad stored %s", (key, value) => {
    expect(() => rulesFromRows([{ key, value }])).toThrow(new RegExp(`classification_rules.${key.replace(".", "\\.")}`));
  });

  it("refuses tiers out of order", () => {
    expect(() => rulesFromRows([{ key: "value_tier.mid_min", value: 900 }])).toThrow(/mid_min .* above .*high_min/);
  });

  it("the migration seeds exactly the defaults", () => {
    const migration = readFileSync(new URL("../../../../sql/20261128000005_marts.sql", import.meta.url), "utf8");
    const rows = [...migration.matchAll(/\('([a-z_]+\.[a-z_]+)',\s*'([^']*)'/g)].map((m) => ({ key: m[1]!, value: JSON.parse(m[2]!) }));
    expect(rows.map((r) => r.key).sort()).toEqual([...RULE_KEYS].sort());
    expect(rulesFromRows(rows)).toEqual(DEFAULT_RULES);
    for (const r of rows) expect(RULE_SCHEMAS[r.key as keyof typeof RULE_SCHEMAS].safeParse(r.value).success).toBe(true);
  });
});
