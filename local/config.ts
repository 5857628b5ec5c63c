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
  workspace: string;
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
    workspace: env.WM_WORKSPACE || "local",
  };
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is required when S3_ENDPOINT is set`);
  return v;
}
