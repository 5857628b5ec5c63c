// Every script's .script.yaml schema is what Windmill's parser
// (windmill-parser-wasm-ts + windmill-utils-internal) infers from its main, so
// the forms Windmill generates match the code; and every script has one.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../local/config.ts";
import { metaFileOf, schemaDrift, scriptFiles } from "../../local/metadata.ts";
import { inferSchema } from "../../local/runtime/signature.ts";

describe("script schemas of this repository", () => {
  it("every script under f/ (library modules included, flows and apps excluded) has a .script.yaml", () => {
    const scripts = scriptFiles();
    expect(scripts).toContain("f/platform/health.ts");
    expect(scripts).toContain("f/lib/db.ts");
    const missing = scripts.filter((f) => !existsSync(join(repoRoot, metaFileOf(f))));
    expect(missing, "run: npx wm-local generate-metadata").toEqual([]);
  });

  it("every .script.yaml schema equals what Windmill infers from main()", () => {
    const drift = schemaDrift().map((d) => `${d.metaFile} (from ${d.script}): expected ${JSON.stringify(d.expected.properties)}, found ${JSON.stringify(d.actual?.properties)}`);
    expect(drift, "run: npx wm-local generate-metadata").toEqual([]);
  });

  it("health's db argument is a postgresql resource in the inferred schema", () => {
    const schema = inferSchema(readFileSync(join(repoRoot, "f/platform/health.ts"), "utf8"));
    expect(schema.properties.db).toMatchObject({ type: "object", format: "resource-postgresql" });
    expect(schema.required).toEqual(["db"]);
  });
});

describe("schemaDrift on a scratch workspace", () => {
  let root: string;
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const meta = (schema: unknown) => stringify({ summary: "", description: "", lock: "", kind: "script", schema });
  const code = `export async function main(name: string, count: number = 2, db?: Postgresql) { return name; }\ntype Postgresql = { host: string };\n`;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "wm-schemas-"));
    put("f/demo/in_sync.ts", code);
    put("f/demo/in_sync.script.yaml", meta(inferSchema(code)));
    put("f/demo/stale.ts", code.replace("count: number = 2", "count: string"));
    put("f/demo/stale.script.yaml", meta(inferSchema(code)));
    put("f/demo/no_meta.ts", code);
    put("f/lib/helpers.ts", "export const x = 1;\n"); // a library: deployed as a script too, so it needs metadata
    put("f/demo/flow__flow/step.ts", "export async function main(z: number) { return z; }\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reports a changed signature and a missing .script.yaml, and nothing else", () => {
    const drift = schemaDrift(root);
    expect(drift.map((d) => d.script).sort()).toEqual(["f/demo/no_meta.ts", "f/demo/stale.ts", "f/lib/helpers.ts"]);
    const stale = drift.find((d) => d.script === "f/demo/stale.ts")!;
    expect(stale.metaFile).toBe("f/demo/stale.script.yaml");
    expect(stale.actual?.properties.count).toMatchObject({ type: "number", default: 2 });
    expect(stale.expected.properties.count).toMatchObject({ type: "string" });
    expect(stale.expected.required).toEqual(["name", "count"]);
    expect(drift.find((d) => d.script === "f/demo/no_meta.ts")!.actual).toBeUndefined();
  });

  it("a description edit is kept and is not drift", () => {
    const schema = inferSchema(code);
    (schema.properties.name as Record<string, unknown>).description = "Who to greet";
    put("f/demo/in_sync.script.yaml", meta(schema));
    expect(schemaDrift(root).map((d) => d.script)).not.toContain("f/demo/in_sync.ts");
  });
});
