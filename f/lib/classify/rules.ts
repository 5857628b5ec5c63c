// The classification rules as data: one zod schema per key of the
// classification_rules table, the defaults the migration seeds, and the
// typed Rules object both the SQL refresh and the pure functions use.
import { z } from "zod";

const tagList = z
  .array(z.string().trim().min(1, "must not be empty").max(100))
  .max(50)
  .transform((tags) => [...new Set(tags.map((t) => t.toLowerCase()))]);
const amount = z.number().finite().nonnegative("must be 0 or more").max(1e12);
const businessDays = z.number().int("must be a whole number").min(0).max(60);
const isoDate = z.iso.date("must be a date YYYY-MM-DD");

export const RULE_SCHEMAS = {
  "value_tier.high_min": amount,
  "value_tier.mid_min": amount,
  "production_type.custom_product_tags": tagList,
  "production_type.design_attribute_keys": tagList,
  "priority.rush_order_tags": tagList,
  "priority.express_shipping_keywords": tagList,
  "customer_type.wholesale_tags": tagList,
  "sla.stock_business_days": businessDays,
  "sla.custom_business_days": businessDays,
  "sla.rush_divisor": z.number().int("must be a whole number").min(1).max(10),
  "sla.weekend_days": z
    .array(z.number().int().min(0).max(6))
    .max(6, "at least one day of the week must be a business day")
    .transform((days) => [...new Set(days)].sort())
    .refine((days) => days.length < 7, "at least one day of the week must be a business day"),
  "sla.holidays": z.array(isoDate).max(1000).transform((days) => [...new Set(days)].sort()),
} as const;

export type RuleKey = keyof typeof RULE_SCHEMAS;
export const RULE_KEYS = Object.keys(RULE_SCHEMAS) as RuleKey[];

export interface Rules {
  highMin: number;
  midMin: number;
  customProductTags: string[];
  designAttributeKeys: string[];
  rushOrderTags: string[];
  expressShippingKeywords: string[];
  wholesaleTags: string[];
  stockBusinessDays: number;
  customBusinessDays: number;
  rushDivisor: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekendDays: number[];
  /** YYYY-MM-DD in the shop timezone */
  holidays: string[];
}

/** Keep equal to the seed rows of sql/20261128000005_marts.sql (a test checks). */
export const DEFAULT_RULES: Rules = {
  highMin: 500,
  midMin: 100,
  customProductTags: ["custom"],
  designAttributeKeys: ["design"],
  rushOrderTags: ["rush"],
  expressShippingKeywords: ["express"],
  wholesaleTags: ["wholesale"],
  stockBusinessDays: 2,
  customBusinessDays: 5,
  rushDivisor: 2,
  weekendDays: [0, 6],
  holidays: [],
};

const FIELD_OF: Record<RuleKey, keyof Rules> = {
  "value_tier.high_min": "highMin",
  "value_tier.mid_min": "midMin",
  "production_type.custom_product_tags": "customProductTags",
  "production_type.design_attribute_keys": "designAttributeKeys",
  "priority.rush_order_tags": "rushOrderTags",
  "priority.express_shipping_keywords": "expressShippingKeywords",
  "customer_type.wholesale_tags": "wholesaleTags",
  "sla.stock_business_days": "stockBusinessDays",
  "sla.custom_business_days": "customBusinessDays",
  "sla.rush_divisor": "rushDivisor",
  "sla.weekend_days": "weekendDays",
  "sla.holidays": "holidays",
};

export function isRuleKey(key: string): key is RuleKey {
  return Object.hasOwn(RULE_SCHEMAS, key);
}

/**
 * Rules from classification_rules rows. A key missing from the table keeps its
 * default; a stored value that no longer parses fails loudly (naming the key)
 * rather than classifying with a guess.
 */
export function rulesFromRows(rows: readonly { key: string; value: unknown }[]): Rules {
  const rules: Record<string, unknown> = { ...DEFAULT_RULES };
  for (const row of rows) {
    if (!isRuleKey(row.key)) continue; // a rule a newer version added; ignored by this one
    const parsed = RULE_SCHEMAS[row.key].safeParse(row.value);
    if (!parsed.success) throw new Error(`classification_rules.${row.key} holds an invalid value: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    rules[FIELD_OF[row.key]] = parsed.data;
  }
  const result = rules as unknown as Rules;
  if (result.midMin > result.highMin) throw new Error(`classification_rules: value_tier.mid_min (${result.midMin}) is above value_tier.high_min (${result.highMin})`);
  return result;
}
