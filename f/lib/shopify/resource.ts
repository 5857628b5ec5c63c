// The `shopify_admin` resource (shopify_admin.resource-type.yaml) and the API
// version every request is pinned to.
export const API_VERSION = "2026-10";

export type ShopifyAdmin = {
  shop_domain: string;
  api_version?: string;
  access_token?: string;
  client_id?: string;
  client_secret?: string;
  /** Replaces https://<shop_domain> (a simulator). */
  api_base_url?: string;
};

export function baseUrl(shop: ShopifyAdmin): string {
  return (shop.api_base_url || `https://${shop.shop_domain}`).replace(/\/+$/, "");
}
