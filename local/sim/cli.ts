/**
 * `wm-local sim`: the Shopify simulator in the foreground. Prints one JSON line
 * ({url, token, apiVersion, shop, ...}) and serves until SIGINT/SIGTERM.
 * Also runnable directly: `npx tsx local/sim/cli.ts --orders 100`.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { LINE_ORDERINGS, type LineOrdering } from "./bulk/jsonl.ts";
import { parseFaultSpec } from "./faults.ts";

const USAGE = "usage: wm-local sim [--seed S] [--orders N] [--port P] [--faults SPEC] [--webhook-url URL] [--bulk-delay-ms MS] [--line-order adjacent|shuffled|children-first] [--now ISO] [--token T]";

function nonNegativeInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

export async function simCommand(argv: string[]): Promise<void> {
  let options;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: "string" },
        orders: { type: "string" },
        port: { type: "string" },
        faults: { type: "string" },
        "webhook-url": { type: "string" },
        "bulk-delay-ms": { type: "string" },
        "line-order": { type: "string" },
        now: { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    if (values.faults) parseFaultSpec(values.faults);
    const lineOrdering = values["line-order"] as LineOrdering | undefined;
    if (lineOrdering && !LINE_ORDERINGS.includes(lineOrdering)) throw new Error(`--line-order must be one of ${LINE_ORDERINGS.join(", ")}`);
    if (values.now && Number.isNaN(Date.parse(values.now))) throw new Error(`--now must be an ISO date, got "${values.now}"`);
    const port = nonNegativeInt("port", values.port);
    if (port !== undefined && port > 65535) throw new Error("--port must be at most 65535");
    if (values["webhook-url"] && !URL.canParse(values["webhook-url"])) throw new Error(`--webhook-url is not a URL: ${values["webhook-url"]}`);
    options = {
      seed: values.seed,
      orders: nonNegativeInt("orders", values.orders),
      port,
      faults: values.faults,
      webhookUrl: values["webhook-url"],
      bulkDelayMs: nonNegativeInt("bulk-delay-ms", values["bulk-delay-ms"]),
      lineOrdering,
      now: values.now,
      token: values.token,
    };
  } catch (error) {
    // One line, non-zero exit: the dispatcher may ignore a returned status.
    console.error(`wm-local sim: ${(error as Error).message} (${USAGE})`);
    process.exit(2);
  }
  // Loaded only now so flag errors answer fast (the server pulls in the whole schema).
  const { startSimulator } = await import("./server.ts");
  const sim = await startSimulator(options);
  console.log(JSON.stringify({ url: sim.url, token: sim.token, apiVersion: sim.apiVersion, shop: sim.shop, graphqlUrl: sim.graphqlUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, orders: sim.admin.counts().orders }));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sim.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await simCommand(process.argv.slice(2));
}
