// `tsx local/runtimes/cli.ts <bun|deno|node|all> <script.ts> [-d '<json args>']`
// prints main's JSON result under each runtime. `$res:`/`$var:` args resolve
// like in wm-local (f/platform/db is DATABASE_URL when set).
import { localBindings } from "../bindings.ts";
import { parse, parseJsonArg, UsageError } from "../cli.ts";
import { ResourceStore } from "../runtime/resources.ts";
import { RUNTIMES, runInRuntime, type RuntimeName } from "./index.ts";

export async function runtimesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: "string", short: "d" } }, ["runtime", "file"]);
  const [which, file] = positionals;
  if (which !== "all" && !RUNTIMES.includes(which as RuntimeName)) throw new UsageError(`unknown runtime "${which}" (${RUNTIMES.join(", ")} or all)`);
  const databaseUrl = process.env.DATABASE_URL;
  const store = new ResourceStore(databaseUrl ? localBindings({ databaseUrl }) : {});
  const args = store.resolve(parseJsonArg(values.data)) as Record<string, unknown>;
  for (const runtime of which === "all" ? RUNTIMES : [which as RuntimeName]) {
    const run = await runInRuntime(runtime, file, args);
    process.stderr.write(run.stdout + run.stderr);
    console.log(`${runtime}\t${run.ms} ms\t${JSON.stringify(run.result)}`);
  }
  return 0;
}

if (process.argv[1]?.endsWith("local/runtimes/cli.ts")) {
  runtimesCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`runtimes: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
