// Schema migrations with dbmate. Two independent sets:
//  - sql/          the product schema (deployed to production with dbmate);
//  - local/sql/    the local runner's own tables in schema wm_local, which
//                  never reach a production database.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { resolveBinary } from "dbmate";
import { repoRoot } from "../config.ts";

const run = promisify(execFile);

export const PRODUCT_MIGRATIONS = join(repoRoot, "sql");
export const LOCAL_MIGRATIONS = join(repoRoot, "local", "sql");

export async function dbmate(databaseUrl: string, args: string[], opts: { dir?: string; table?: string } = {}): Promise<string> {
  const url = withSslDisabled(databaseUrl);
  const flags = [
    "--url", url,
    "--migrations-dir", opts.dir ?? PRODUCT_MIGRATIONS,
    "--migrations-table", opts.table ?? "schema_migrations",
    "--no-dump-schema",
    "--wait", "--wait-timeout", "30s",
  ];
  try {
    const { stdout } = await run(resolveBinary(), [...flags, ...args], { maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`dbmate ${args.join(" ")} failed: ${(err.stderr || err.stdout || err.message).trim()}`);
  }
}

/** Apply every pending product and local-runner migration. Idempotent. */
export async function migrateAll(databaseUrl: string): Promise<void> {
  await migrateProduct(databaseUrl);
  await migrateLocal(databaseUrl);
}

export const migrateProduct = (databaseUrl: string) => dbmate(databaseUrl, ["up"]);

export async function migrateLocal(databaseUrl: string): Promise<void> {
  // dbmate keeps its ledger inside wm_local, which must exist first.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`create schema if not exists wm_local`;
  } finally {
    await sql.end();
  }
  await dbmate(databaseUrl, ["up"], { dir: LOCAL_MIGRATIONS, table: "wm_local.schema_migrations" });
}

/** dbmate (lib/pq) defaults to sslmode=require; local servers speak plain TCP. */
function withSslDisabled(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has("sslmode")) u.searchParams.set("sslmode", "disable");
  return u.toString();
}
