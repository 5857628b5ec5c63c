// Shopify signs each webhook delivery with HMAC-SHA256 of the raw request
// body, keyed with the app's client secret, base64 in X-Shopify-Hmac-Sha256
// (shopify-admin-api.md §13). Verify over the exact bytes received, before
// any JSON parsing, and compare in constant time.
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";

/** The signature Shopify would send for this body (tests and the simulator sign the same way). */
export function shopifyHmac(rawBody: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export function verifyShopifyHmac(rawBody: string | Uint8Array, signature: string | undefined | null, secret: string): boolean {
  if (!signature || !secret) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), "base64");
  // Equal lengths first: timingSafeEqual throws otherwise (the length of a SHA-256 digest is no secret).
  return given.length === expected.length && timingSafeEqual(given, expected);
}
