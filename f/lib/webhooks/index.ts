// One Shopify webhook delivery, after its signature was checked: dedupe on
// X-Shopify-Webhook-Id, apply the topic, refresh the marts of what it
// touched, record the outcome. Answers the HTTP status Shopify should see:
// 200 for anything it must not send again (applied, stale, duplicate,
// unknown topic), 400 for a payload that can never be applied, 500 for a
// failure worth retrying (Shopify retries the same webhook id).
import type { Sql } from "postgres";
import { applyWebhook, type Applied } from "./apply.ts";
import { claimDelivery, finishDelivery } from "./deliveries.ts";
import type { WebhookHeaders } from "./delivery.ts";
import type { Json } from "./rest_values.ts";
import { isSupportedTopic } from "./topics.ts";
import { InvalidPayloadError } from "./write.ts";

export { verifyShopifyHmac, shopifyHmac } from "./hmac.ts";
export { readWebhookHeaders, header, HMAC_HEADER, type WebhookHeaders } from "./delivery.ts";
export { WEBHOOK_TOPICS, isSupportedTopic, type WebhookTopic } from "./topics.ts";
export { BULK_FINISHED_CHANNEL, listenForBulkFinish } from "./bulk_finish.ts";

export type WebhookOutcomeKind = "processed" | "ignored" | "duplicate" | "invalid" | "failed";

export interface WebhookOutcome {
  httpStatus: 200 | 400 | 500;
  outcome: WebhookOutcomeKind;
  webhook_id: string;
  topic: string;
  summary: string;
  resource_id?: string | null;
}

export interface IngestWebhookOptions {
  jobId?: string | null;
  log?: (line: string) => void;
  /** Refreshes the marts: for these orders, plus the stock marts (SPEC S3). */
  refreshMarts?: (orderIds: string[]) => Promise<unknown>;
}

export async function ingestWebhook(sql: Sql, delivery: WebhookHeaders, payload: Json, opts: IngestWebhookOptions = {}): Promise<WebhookOutcome> {
  const log = opts.log ?? (() => undefined);
  const { topic, webhookId } = delivery;
  const label = `${topic} webhook ${webhookId}${delivery.shopDomain ? ` from ${delivery.shopDomain}` : ""}`;
  const answer = (httpStatus: WebhookOutcome["httpStatus"], outcome: WebhookOutcomeKind, summary: string, resourceId?: string | null): WebhookOutcome => {
    log(`${label}: ${outcome}: ${summary}`);
    return { httpStatus, outcome, webhook_id: webhookId, topic, summary, ...(resourceId !== undefined ? { resource_id: resourceId } : {}) };
  };

  if (!isSupportedTopic(topic)) return answer(200, "ignored", `topic ${topic} is not ingested; acknowledged, nothing written`);

  const claim = await claimDelivery(sql, delivery, opts.jobId ?? null);
  if (claim.kind === "duplicate") {
    return answer(200, "duplicate", `already ${claim.status} (first received ${claim.receivedAt.toISOString()}, ${claim.attempts} attempt(s)); nothing done`);
  }
  let applied: Applied;
  try {
    applied = await applyWebhook(sql, { topic, webhookId, payload, happenedAt: delivery.triggeredAt ? new Date(delivery.triggeredAt) : new Date() });
  } catch (e) {
    const invalid = e instanceof InvalidPayloadError;
    const message = (e as Error).message;
    await finishDelivery(sql, webhookId, { status: "failed", error: message, detail: { invalid } });
    return invalid ? answer(400, "invalid", message) : answer(500, "failed", `${message} (attempt ${claim.attempts}; Shopify will retry)`);
  }
  // A retry after a failed mart refresh finds its rows already written (stale): refresh them anyway.
  const orders = claim.attempts > 1 && !applied.touchedOrders.length && applied.resourceId?.startsWith("gid://shopify/Order/") ? [applied.resourceId] : applied.touchedOrders;
  try {
    if (opts.refreshMarts && (orders.length || applied.touchedStock)) await opts.refreshMarts(orders);
  } catch (e) {
    // The raw rows are in; a retry re-applies them (a no-op) and refreshes again.
    const message = `raw rows written, but the mart refresh failed: ${(e as Error).message}`;
    await finishDelivery(sql, webhookId, { status: "failed", resourceId: applied.resourceId, error: message, detail: applied.detail });
    return answer(500, "failed", message, applied.resourceId);
  }
  await finishDelivery(sql, webhookId, { status: applied.status, resourceId: applied.resourceId, detail: applied.detail });
  return answer(200, applied.status, applied.summary, applied.resourceId);
}
