// The webhook_deliveries ledger: dedupe on X-Shopify-Webhook-Id. A delivery
// is claimed once; Shopify's retries of a delivery we already processed (or
// ignored) are acknowledged without doing anything. A delivery that failed,
// or whose worker died mid-way (claim older than STALE_CLAIM), may be
// claimed again, which is safe because every write it makes is idempotent.
import type { Sql } from "postgres";
import type { WebhookHeaders } from "./delivery.ts";

export const STALE_CLAIM = "5 minutes";

export type DeliveryStatus = "received" | "processed" | "ignored" | "failed";

export type Claim =
  | { kind: "claimed"; attempts: number }
  | { kind: "duplicate"; status: DeliveryStatus; receivedAt: Date; attempts: number };

export async function claimDelivery(sql: Sql, d: WebhookHeaders, jobId: string | null): Promise<Claim> {
  const [row] = await sql<{ attempts: number }[]>`
    insert into webhook_deliveries (webhook_id, topic, shop_domain, triggered_at, api_version, event_id, job_id)
    values (${d.webhookId}, ${d.topic}, ${d.shopDomain}, ${d.triggeredAt}, ${d.apiVersion}, ${d.eventId}, ${jobId})
    on conflict (webhook_id) do update
      set attempts = webhook_deliveries.attempts + 1, claimed_at = now(), status = 'received', error = null, job_id = excluded.job_id
      where webhook_deliveries.status = 'failed'
         or (webhook_deliveries.status = 'received' and webhook_deliveries.claimed_at < now() - ${STALE_CLAIM}::interval)
    returning attempts`;
  if (row) return { kind: "claimed", attempts: row.attempts };
  const [held] = await sql<{ status: DeliveryStatus; received_at: Date; attempts: number }[]>`
    select status, received_at, attempts from webhook_deliveries where webhook_id = ${d.webhookId}`;
  return { kind: "duplicate", status: held!.status, receivedAt: held!.received_at, attempts: held!.attempts };
}

export interface DeliveryResult {
  status: Exclude<DeliveryStatus, "received">;
  /** The object the delivery was about (its GID). */
  resourceId?: string | null;
  detail?: Record<string, unknown>;
  error?: string | null;
}

export async function finishDelivery(sql: Sql, webhookId: string, r: DeliveryResult): Promise<void> {
  await sql`
    update webhook_deliveries
    set status = ${r.status}, resource_id = coalesce(${r.resourceId ?? null}, resource_id), detail = ${sql.json((r.detail ?? {}) as never)},
        error = ${r.error ?? null}, processed_at = now()
    where webhook_id = ${webhookId}`;
}

/** Deletes we were told about for these objects: id -> when it was deleted. */
export async function tombstones(sql: Sql, ids: readonly string[]): Promise<Map<string, Date>> {
  if (!ids.length) return new Map();
  const rows = await sql<{ resource_id: string; deleted_at: Date }[]>`
    select resource_id, min(coalesce(triggered_at, received_at)) as deleted_at from webhook_deliveries
    where topic in ('orders/delete', 'products/delete') and status = 'processed' and resource_id = any(${ids as string[]})
    group by resource_id`;
  return new Map(rows.map((r) => [r.resource_id, r.deleted_at]));
}
