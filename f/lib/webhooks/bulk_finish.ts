// bulk_operations/finish (shopify-admin-api.md §5): Shopify says a bulk job
// finished, so the poller need not wait for its next poll. We record what the
// webhook says on our ledger row (status and error code come lowercase) and
// NOTIFY the poller, which LISTENs while it sleeps (f/lib/shopify/bulk/poll.ts
// `wakeOn`). The poll stays the source of truth: the webhook carries no URL
// or counts, and "delivery isn't always guaranteed".
import type { Sql } from "postgres";
import type { FinishListener } from "../shopify/bulk/poll.ts";
import { enumValue, utc, type Json } from "./rest_values.ts";

export const BULK_FINISHED_CHANNEL = "shopify_bulk_operation_finished";

export interface BulkFinishResult {
  id: string;
  /** Whether the job is one of ours that is not ingested yet (only then is the poller woken). */
  recorded: boolean;
  status: string | null;
}

export async function recordBulkFinish(sql: Sql, payload: Json): Promise<BulkFinishResult> {
  const id = payload.admin_graphql_api_id;
  if (typeof id !== "string" || !id.startsWith("gid://shopify/BulkOperation/")) throw new Error("bulk_operations/finish payload has no admin_graphql_api_id");
  const status = enumValue(payload.status);
  const rows = await sql`
    update bulk_operations
    set status = coalesce(${status}, status), error_code = ${enumValue(payload.error_code)},
        completed_at = coalesce(completed_at, ${utc(payload.completed_at)})
    where id = ${id} and ingested_at is null
    returning id`;
  if (rows.count) await sql`select pg_notify(${BULK_FINISHED_CHANNEL}, ${id})`;
  return { id, recorded: rows.count > 0, status };
}

/** The poller's wake-up: calls `wake` when the finish of job `id` is announced. */
export function listenForBulkFinish(sql: Sql): FinishListener {
  return async (id, wake) => {
    try {
      const meta = await sql.listen(BULK_FINISHED_CHANNEL, (payload) => {
        if (payload === id) wake();
      });
      return { unlisten: () => meta.unlisten().catch(() => undefined) };
    } catch (e) {
      // A connection that cannot LISTEN (e.g. a transaction-mode pooler) only loses the shortcut.
      console.log(`bulk poll: no wake-up from webhooks (LISTEN ${BULK_FINISHED_CHANNEL} failed: ${(e as Error).message})`);
      return { unlisten: async () => undefined };
    }
  };
}
