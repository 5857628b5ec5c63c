// Where the local runtime keeps its state, and which external services the
// environment points it at instead of the embedded defaults (SPEC section 4).
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The workspace whose f/ the runner serves: WM_LOCAL_ROOT (e.g. a test fixture workspace), else this repository. */
export function workspaceRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.WM_LOCAL_ROOT ? resolve(env.WM_LOCAL_ROOT) : repoRoot;
}

export interface LocalConfig {
  /** Folder for embedded data (Postgres cluster, S3 files, tokens). Git-ignored. */
  dataDir: string;
  pgPort: number;
  s3Port: number;
  /** Set when DATABASE_URL points at an external Postgres. */
  databaseUrl?: string;
  /** Set when S3_ENDPOINT points at an external S3-compatible store. */
  s3?: S3Settings;
  /** Set when SHOPIFY_STORE_DOMAIN names a real store (or a simulator elsewhere). */
  shopify?: ShopifySettings;
  /** The embedded simulator's demo store, when `shopify` is unset. */
  sim: { port: number; orders: number; seed: string };
  workspace: string;
}

/** Values of the shopify_admin resource (shopify_admin.resource-type.yaml). */
export interface ShopifySettings {
  shop_domain: string;
  api_version: string;
  access_token?: string;
  client_id?: string;
  client_secret?: string;
  api_base_url?: string;
}

export interface S3Settings {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  pathStyle: boolean;
}

export const ARCHIVE_BUCKET = "shopify-archive";

/** The embedded simulator's credentials. Local only: no real store accepts them. */
export const SIM_TOKEN = "wm-local-simulator";
/** The simulated app's secret: it signs the simulator's webhooks (like Shopify's app secret). */
export const SIM_APP_SECRET = "wm-local-simulator-app-secret";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const dataDir = resolve(env.WM_LOCAL_DATA_DIR ?? join(repoRoot, ".local"));
  return {
    dataDir,
    pgPort: intFromEnv(env, "WM_LOCAL_PG_PORT", 54329),
    s3Port: intFromEnv(env, "WM_LOCAL_S3_PORT", 54330),
    databaseUrl: env.DATABASE_URL || undefined,
    s3: env.S3_ENDPOINT
      ? {
          endpoint: env.S3_ENDPOINT,
          bucket: env.S3_BUCKET || ARCHIVE_BUCKET,
          accessKeyId: required(env, "S3_ACCESS_KEY_ID"),
          secretAccessKey: required(env, "S3_SECRET_ACCESS_KEY"),
          region: env.S3_REGION || "us-east-1",
          pathStyle: env.S3_FORCE_PATH_STYLE !== "false",
        }
      : undefined,
    shopify: env.SHOPIFY_STORE_DOMAIN ? shopifyFromEnv(env) : undefined,
    sim: {
      port: intFromEnv(env, "WM_LOCAL_SIM_PORT", 54331),
      orders: intFromEnv(env, "WM_LOCAL_SIM_ORDERS", 2000, 1_000_000),
      seed: env.WM_LOCAL_SIM_SEED || "1",
    },
    workspace: env.WM_WORKSPACE || "local",
  };
}

function shopifyFromEnv(env: NodeJS.ProcessEnv): ShopifySettings {
  const settings: ShopifySettings = {
    shop_domain: env.SHOPIFY_STORE_DOMAIN!,
    api_version: "2026-10",
    access_token: env.SHOPIFY_ADMIN_TOKEN || undefined,
    client_id: env.SHOPIFY_CLIENT_ID || undefined,
    client_secret: env.SHOPIFY_CLIENT_SECRET || undefined,
    api_base_url: env.SHOPIFY_API_BASE_URL || undefined,
  };
  if (!settings.access_token && !(settings.client_id && settings.client_secret)) {
    throw new Error("SHOPIFY_STORE_DOMAIN is set: also set SHOPIFY_ADMIN_TOKEN, or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET");
  }
  return settings;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 65535): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be an integer from 0 to ${max}, got "${raw}"`);
  return n;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is required when S3_ENDPOINT is set`);
  return v;
}
