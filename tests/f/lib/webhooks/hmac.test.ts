// Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app
// secret, checked against the reference implementation (node:crypto, as
// @shopify/shopify-api's test helper getHmac computes it).
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { shopifyHmac, verifyShopifyHmac } from "../../../../f/lib/webhooks/hmac.ts";
import { header, readWebhookHeaders } from "../../../../f/lib/webhooks/delivery.ts";

const secret = "shpss_0123456789abcdef";
const body = '{"id":820982911946154508,"email":"jon@example.com","note":"café ☕"}';
const reference = createHmac("sha256", secret).update(body, "utf8").digest("base64");

describe("verifyShopifyHmac", () => {
  it("accepts Shopify's signature of the exact bytes, as text or bytes", () => {
    expect(shopifyHmac(body, secret)).toBe(reference);
    expect(verifyShopifyHmac(body, reference, secret)).toBe(true);
    expect(verifyShopifyHmac(new TextEncoder().encode(body), reference, secret)).toBe(true);
  });

  it("refuses a changed body, another secret, a missing or malformed header, an empty secret", () => {
    expect(verifyShopifyHmac(body.replace("jon", "jan"), reference, secret)).toBe(false);
    expect(verifyShopifyHmac(body + " ", reference, secret)).toBe(false); // re-serialised JSON is other bytes
    expect(verifyShopifyHmac(body, reference, "another-secret")).toBe(false);
    expect(verifyShopifyHmac(body, undefined, secret)).toBe(false);
    expect(verifyShopifyHmac(body, "", secret)).toBe(false);
    expect(verifyShopifyHmac(body, "not base64 at all", secret)).toBe(false);
    expect(verifyShopifyHmac(body, reference.slice(0, 20), secret)).toBe(false);
    expect(verifyShopifyHmac(body, createHmac("sha256", secret).update(body).digest("hex"), secret)).toBe(false);
    expect(verifyShopifyHmac(body, shopifyHmac(body, ""), "")).toBe(false);
  });
});

describe("delivery headers", () => {
  it("are read whatever their case; topic and webhook id are required", () => {
    const h = { "x-shopify-topic": "orders/create", "X-Shopify-Webhook-Id": "abc", "x-shopify-triggered-at": "2026-11-27T10:00:00-05:00", "X-SHOPIFY-HMAC-SHA256": "sig" };
    expect(header(h, "X-Shopify-Hmac-Sha256")).toBe("sig");
    expect(readWebhookHeaders(h)).toEqual({
      ok: true,
      value: { topic: "orders/create", webhookId: "abc", shopDomain: null, apiVersion: null, triggeredAt: "2026-11-27T15:00:00.000Z", eventId: null },
    });
    expect(readWebhookHeaders({ "x-shopify-topic": "orders/create" })).toEqual({ ok: false, missing: ["X-Shopify-Webhook-Id"] });
  });
});
