// The webhook topics we ingest (SPEC S2) and what each one writes. Anything
// else is acknowledged (so Shopify does not retry it or drop the
// subscription) and logged, with nothing written.
export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/delete",
  "products/update",
  "products/delete",
  "inventory_levels/update",
  "bulk_operations/finish",
] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export function isSupportedTopic(topic: string): topic is WebhookTopic {
  return (WEBHOOK_TOPICS as readonly string[]).includes(topic);
}

