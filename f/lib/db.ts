// Postgres access for every script: one pooled postgres.js client per
// database resource, reused across calls in the same process.
import postgres, { type Sql } from "postgres";

/** Windmill's `postgresql` resource type. */
export type Postgresql = {
  host: string;
  port?: number;
  user: string;
  password?: string;
  dbname: string;
  sslmode?: string;
  root_certificate_pem?: string;
};

const pools = new Map<string, Sql>();

export function connect(db: Postgresql): Sql {
  const key = `${db.user}@${db.host}:${db.port ?? 5432}/${db.dbname}`;
  let sql = pools.get(key);
  if (!sql) {
    sql = postgres({
      host: db.host,
      port: db.port ?? 5432,
      user: db.user,
      password: db.password,
      database: db.dbname,
      ssl: sslOption(db),
      max: 5,
      idle_timeout: 30,
      onnotice: () => {},
    });
    pools.set(key, sql);
  }
  return sql;
}

function sslOption(db: Postgresql): false | "require" | { ca: string } {
  if (db.root_certificate_pem) return { ca: db.root_certificate_pem };
  return !db.sslmode || db.sslmode === "disable" ? false : "require";
}

/** Closes every pool (tests and short-lived CLIs). */
export async function closeAll(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((s) => s.end({ timeout: 5 })));
}
