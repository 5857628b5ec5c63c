// The sync process killed (SIGKILL) in the middle of an ingest, then run
// again: the rerun takes over from the ledger and converges to the store's
// truth, with nothing lost and nothing duplicated.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Simulator } from "../../../local/sim/server.ts";
import { cliSandbox, type CliSandbox } from "../../helpers/cli.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { startTestSimulator } from "../../sim/helpers.ts";
import { expectMirrorEqualsTruth } from "./helpers.ts";

let db: TestDatabase;
let sim: Simulator;
let cli: CliSandbox;

beforeAll(async () => {
  db = await freshDatabase();
  sim = await startTestSimulator({ orders: 4000, bulkDelayMs: 50 });
  // The CLI syncs "a real store" given by the environment: here, this simulator.
  cli = cliSandbox(db, {
    SHOPIFY_STORE_DOMAIN: sim.shop, SHOPIFY_ADMIN_TOKEN: sim.token, SHOPIFY_API_BASE_URL: sim.url, WM_LOCAL_TIME_SCALE: "0.01",
  });
});
afterAll(async () => {
  await sim?.close();
  await db?.drop();
  cli?.cleanup();
});

it("a sync killed mid-ingest is taken over by the next run, which converges with no duplicates", async () => {
  const first = cli.start("run", "f/sync/daily_sync", "--json");
  // Kill it once lines are staged but before the orders are merged.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [{ staged }] = await db.sql<{ staged: number }[]>`select count(*)::int as staged from ingest_staging`;
    if (staged > 0) break;
    if (Date.now() > deadline) throw new Error("the sync never staged a line");
    await new Promise((r) => setTimeout(r, 20));
  }
  first.child.kill("SIGKILL");
  const killed = await first.exit;
  expect(killed.code).toBeNull(); // killed, not finished
  const [run] = await db.sql<{ id: number; status: string }[]>`select id::int, status from sync_runs order by id`;
  expect(run.status).toBe("running");

  // Time passes: the dead run's heartbeat goes stale, as it would after 10 minutes.
  await db.sql`update sync_runs set heartbeat_at = now() - interval '1 hour' where id = ${run.id}`;
  const again = await cli.run("run", "f/sync/daily_sync", "--json");
  expect(again.code, again.stderr).toBe(0);
  const summary = JSON.parse(again.stdout);
  expect(summary).toMatchObject({ status: "succeeded", dead_letters: 0 });

  const runs = await db.sql<{ id: number; status: string; error: string | null }[]>`select id::int, status, error from sync_runs order by id`;
  expect(runs[0]).toMatchObject({ id: run.id, status: "failed" });
  expect(runs[0]!.error).toMatch(/abandoned/);
  await expectMirrorEqualsTruth(db.sql, sim);
  const [{ left }] = await db.sql<{ left: number }[]>`select count(*)::int as left from ingest_staging`;
  expect(left).toBe(0);
  const [{ failures }] = await db.sql<{ failures: number }[]>`select count(*)::int as failures from ingest_failures`;
  expect(failures).toBe(0);
});
