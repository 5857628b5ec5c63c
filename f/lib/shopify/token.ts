// Admin API access tokens: a static token, or one obtained with the
// client-credentials grant (24 h tokens), cached and renewed before expiry.
import { ShopifyAuthError } from "./errors.ts";
import { baseUrl, type ShopifyAdmin } from "./resource.ts";

/** Renew this long before the token expires, so no request carries a dying token. */
const RENEW_MARGIN_MS = 10 * 60_000;

export interface TokenSource {
  get(): Promise<string>;
  /** Forget a token the API refused (client credentials only). */
  invalidate(): void;
  readonly renewable: boolean;
}

export function tokenSource(shop: ShopifyAdmin, fetchImpl: typeof fetch = fetch, now: () => number = Date.now): TokenSource {
  if (shop.access_token) {
    const token = shop.access_token;
    return { get: async () => token, invalidate() {}, renewable: false };
  }
  if (!shop.client_id || !shop.client_secret) {
    throw new ShopifyAuthError(`shopify resource for ${shop.shop_domain} needs access_token, or client_id and client_secret`);
  }
  let cached: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const res = await fetchImpl(`${baseUrl(shop)}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: shop.client_id!, client_secret: shop.client_secret! }),
    });
    const text = await res.text();
    if (!res.ok) throw new ShopifyAuthError(`client-credentials token request for ${shop.shop_domain} failed: HTTP ${res.status} ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new ShopifyAuthError(`client-credentials response for ${shop.shop_domain} has no access_token`);
    cached = { token: body.access_token, expiresAt: now() + (body.expires_in ?? 86_399) * 1000 };
    return body.access_token;
  };
  return {
    renewable: true,
    async get() {
      if (cached && cached.expiresAt - RENEW_MARGIN_MS > now()) return cached.token;
      inflight ??= fetchToken().finally(() => (inflight = undefined));
      return inflight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
