// The embedded Shopify simulator with the demo store, on a fixed local port so
// that a second process (`wm-local run` next to `npm start`) shares the same
// store instead of generating its own.
import { SIM_APP_SECRET, SIM_TOKEN, type ShopifySettings } from "../config.ts";



export interface EmbeddedSimHandle {
  settings: ShopifySettings;
  owned: boolean;
  stop(): Promise<void>;
}

export async function startEmbeddedSimulator(opts: { port: number; orders: number; seed: string }): Promise<EmbeddedSimHandle> {
  for (let attempt = 0; ; attempt++) {
    const shared = await runningSimulator(opts.port);
    if (shared) return { settings: shared, owned: false, async stop() {} };
    try {
      return await startOwn(opts);
    } catch (e) {
      // Another process took the port between our check and our listen: share it.
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function startOwn(opts: { port: number; orders: number; seed: string }): Promise<EmbeddedSimHandle> {
  // Loaded on demand: the simulator (graphql, the 2026-10 schema) is heavy and most commands never need it.
  const { startSimulator } = await import("../sim/server.ts");
  const sim = await startSimulator({ port: opts.port, orders: opts.orders, seed: opts.seed, token: SIM_TOKEN, clientSecret: SIM_APP_SECRET });
  return {
    settings: { shop_domain: sim.shop, api_version: sim.apiVersion, access_token: sim.token, api_base_url: sim.url },
    owned: true,
    stop: () => sim.close(),
  };
}

async function runningSimulator(port: number): Promise<ShopifySettings | undefined> {
  if (port === 0) return undefined;
  const url = `http://127.0.0.1:${port}`;
  try {
    const res = await fetch(`${url}/_sim/info`, { headers: { "X-Shopify-Access-Token": SIM_TOKEN }, signal: AbortSignal.timeout(1000) });
    if (!res.ok) throw new Error(`port ${port} answers HTTP ${res.status}: not our simulator (set WM_LOCAL_SIM_PORT)`);
    const info = (await res.json()) as { shop: { myshopifyDomain: string }; apiVersion: string };
    return { shop_domain: info.shop.myshopifyDomain, api_version: info.apiVersion, access_token: SIM_TOKEN, api_base_url: url };
  } catch (e) {
    if ((e as Error).message.startsWith("port ")) throw e;
    return undefined; // nothing listening
  }
}

/** Makes the simulator deliver its webhooks (signed with the app secret) to `url`. */
export async function sendSimulatorWebhooksTo(sim: ShopifySettings, url: string): Promise<void> {
  const res = await fetch(`${sim.api_base_url}/_sim/webhook`, {
    method: "POST",
    headers: { "X-Shopify-Access-Token": SIM_TOKEN, "content-type": "application/json" },
    body: JSON.stringify({ url, secret: SIM_APP_SECRET }),
  });
  if (!res.ok) throw new Error(`simulator refused the webhook URL: HTTP ${res.status}`);
}
