// What the repository's resources mean on this machine: f/platform/db is the
// embedded (or DATABASE_URL) Postgres, f/platform/archive the embedded (or
// S3_*) store, f/platform/shopify the simulator (or the SHOPIFY_* store).
// In Windmill the same paths hold the production values.
import { SIM_APP_SECRET, type S3Settings, type ShopifySettings } from "./config.ts";
import { LazyValue, type Bindings } from "./runtime/resources.ts";

export function postgresResource(databaseUrl: string) {
  const u = new URL(databaseUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    dbname: u.pathname.replace(/^\//, "") || "postgres",
    sslmode: u.searchParams.get("sslmode") ?? "disable",
  };
}

export function s3Resource(s3: S3Settings) {
  const u = new URL(s3.endpoint);
  return {
    bucket: s3.bucket,
    region: s3.region,
    endPoint: s3.endpoint,
    accessKey: s3.accessKeyId,
    secretKey: s3.secretAccessKey,
    useSSL: u.protocol === "https:",
    pathStyle: s3.pathStyle,
  };
}

export function localBindings(opts: { databaseUrl: string; s3?: S3Settings; shopify?: ShopifySettings | (() => Promise<ShopifySettings>); env?: NodeJS.ProcessEnv }): Bindings {
  const env = opts.env ?? process.env;
  const resources: Record<string, unknown> = { "f/platform/db": postgresResource(opts.databaseUrl) };
  if (opts.s3) resources["f/platform/archive"] = s3Resource(opts.s3);
  const shopify = opts.shopify;
  if (typeof shopify === "function") resources["f/platform/shopify"] = new LazyValue(async () => withoutUnset(await shopify()));
  else if (shopify) resources["f/platform/shopify"] = withoutUnset(shopify);
  const variables: Record<string, string> = {};
  // Webhooks are signed with the app's secret: the real app's, or the embedded simulator's.
  const webhookSecret = env.SHOPIFY_WEBHOOK_SECRET || env.SHOPIFY_CLIENT_SECRET || (env.SHOPIFY_STORE_DOMAIN ? undefined : SIM_APP_SECRET);
  if (webhookSecret) variables["f/platform/shopify_webhook_secret"] = webhookSecret;
  return { resources, variables };
}

function withoutUnset<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
