// Inputs of the dead-letter scripts (zod): every bad field is named, and
// nothing is read or written until the whole input is valid.
import { z } from "zod";

const Ids = z.array(z.number().int().positive()).min(1, "select at least one dead letter").max(1000, "at most 1000 at a time");

export const RetryInput = z.object({ ids: Ids });

export const DismissInput = z.object({
  ids: Ids,
  reason: z.string().trim().min(5, "say why (at least 5 characters)").max(500),
});

export const ListInput = z.object({
  error_class: z.string().trim(),
  resource: z.string().trim(),
  run_id: z.number().int().positive().nullable(),
  include_resolved: z.boolean(),
  limit: z.number().int().min(1).max(1000),
  offset: z.number().int().min(0),
});

export const InspectInput = z.object({ id: z.number().int().positive() });
