// One webhook delivery as the HTTP trigger hands it over: the X-Shopify-*
// headers Shopify sends with every delivery (shopify-admin-api.md §13) plus
// the raw body. Header names are case-insensitive.

export interface WebhookHeaders {
  topic: string;
  webhookId: string;
  shopDomain: string | null;
  apiVersion: string | null;
  /** X-Shopify-Triggered-At: when the change happened (ISO), if sent. */
  triggeredAt: string | null;
  eventId: string | null;
}

/** Reads a header whatever the case it arrived in. */
export function header(headers: Record<string, unknown>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === wanted && v !== undefined && v !== null) return String(v);
  }
  return undefined;
}

export const HMAC_HEADER = "X-Shopify-Hmac-Sha256";

/** The delivery's identity, or what is missing (a request without topic or id is not a Shopify delivery). */
export function readWebhookHeaders(headers: Record<string, unknown>): { ok: true; value: WebhookHeaders } | { ok: false; missing: string[] } {
  const topic = header(headers, "X-Shopify-Topic")?.trim();
  const webhookId = header(headers, "X-Shopify-Webhook-Id")?.trim();
  const missing = [!topic && "X-Shopify-Topic", !webhookId && "X-Shopify-Webhook-Id"].filter((m): m is string => Boolean(m));
  if (!topic || !webhookId) return { ok: false, missing };
  const triggered = header(headers, "X-Shopify-Triggered-At");
  return {
    ok: true,
    value: {
      topic,
      webhookId,
      shopDomain: header(headers, "X-Shopify-Shop-Domain") ?? null,
      apiVersion: header(headers, "X-Shopify-API-Version") ?? null,
      triggeredAt: triggered && !Number.isNaN(Date.parse(triggered)) ? new Date(triggered).toISOString() : null,
      eventId: header(headers, "X-Shopify-Event-Id") ?? null,
    },
  };
}
