// Input validation for the sync scripts (zod): field-level messages, nothing
// done on bad input.
import { z } from "zod";
import { SYNC_RESOURCES } from "./resources.ts";

export const Resource = z.enum(SYNC_RESOURCES);

export const PlanInputs = z.object({
  resources: z.array(Resource).default([...SYNC_RESOURCES]),
  full_refresh: z.boolean().default(false),
  since: z
    .string()
    .trim()
    .refine((s) => s === "" || Number.isFinite(Date.parse(s)), "must be an ISO date or datetime (e.g. 2026-01-01T00:00:00Z)")
    .transform((s) => (s === "" ? null : new Date(s).toISOString()))
    .nullish(),
  trigger: z.enum(["schedule", "manual", "backfill", "replay", "webhook", "test"]).default("manual"),
});

const Instant = z.string().refine((s) => Number.isFinite(Date.parse(s)), "must be an ISO datetime");

export const LoadInputs = z.object({
  run_id: z.number().int().positive(),
  resource: Resource,
  windows: z.array(z.object({ start: Instant.nullable(), end: Instant.nullable(), bulk_operation_id: z.string().startsWith("gid://shopify/BulkOperation/").optional() })),
});

export const RunIdInput = z.object({ run_id: z.number().int().positive() });

/** Parses or throws one error naming every bad field. */
export function parseInputs<T extends z.ZodTypeAny>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what}: invalid input: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
