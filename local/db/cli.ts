// `wm-local migrate [up|down|status]` on the product schema (sql/).
import { parse, UsageError } from "../cli.ts";
import { loadConfig } from "../config.ts";
import { startServices } from "../services/index.ts";
import { dbmate } from "./migrate.ts";

export async function migrateCommand(args: string[]): Promise<number> {
  const { positionals } = parse(args.length ? args : ["up"], {}, ["action"]);
  const action = positionals[0];
  if (!["up", "down", "status"].includes(action)) throw new UsageError(`migrate: unknown action "${action}" (up, down or status)`);
  const services = await startServices(loadConfig());
  try {
    const out = await dbmate(services.databaseUrl, action === "down" ? ["rollback"] : [action]);
    process.stdout.write(out);
    return 0;
  } finally {
    await services.stop();
  }
}
