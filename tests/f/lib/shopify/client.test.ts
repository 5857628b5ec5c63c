// The consolidated Shopify client against the simulator over real HTTP:
// each transient fault is retried the way Shopify asks, the rest fail loudly.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shopifyClient } from "../../../../f/lib/shopify/client.ts";
import { MissingScopesError, ShopifyAuthError, ShopifyGraphQLError, ShopifyUnavailableError } from "../../../../f/lib/shopify/errors.ts";
import { gql } from "../../../../f/lib/shopify/gql.ts";
import type { ShopifyAdmin } from "../../../../f/lib/shopify/resource.ts";
import { startSimulator, type Simulator } from "../../../../local/sim/server.ts";

const SHOP_QUERY = gql`
  query ShopInfo {
    shop {
      name
      ianaTimezone
      currencyCode
    }
  }
`;

/** The error a call must fail with. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const failure = (p: Promise<unknown>): Promise<any> => p.then(() => { throw new Error("expected the call to fail"); }, (e: unknown) => e);

let sim: Simulator;
let shop: ShopifyAdmin;
const lines: string[] = [];
const sleeps: number[] = [];
const opts = { log: (l: string) => lines.push(l), sleep: async (ms: number) => void sleeps.push(ms) };

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, orders: 20, scopes: ["read_orders", "read_products", "read_customers"] });
  shop = { shop_domain: sim.shop, access_token: sim.token, api_base_url: sim.url };
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.clearFaults();
  lines.length = 0;
  sleeps.length = 0;
});

describe("shopify client", () => {
  it("queries the pinned API version", async () => {
    const client = shopifyClient(shop, opts);
    expect(client.apiVersion).toBe("2026-10");
    const data = await client.request<{ shop: { name: string; currencyCode: string } }>(SHOP_QUERY);
    expect(data.shop.name).toBeTruthy();
    expect(data.shop.currencyCode).toMatch(/^[A-Z]{3}$/);
    expect(lines).toEqual([]);
  });

  it.each([
    ["graphql:throttled@2", "THROTTLED", 2],
    ["graphql:429=3@1", "HTTP 429", 1],
    ["graphql:502@2", "HTTP 502", 2],
    ["graphql:503@1", "HTTP 503", 1],
  ])("retries %s and succeeds, logging each retry", async (spec, reason, count) => {
    sim.admin.setFaults(spec);
    const data = await shopifyClient(shop, opts).request<{ shop: { name: string } }>(SHOP_QUERY);
    expect(data.shop.name).toBeTruthy();
    expect(lines).toHaveLength(count);
    for (const l of lines) expect(l).toContain(reason);
    if (reason === "HTTP 429") expect(sleeps[0]).toBeGreaterThanOrEqual(3000 * 0.75); // Retry-After is in seconds
  });

  it("gives up after the policy's attempts with a clear error", async () => {
    sim.admin.setFaults("graphql:500@always");
    const err = await failure(shopifyClient(shop, { ...opts, policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, jitter: 0 } }).request(SHOP_QUERY));
    expect(err).toBeInstanceOf(ShopifyUnavailableError);
    expect(err.message).toBe("Shopify ShopInfo still failing after 3 attempts: HTTP 500");
    expect(lines).toHaveLength(2);
  });

  it("does not retry ACCESS_DENIED or validation errors", async () => {
    sim.admin.setFaults("graphql:access_denied");
    const denied = await failure(shopifyClient(shop, opts).request(SHOP_QUERY));
    expect(denied).toBeInstanceOf(ShopifyGraphQLError);
    expect(denied.codes).toContain("ACCESS_DENIED");
    const invalid = await failure(shopifyClient(shop, opts).request("query Bad { shop { nope } }"));
    expect(invalid).toBeInstanceOf(ShopifyGraphQLError);
    expect(invalid.message).toContain("nope");
    expect(lines).toEqual([]);
  });

  it("refuses a wrong token with an auth error", async () => {
    const err = await failure(shopifyClient({ ...shop, access_token: "shpat_wrong" }, opts).request(SHOP_QUERY));
    expect(err).toBeInstanceOf(ShopifyAuthError);
    expect(err.message).toContain("HTTP 401");
  });

  it("gets a token with client credentials and reuses it", async () => {
    let tokenCalls = 0;
    const counting: typeof fetch = (input, init) => {
      if (String(input).endsWith("/admin/oauth/access_token")) tokenCalls++;
      return fetch(input, init);
    };
    const client = shopifyClient({ shop_domain: sim.shop, client_id: sim.clientId, client_secret: sim.clientSecret, api_base_url: sim.url }, { ...opts, fetch: counting });
    await client.request(SHOP_QUERY);
    await client.request(SHOP_QUERY);
    expect(tokenCalls).toBe(1);
    const bad = shopifyClient({ shop_domain: sim.shop, client_id: sim.clientId, client_secret: "wrong", api_base_url: sim.url }, opts);
    await expect(bad.request(SHOP_QUERY)).rejects.toThrow(/client-credentials token request .* failed: HTTP 401/);
  });

  it("names missing scopes", async () => {
    const client = shopifyClient(shop, opts);
    expect(await client.grantedScopes()).toEqual(expect.arrayContaining(["read_orders", "read_products"]));
    await client.requireScopes(["read_orders", "read_customers"]);
    const err = await failure(client.requireScopes(["read_orders", "read_all_orders", "read_inventory"]));
    expect(err).toBeInstanceOf(MissingScopesError);
    expect(err.missing).toEqual(["read_all_orders", "read_inventory"]);
  });
});
