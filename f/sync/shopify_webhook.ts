// Shopify webhook ingest (SPEC S2), behind the HTTP trigger
// f/sync/shopify_webhook (POST shopify/webhooks, raw body, no Windmill auth:
// Shopify cannot send a Windmill token, so the signature is the
// authentication).
//
// preprocessor(event) runs first, in the same job: it verifies
// X-Shopify-Hmac-Sha256 over the raw body (event.raw_string) with the app
// secret, timing-safe, before anything is parsed or written. A wrong or
// missing signature, or a body that is not a JSON object, becomes a
// `refusal` that main answers at once (401 / 400) without touching the
// database; the body is never logged nor passed on, so it is not in the
// job's arguments either.
//
// Resources: an HTTP trigger passes no static args, and Windmill does not
// resolve `$res:`/`$var:` strings a preprocessor returns (its Bun wrapper
// hands them to main as is), so the secret and the database are read here
// with windmill-client (getVariable / getResource), which the local runtime
// serves too. Run by hand (`wm-local run f/sync/shopify_webhook -d ...`),
// main replays a delivery with no signature check: that caller is already
// authenticated by Windmill.
import * as wmill from "windmill-client";
import { connect, type Postgresql } from "../lib/db.ts";
import { refreshMarts } from "../lib/marts/index.ts";
import { header, HMAC_HEADER, ingestWebhook, readWebhookHeaders, verifyShopifyHmac } from "../lib/webhooks/index.ts";

const SECRET_VARIABLE = "f/platform/shopify_webhook_secret";
const DATABASE = "f/platform/db";

type HttpEvent = {
  kind?: string;
  headers?: Record<string, string>;
  raw_string?: string | null;
};

export async function preprocessor(event: HttpEvent) {
  if (event.kind !== "http") throw new Error(`f/sync/shopify_webhook: preprocessor expects an HTTP trigger event, got kind ${JSON.stringify(event.kind)}`);
  if (typeof event.raw_string !== "string") throw new Error("f/sync/shopify_webhook: the HTTP trigger must set raw_string: true (the signature covers the raw body)");
  const headers = event.headers ?? {};
  const identity = readWebhookHeaders(headers);
  const who = identity.ok ? { topic: identity.value.topic, webhook_id: identity.value.webhookId, shop_domain: identity.value.shopDomain ?? "" } : {};

  const signature = header(headers, HMAC_HEADER);
  const secret = await wmill.getVariable(SECRET_VARIABLE);
  if (!verifyShopifyHmac(event.raw_string, signature, secret)) {
    return { ...who, refusal: { status: 401, reason: signature ? "invalid X-Shopify-Hmac-Sha256 signature" : "missing X-Shopify-Hmac-Sha256 header" } };
  }
  if (!identity.ok) return { refusal: { status: 400, reason: `missing ${identity.missing.join(", ")}` } };
  let payload: unknown;
  try {
    payload = JSON.parse(event.raw_string);
  } catch (e) {
    return { ...who, refusal: { status: 400, reason: `malformed JSON body: ${(e as Error).message}` } };
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return { ...who, refusal: { status: 400, reason: "the body is JSON but not an object" } };
  const d = identity.value;
  return { ...who, payload, api_version: d.apiVersion ?? "", triggered_at: d.triggeredAt ?? "", event_id: d.eventId ?? "" };
}

export async function main(
  topic = "",
  webhook_id = "",
  payload: object = {},
  shop_domain = "",
  api_version = "",
  triggered_at = "",
  event_id = "",
  refusal: { status: number; reason: string } | null = null,
) {
  if (refusal) {
    console.log(`refused ${topic || "(no topic)"} webhook ${webhook_id || "(no id)"}${shop_domain ? ` from ${shop_domain}` : ""}: ${refusal.reason} (HTTP ${refusal.status}); nothing written`);
    return { windmill_status_code: refusal.status, result: { error: refusal.reason } };
  }
  if (!topic || !webhook_id) throw new Error("f/sync/shopify_webhook: topic and webhook_id are required");
  const sql = connect((await wmill.getResource(DATABASE)) as Postgresql);
  const out = await ingestWebhook(
    sql,
    { topic, webhookId: webhook_id, shopDomain: shop_domain || null, apiVersion: api_version || null, triggeredAt: triggered_at || null, eventId: event_id || null },
    payload as Record<string, unknown>,
    { jobId: process.env.WM_JOB_ID ?? null, log: (line) => console.log(line), refreshMarts: (orderIds) => refreshMarts(sql, { orderIds }) },
  );
  const { httpStatus, ...result } = out;
  return { windmill_status_code: httpStatus, result };
}
