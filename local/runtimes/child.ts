// Runs inside the child runtime (Bun, Deno or Node+tsx), like the wrapper a
// Windmill worker writes next to main.ts: read the args from a JSON
// file, call main, write the outcome to a JSON file, exit. Web-standard and
// `node:` APIs only, so the same file runs unchanged in all three runtimes.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [file, argsFile, resultFile] = process.argv.slice(2);

function write(outcome: unknown): void {
  writeFileSync(resultFile, JSON.stringify(outcome));
}

try {
  const mod = (await import(pathToFileURL(file).href)) as { main?: (...a: unknown[]) => unknown };
  if (typeof mod.main !== "function") throw new Error(`${file} has no exported function main`);
  // Named args onto main's parameters; a missing one stays undefined (JSON
  // has no undefined) so that main's default applies, as in Windmill.
  const { order, args } = JSON.parse(readFileSync(argsFile, "utf8")) as { order: string[]; args: Record<string, unknown> };
  const result = await mod.main(...order.map((name) => (name in args ? args[name] : undefined)));
  write({ ok: true, result: result === undefined ? null : result });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  write({ ok: false, error: { name: err.name, message: err.message, stack: err.stack } });
}
// Scripts may leave pools or timers open; a Windmill job ends with main.
process.exit(0);
