// A fresh, migrated database per test file (cloned from the template the
// global setup migrated), on the test run's embedded Postgres.
import { randomBytes } from "node:crypto";
import postgres, { type Sql } from "postgres";
import { NO_DELAY } from "../../f/lib/db.ts";
import { inject } from "vitest";

export interface TestDatabase {
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template wm_template`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  // Nagle off like the scripts' own pool (f/lib/db.ts), or every COPY of a test waits ~90 ms.
  const sql = postgres(url, { max: 10, onnotice: () => {}, ...NO_DELAY });
  return {
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
