// The services a local run needs: Postgres, S3 and Shopify, embedded (the
// Shopify simulator with a demo store) unless the environment points at real
// ones (DATABASE_URL, S3_*, SHOPIFY_*).
import { join } from "node:path";
import { loadConfig, ARCHIVE_BUCKET, type LocalConfig, type S3Settings, type ShopifySettings } from "../config.ts";
import { startEmbeddedPostgres } from "./postgres.ts";
import { startEmbeddedS3 } from "./s3.ts";
import { startEmbeddedSimulator } from "./simulator.ts";

export interface Services {
  databaseUrl: string;
  s3: S3Settings;
  shopify: ShopifySettings;
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
    const simh = config.shopify ? undefined : await startEmbeddedSimulator(config.sim);
    if (simh) started.push(simh);
    const s3 = config.s3 ?? s3h!.settings;
    const shopify = config.shopify ?? simh!.settings;
    return {
      databaseUrl: config.databaseUrl ?? pg!.url,
      s3,
      shopify,
      describe: () => [
        `postgres  ${pg ? `embedded, port ${pg.port}${pg.owned ? "" : " (shared)"}` : "DATABASE_URL"}`,
        `s3        ${s3h ? `embedded, ${s3.endpoint} bucket ${s3.bucket}${s3h.owned ? "" : " (shared)"}` : `S3_ENDPOINT ${s3.endpoint}`}`,
        `shopify   ${simh ? `simulator, ${shopify.api_base_url} (${shopify.shop_domain}, ${config.sim.orders} orders, seed ${config.sim.seed})${simh.owned ? "" : " (shared)"}` : `SHOPIFY_STORE_DOMAIN ${shopify.shop_domain}`}`,
      ],
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
