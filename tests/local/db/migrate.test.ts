// The product schema (sql/, dbmate) migrates up, rolls back migration by
// migration to zero and up again to the identical schema; the local runner's
// migrations (local/sql/) live apart in schema wm_local with their own ledger.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dbmate, LOCAL_MIGRATIONS, migrateAll, migrateLocal, migrateProduct, PRODUCT_MIGRATIONS } from "../../../local/db/migrate.ts";

const versionsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".sql")).sort().map((f) => f.split("_")[0]);
const productVersions = versionsIn(PRODUCT_MIGRATIONS);
const localVersions = versionsIn(LOCAL_MIGRATIONS);

let name: string;
let url: string;
let sql: Sql;

beforeAll(async () => {
  // An empty database, not the migrated template.
  name = `mig_${process.pid}_${Date.now()}`;
  const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  url = inject("pgAdminUrl").replace(/\/postgres$/, `/${name}`);
  sql = postgres(url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

const applied = async (table = "public.schema_migrations") =>
  (await sql.unsafe(`select version from ${table} order by version`)).map((r) => r.version as string);

/** Everything the product schema defines, outside the system schemas and wm_local. */
async function productCatalog() {
  const userNs = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'wm_local') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;
  const [schemas, relations, columns, constraints, functions, triggers, types] = await Promise.all([
    sql.unsafe(`select nspname from pg_namespace n where ${userNs} order by 1`),
    sql.unsafe(`select n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${userNs} and c.relname <> 'schema_migrations' and c.relname not like 'schema_migrations%' order by 1, 2`),
    sql.unsafe(`select table_schema, table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema', 'wm_local') and table_name <> 'schema_migrations' order by 1, 2, 3`),
    sql.unsafe(`select n.nspname, conname, pg_get_constraintdef(c.oid) as def from pg_constraint c join pg_namespace n on n.oid = c.connamespace where ${userNs} order by 1, 2`),
    sql.unsafe(`select n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) as args from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${userNs} order by 1, 2, 3`),
    sql.unsafe(`select tgname, tgrelid::regclass::text as rel from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where not tgisinternal and ${userNs} order by 1, 2`),
    sql.unsafe(`select n.nspname, t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace where ${userNs} and t.typtype in ('e', 'd', 'c') and not exists (select 1 from pg_class c where c.reltype = t.oid) order by 1, 2`),
  ]);
  return { schemas: [...schemas], relations: [...relations], columns: [...columns], constraints: [...constraints], functions: [...functions], triggers: [...triggers], types: [...types] };
}

describe("product migrations (sql/)", () => {
  it("every migration file has an up and a non-empty down section", () => {
    expect(productVersions.length).toBeGreaterThan(0);
    for (const f of readdirSync(PRODUCT_MIGRATIONS).filter((x) => x.endsWith(".sql"))) {
      const text = readFileSync(join(PRODUCT_MIGRATIONS, f), "utf8");
      expect(text, f).toMatch(/^-- migrate:up\b/m);
      const down = text.split(/^-- migrate:down\b.*$/m)[1];
      expect(down?.replace(/--.*$/gm, "").trim(), `${f} has no down migration`).toBeTruthy();
    }
  });

  let afterFirstUp: Awaited<ReturnType<typeof productCatalog>>;

  it("up applies every migration of sql/", async () => {
    await migrateProduct(url);
    expect(await applied()).toEqual(productVersions);
    afterFirstUp = await productCatalog();
    expect(afterFirstUp.relations.length).toBeGreaterThan(0);
    expect(afterFirstUp.relations.some((r) => r.relname === "sync_runs")).toBe(true);
  });

  it("rolls back one migration at a time down to zero, then up again to the identical schema", async () => {
    for (let i = productVersions.length; i > 0; i--) {
      await dbmate(url, ["rollback"]);
      expect(await applied()).toEqual(productVersions.slice(0, i - 1));
    }
    const empty = await productCatalog();
    expect(empty.relations).toEqual([]);
    expect(empty.functions).toEqual([]);
    expect(empty.types).toEqual([]);
    await migrateProduct(url);
    expect(await applied()).toEqual(productVersions);
    expect(await productCatalog()).toEqual(afterFirstUp);
  });

  it("up is idempotent", async () => {
    await migrateAll(url);
    await migrateAll(url);
    expect(await applied()).toEqual(productVersions);
  });
});

describe("local runner migrations (local/sql/, schema wm_local)", () => {
  it("have their own ledger in wm_local and never touch the product ledger", async () => {
    await migrateLocal(url);
    expect(await applied("wm_local.schema_migrations")).toEqual(localVersions);
    expect(await applied()).toEqual(productVersions);
    const [{ n }] = await sql`select count(*)::int as n from pg_tables where schemaname = 'wm_local' and tablename = 'jobs'`;
    expect(n).toBe(1);
  });

  it("create objects only in schema wm_local, and sql/ never mentions wm_local", async () => {
    let creates = 0;
    for (const f of readdirSync(LOCAL_MIGRATIONS).filter((x) => x.endsWith(".sql"))) {
      const ddl = readFileSync(join(LOCAL_MIGRATIONS, f), "utf8").replace(/--.*$/gm, "");
      for (const m of ddl.matchAll(/create\s+(?:unique\s+)?(?:table|view|type|function|sequence|index[^;]*?\son)\s+(?:if\s+not\s+exists\s+)?([\w."]+)/gi)) {
        expect(m[1], `${f}: ${m[0]}`).toMatch(/^wm_local\./);
        creates++;
      }
    }
    expect(creates).toBeGreaterThan(0);
    for (const f of readdirSync(PRODUCT_MIGRATIONS)) {
      expect(readFileSync(join(PRODUCT_MIGRATIONS, f), "utf8"), f).not.toMatch(/wm_local/i);
    }
    expect(productVersions.filter((v) => localVersions.includes(v))).toEqual([]);
  });

  it("roll back independently of the product schema", async () => {
    await dbmate(url, ["rollback"], { dir: LOCAL_MIGRATIONS, table: "wm_local.schema_migrations" });
    expect(await applied("wm_local.schema_migrations")).toEqual(localVersions.slice(0, -1));
    expect(await applied()).toEqual(productVersions);
    await migrateLocal(url);
    expect(await applied("wm_local.schema_migrations")).toEqual(localVersions);
  });
});
