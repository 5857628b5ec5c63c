// Binds f/platform/shopify to a running simulator for a test Runner (as
// local/bindings.ts does for `npm start`), so flows reach it through $res:.
import type { Runner } from "../../local/runtime/runner.ts";
import type { Simulator } from "../../local/sim/server.ts";
import type { ShopifyAdmin } from "../../f/lib/shopify/resource.ts";

export function simShopResource(sim: Simulator): ShopifyAdmin {
  return { shop_domain: sim.shop, api_version: sim.apiVersion, access_token: sim.token, api_base_url: sim.url };
}

export function bindSimulator(runner: Runner, sim: Simulator): Runner {
  runner.resources.bind({ resources: { "f/platform/shopify": simShopResource(sim) } });
  return runner;
}
