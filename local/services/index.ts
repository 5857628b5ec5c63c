// The services a local run needs: Postgres, S3 and Shopify, embedded (the
// Shopify simulator with a demo store) unless the environment points at real
// ones (DATABASE_URL, S3_*, SHOPIFY_*).
import { join } from "node:path";
import { loadConfig, ARCHIVE_BUCKET, type LocalConfig, type S3Settings, type ShopifySettings } from "../config.ts";
import { startEmbeddedPostgres } from "./postgres.ts";
import { startEmbeddedS3 } from "./s3.ts";
import { startEmbeddedSimulator, type EmbeddedSimHandle } from "./simulator.ts";

export interface Services {
  databaseUrl: string;
  s3: S3Settings;
  /** True when Shopify is the embedded simulator (no SHOPIFY_STORE_DOMAIN). */
  simulated: boolean;
  /** Started on first use: most commands never talk to Shopify. */
  shopify(): Promise<ShopifySettings>;
  /** What is embedded vs external, for the start-up banner. */
  describe(): string[];
  stop(): Promise<void>;
}

export async function startServices(config: LocalConfig = loadConfig(), log: (m: string) => void = () => {}): Promise<Services> {
  const pg = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: join(config.dataDir, "pg"), port: config.pgPort, log });
  const started: { stop(): Promise<void> }[] = pg ? [pg] : [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const s3h = config.s3 ? undefined : await startEmbeddedS3({ dir: join(config.dataDir, "s3"), port: config.s3Port, bucket: ARCHIVE_BUCKET });
    if (s3h) started.push(s3h);
    let simh: EmbeddedSimHandle | undefined;
    let simStart: Promise<ShopifySettings> | undefined;
    const shopify = (): Promise<ShopifySettings> => {
      if (config.shopify) return Promise.resolve(config.shopify);
      simStart ??= startEmbeddedSimulator(config.sim).then((h) => {
        simh = h;
        started.push(h);
        log(`shopify simulator ${h.owned ? "started" : "shared"} at ${h.settings.api_base_url} (${h.settings.shop_domain})`);
        return h.settings;
      });
      return simStart;
    };
    const s3 = config.s3 ?? s3h!.settings;
    return {
      databaseUrl: config.databaseUrl ?? pg!.url,
      s3,
      shopify,
      simulated: !config.shopify,
      describe: () => [
        `postgres  ${pg ? `embedded, port ${pg.port}${pg.owned ? "" : " (shared)"}` : "DATABASE_URL"}`,
        `s3        ${s3h ? `embedded, ${s3.endpoint} bucket ${s3.bucket}${s3h.owned ? "" : " (shared)"}` : `S3_ENDPOINT ${s3.endpoint}`}`,
        `shopify   ${config.shopify ? `SHOPIFY_STORE_DOMAIN ${config.shopify.shop_domain}` : `simulator on port ${config.sim.port}, ${config.sim.orders} orders, seed ${config.sim.seed}${simh ? (simh.owned ? "" : " (shared)") : " (starts when first used)"}`}`,
      ],
      async stop() {
        await simStart?.catch(() => {});
        await stopAll();
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
