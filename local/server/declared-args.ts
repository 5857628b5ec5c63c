// Windmill hands a runnable more named args than it may declare (a route's
// body fields and raw_string, an error handler's context: path, job_id, ...)
// and main() simply ignores the ones it does not take. Our checkArgs refuses
// unknown args, so callers that pass such context keep only the declared ones.
import { schemaOf } from "../runtime/runner.ts";
import { findItem } from "../runtime/workspace.ts";

export function keepDeclaredArgs(root: string, path: string, args: Record<string, unknown>): Record<string, unknown> {
  const schema = schemaOf(findItem(path, root));
  if (!schema) return args;
  const declared = schema.properties ?? {};
  return Object.fromEntries(Object.entries(args).filter(([k]) => k in declared));
}
