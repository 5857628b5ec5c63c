// What Windmill's parser sees in a script: main's parameters (in call order)
// and the JSON schema `wmill generate-metadata` would write to .script.yaml.
// Mirrors inferSchema() of windmill-cli 1.819.0 for TypeScript.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, parse_deno } from "windmill-parser-wasm-ts";

const require = createRequire(import.meta.url);
let ready = false;

export interface ParsedArg {
  name: string;
  typ: unknown;
  default: unknown;
  has_default: boolean;
  otyp: string | null;
}
export interface Signature {
  args: ParsedArg[];
  has_preprocessor: boolean;
  auto_kind: string | null;
}
export interface JsonSchema {
  $schema?: string;
  type: "object";
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  order?: string[];
  [k: string]: unknown;
}

export function parseSignature(code: string, entry: "main" | "preprocessor" = "main"): Signature {
  if (!ready) {
    initSync({ module: readFileSync(require.resolve("windmill-parser-wasm-ts/windmill_parser_wasm_bg.wasm")) });
    ready = true;
  }
  const parsed = JSON.parse(parse_deno(code, entry === "main" ? null : entry));
  if (parsed.type === "Invalid" || parsed.error) throw new Error(`cannot parse ${entry}(): ${parsed.error ?? "invalid"}`);
  return parsed as Signature;
}

/** The schema Windmill infers from `main`, keeping descriptions etc. of `current`. */
export function inferSchema(code: string, current?: JsonSchema): JsonSchema {
  const sig = parseSignature(code);
  const { argSigToJsonSchemaType } = require("windmill-utils-internal") as {
    argSigToJsonSchemaType(t: unknown, s: Record<string, unknown>): void;
  };
  const schema: JsonSchema = structuredClone(current ?? emptySchema());
  const old = schema.properties ?? {};
  schema.required = [];
  schema.properties = {};
  for (const arg of sig.args) {
    const prop = sortKeys(old[arg.name] ?? { description: "", type: "" });
    argSigToJsonSchemaType(arg.typ, prop);
    if (arg.otyp && arg.otyp.includes("[") && arg.otyp.includes("|")) prop.originalType = arg.otyp;
    prop.default = arg.default;
    schema.properties[arg.name] = prop;
    if (!arg.has_default) schema.required.push(arg.name);
  }
  return schema;
}

export function emptySchema(): JsonSchema {
  return { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {}, required: [] };
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
