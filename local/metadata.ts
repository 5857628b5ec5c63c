// `wm-local generate-metadata`: the offline half of `wmill generate-metadata`.
// Writes each script's .script.yaml schema as Windmill's parser infers it from
// main() (descriptions and other keys kept). `--check` only reports drift.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse as parseYaml, stringify } from "yaml";
import { repoRoot } from "./config.ts";
import { parse } from "./cli.ts";
import { emptySchema, inferSchema, type JsonSchema } from "./runtime/signature.ts";
import { listWorkspaceFiles } from "./runtime/workspace.ts";

export interface Drift {
  script: string;
  metaFile: string;
  expected: JsonSchema;
  actual: JsonSchema | undefined;
}

/**
 * Every script under f/, outside flows and apps. Library modules (f/lib, no
 * main) count too: Windmill workers fetch relative imports from the deployed
 * workspace, so `wmill sync push` deploys them as scripts with their metadata.
 */
export function scriptFiles(root = repoRoot): string[] {
  return listWorkspaceFiles(root).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !/__(flow|raw_app|app)\//.test(f));
}

export function metaFileOf(script: string): string {
  return script.replace(/(\.fetch|\.bun|\.deno)?\.ts$/, ".script.yaml");
}

export function schemaDrift(root = repoRoot): Drift[] {
  const drift: Drift[] = [];
  for (const script of scriptFiles(root)) {
    const code = readFileSync(join(root, script), "utf8");
    const metaFile = metaFileOf(script);
    const meta = existsSync(join(root, metaFile)) ? (parseYaml(readFileSync(join(root, metaFile), "utf8")) ?? {}) : undefined;
    const actual = meta?.schema as JsonSchema | undefined;
    const expected = inferSchema(code, actual ?? emptySchema());
    if (!actual || !isDeepStrictEqual(normalise(actual), normalise(expected))) drift.push({ script, metaFile, expected, actual });
  }
  return drift;
}

// YAML round trips drop `undefined`; compare as JSON.
const normalise = (s: unknown) => JSON.parse(JSON.stringify(s));

export async function generateMetadataCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { check: { type: "boolean" } });
  const drift = schemaDrift();
  if (values.check) {
    for (const d of drift) console.error(`${d.metaFile}: schema differs from main() of ${d.script}`);
    console.error(drift.length ? `${drift.length} script(s) out of date: run wm-local generate-metadata` : "all script schemas match main()");
    return drift.length ? 1 : 0;
  }
  for (const d of drift) {
    const path = join(repoRoot, d.metaFile);
    const meta = existsSync(path)
      ? parseYaml(readFileSync(path, "utf8"))
      : { summary: d.script.startsWith("f/lib/") ? "Library module imported by scripts (no main)" : "", description: "", lock: "", kind: "script" };
    meta.schema = d.expected;
    writeFileSync(path, stringify(meta));
    console.log(`wrote ${d.metaFile}`);
  }
  if (!drift.length) console.log("all script schemas already match main()");
  return 0;
}
