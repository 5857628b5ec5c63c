// Ops edits one classification rule: the input is checked (the key exists,
// the value has that key's shape, value tiers stay ordered) before anything
// is written; the change and an audit_log row (who, before/after) commit
// together. The marts pick the change up at the next refresh, which
// rebuilds in full because the rules are newer than the last rebuild.
import type { Sql } from "postgres";
import { z } from "zod";
import { RULE_KEYS, RULE_SCHEMAS, rulesFromRows, type RuleKey } from "../classify/rules.ts";

/** Bad input, with messages per field (`value`, `value.1`, ...). */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super(`invalid input: ${Object.entries(fields).map(([f, m]) => `${f}: ${m.join("; ")}`).join(", ")}`);
    this.name = "ValidationError";
  }
}

export const RuleInput = z.object({
  key: z.enum(RULE_KEYS as [RuleKey, ...RuleKey[]], { error: () => `must be one of ${RULE_KEYS.join(", ")}` }),
  value: z.unknown(),
});

export interface RuleUpdate {
  key: RuleKey;
  before: unknown;
  after: unknown;
  changed: boolean;
}

function fieldErrors(error: z.ZodError, prefix: string[] = []): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = [...prefix, ...issue.path.map(String)].join(".") || "input";
    (fields[field] ??= []).push(issue.message);
  }
  return fields;
}

/** The key and its parsed value, or ValidationError. */
export function parseRuleInput(input: unknown): { key: RuleKey; value: unknown } {
  const shape = RuleInput.safeParse(input);
  if (!shape.success) throw new ValidationError(fieldErrors(shape.error));
  if (shape.data.value === undefined) throw new ValidationError({ value: ["is required"] });
  const value = RULE_SCHEMAS[shape.data.key].safeParse(shape.data.value);
  if (!value.success) throw new ValidationError(fieldErrors(value.error, ["value"]));
  return { key: shape.data.key, value: value.data };
}

export async function updateRule(sql: Sql, input: unknown, actor: { email: string }, jobId?: string): Promise<RuleUpdate> {
  const { key, value } = parseRuleInput(input);
  return sql.begin(async (tx) => {
    // Lock the rules so two edits cannot each pass the cross-rule check alone.
    const rows = await tx<{ key: string; value: unknown }[]>`select key, value from classification_rules order by key for update`;
    const before = rows.find((r) => r.key === key)?.value ?? null;
    try {
      rulesFromRows([...rows.filter((r) => r.key !== key), { key, value }]);
    } catch (e) {
      throw new ValidationError({ value: [(e as Error).message.replace(/^classification_rules: /, "")] });
    }
    const changed = JSON.stringify(before) !== JSON.stringify(value);
    if (changed) {
      await tx`
        insert into classification_rules (key, value, description, updated_at, updated_by)
        values (${key}, ${tx.json(value as never)}, ${key}, now(), ${actor.email})
        on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`;
      await tx`
        insert into audit_log (actor, action, entity, entity_id, before, after, job_id)
        values (${actor.email}, 'classification_rule.update', 'classification_rules', ${key},
                ${tx.json({ value: before } as never)}, ${tx.json({ value } as never)}, ${jobId ?? null})`;
    }
    return { key, before, after: value, changed };
  });
}
