// One local session: services up, migrations applied, a runner bound to them.
// Every wm-local command and `npm start` opens one; tests open their own.
import postgres, { type Sql } from "postgres";
import { localBindings } from "./bindings.ts";
import { loadConfig, type LocalConfig } from "./config.ts";
import { migrateAll } from "./db/migrate.ts";
import { ResourceStore } from "./runtime/resources.ts";
import { Runner } from "./runtime/runner.ts";
import { startServices, type Services } from "./services/index.ts";

export interface Session {
  services: Services;
  sql: Sql;
  runner: Runner;
  close(): Promise<void>;
}

export async function openSession(opts: { config?: LocalConfig; log?: (m: string) => void; migrate?: boolean } = {}): Promise<Session> {
  const services = await startServices(opts.config ?? loadConfig(), opts.log);
  try {
    if (opts.migrate !== false) await migrateAll(services.databaseUrl);
    const sql = postgres(services.databaseUrl, { max: 10, onnotice: () => {} });
    const resources = new ResourceStore(localBindings({ databaseUrl: services.databaseUrl, s3: services.s3, shopify: services.shopify }));
    const runner = new Runner({ sql, resources });
    return {
      services, sql, runner,
      async close() {
        await sql.end({ timeout: 5 });
        await services.stop();
      },
    };
  } catch (e) {
    await services.stop();
    throw e;
  }
}
