// Keeps flows inside the OpenFlow subset the local interpreter implements
// (SPEC section 4): a pure check listing every feature it would not honour,
// run before a flow starts and by a test over every flow under f/.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../../config.ts";
import { findItem, type OpenFlow } from "../workspace.ts";
import { LOCAL_RAWSCRIPT_LANGUAGES } from "./types.ts";

type Obj = Record<string, unknown>;

const FLOW_KEYS = new Set(["summary", "description", "value", "schema", "ws_error_handler_muted"]);
// notes/groups are editor annotations; same_worker only affects worker placement.
const VALUE_KEYS = new Set(["modules", "failure_module", "notes", "groups", "same_worker"]);
const MODULE_KEYS = new Set(["id", "summary", "value", "retry", "stop_after_if", "skip_if", "continue_on_error", "sleep", "timeout", "suspend"]);
const STOP_KEYS = new Set(["expr", "skip_if_stopped", "error_message"]);
// resume_form/hide_cancel/skin shape the approval page; the local resume takes any JSON payload.
const SUSPEND_KEYS = new Set(["required_events", "timeout", "resume_form", "continue_on_disapprove_timeout", "hide_cancel", "skin"]);
const RETRY_KEYS = new Set(["constant", "exponential"]);
const VALUE_TYPE_KEYS: Record<string, Set<string>> = {
  script: new Set(["type", "path", "input_transforms"]),
  rawscript: new Set(["type", "content", "language", "input_transforms", "lock", "path", "tag"]),
  flow: new Set(["type", "path", "input_transforms"]),
  forloopflow: new Set(["type", "iterator", "modules", "skip_failures", "parallel", "parallelism", "squash"]),
  branchone: new Set(["type", "branches", "default"]),
  branchall: new Set(["type", "branches", "parallel"]),
  identity: new Set(["type", "flow"]),
};
const RESERVED_IDS = new Set(["failure", "preprocessor", "Input"]);

/**
 * Problems that keep `flow` (at `path`) from running locally; empty when it
 * is inside the subset. Also checks that every `script`/`flow` path exists
 * and every `!inline` file is there.
 */
export function checkFlowSupported(flow: OpenFlow | Obj, path: string, root: string = repoRoot): string[] {
  return new Checker(path, root, new Set()).flow(flow as Obj);
}

class Checker {
  problems: string[] = [];
  private ids = new Map<string, number>();
  private dir: string;

  constructor(private path: string, private root: string, private visiting: Set<string>) {
    this.dir = join(root, `${path}__flow`);
  }

  flow(flow: Obj): string[] {
    this.visiting.add(this.path);
    if (!isObj(flow)) return this.fail("", "the flow is not an object");
    for (const k of Object.keys(flow)) if (!FLOW_KEYS.has(k)) this.unsupported("", k);
    const value = flow.value as Obj;
    if (!isObj(value) || !Array.isArray(value.modules)) return this.fail("", '"value.modules" must be a list');
    for (const k of Object.keys(value)) {
      if (!VALUE_KEYS.has(k)) this.unsupported("", k === "preprocessor_module" ? "value.preprocessor_module" : `value.${k}`);
    }
    this.modules(value.modules, { parallel: false });
    if (value.failure_module !== undefined) {
      const fm = value.failure_module as Obj;
      this.module(fm, { parallel: false }, true);
      const type = isObj(fm?.value) ? fm.value.type : undefined;
      if (type !== "script" && type !== "rawscript") this.fail(`module "${fm?.id}"`, `the failure module must be a script or rawscript, not "${type}"`);
    }
    for (const [id, n] of this.ids) if (n > 1) this.fail(`module "${id}"`, "the id is used more than once (ids must be unique in the flow)");
    this.inlineFiles();
    return this.problems;
  }

  private modules(list: unknown, ctx: { parallel: boolean }): void {
    if (!Array.isArray(list)) return void this.fail("", "a modules list is not a list");
    for (const m of list) this.module(m as Obj, ctx, false);
  }

  private module(m: Obj, ctx: { parallel: boolean }, isFailure: boolean): void {
    if (!isObj(m) || typeof m.id !== "string") return void this.fail("", `a module has no id: ${JSON.stringify(m)?.slice(0, 80)}`);
    const where = `module "${m.id}"`;
    this.ids.set(m.id, (this.ids.get(m.id) ?? 0) + 1);
    if (isFailure ? m.id !== "failure" : RESERVED_IDS.has(m.id)) this.fail(where, isFailure ? 'the failure module id must be "failure"' : "the id is reserved by Windmill");
    for (const k of Object.keys(m)) if (!MODULE_KEYS.has(k)) this.unsupported(where, k);
    this.subKeys(where, "stop_after_if", m.stop_after_if, STOP_KEYS);
    this.subKeys(where, "suspend", m.suspend, SUSPEND_KEYS);
    this.subKeys(where, "retry", m.retry, RETRY_KEYS);
    if (m.suspend !== undefined && ctx.parallel) this.fail(where, '"suspend" inside a parallel loop or branchall is not supported locally');
    for (const k of ["sleep", "timeout"] as const) if (m[k] !== undefined) this.numberOrTransform(where, k, m[k]);
    const v = m.value as Obj;
    if (!isObj(v) || typeof v.type !== "string") return void this.fail(where, '"value.type" is missing');
    const type = v.type;
    const allowed = VALUE_TYPE_KEYS[type];
    if (!allowed) return void this.unsupported(where, type);
    for (const k of Object.keys(v)) if (!allowed.has(k)) this.unsupported(where, `${type}.${k}`);
    if (m.timeout !== undefined && !["script", "rawscript", "flow"].includes(type)) this.fail(where, `"timeout" on ${type} modules is not supported locally`);
    if ("input_transforms" in v || type === "script" || type === "rawscript" || type === "flow") this.transforms(where, v.input_transforms);
    switch (type) {
      case "script":
      case "flow":
        this.target(where, type, v.path);
        break;
      case "rawscript":
        if (!(LOCAL_RAWSCRIPT_LANGUAGES as readonly string[]).includes(String(v.language))) {
          this.fail(where, `rawscript language "${v.language}" is not supported locally (only ${LOCAL_RAWSCRIPT_LANGUAGES.join(", ")})`);
        }
        if (typeof v.content !== "string") this.fail(where, "rawscript has no content");
        break;
      case "forloopflow":
        this.transform(where, "iterator", v.iterator);
        if (v.parallelism !== undefined) this.numberOrTransform(where, "parallelism", v.parallelism);
        if (v.parallel && m.stop_after_if) this.fail(where, '"stop_after_if" on a parallel forloopflow is not supported locally');
        this.modules(v.modules, { parallel: ctx.parallel || Boolean(v.parallel) });
        break;
      case "branchone":
        if (!Array.isArray(v.branches)) this.fail(where, "branchone needs a branches list");
        for (const b of (v.branches as Obj[]) ?? []) {
          if (typeof b?.expr !== "string") this.fail(where, "every branchone branch needs an expr");
          this.modules(b?.modules, ctx);
        }
        this.modules(v.default ?? [], ctx);
        break;
      case "branchall":
        if (!Array.isArray(v.branches)) this.fail(where, "branchall needs a branches list");
        for (const b of (v.branches as Obj[]) ?? []) this.modules(b?.modules, { parallel: ctx.parallel || Boolean(v.parallel) });
        break;
    }
  }

  private target(where: string, type: "script" | "flow", path: unknown): void {
    if (typeof path !== "string") return void this.fail(where, `${type} step has no path`);
    let item;
    try {
      item = findItem(path, this.root);
    } catch (e) {
      return void this.fail(where, (e as Error).message);
    }
    if (item.kind !== type) return void this.fail(where, `"${path}" is a ${item.kind}, not a ${type}`);
    if (item.kind === "flow" && !this.visiting.has(path)) {
      const sub = new Checker(path, this.root, this.visiting).flow(item.flow);
      if (sub.length) this.fail(where, `subflow ${path} is not supported locally (${sub.length} problem(s), first: ${sub[0]})`);
      else if (JSON.stringify(item.flow.value).includes('"suspend"')) this.fail(where, `subflow ${path} suspends (approval step), which is not supported locally inside a subflow`);
    }
  }

  private transforms(where: string, t: unknown): void {
    if (t === undefined) return;
    if (!isObj(t)) return void this.fail(where, "input_transforms must be a map");
    for (const [k, x] of Object.entries(t)) this.transform(where, `input_transforms.${k}`, x);
  }

  private transform(where: string, what: string, t: unknown): void {
    if (!isObj(t)) return void this.fail(where, `"${what}" must be an input transform ({type: static|javascript})`);
    if (t.type === "javascript" && typeof t.expr !== "string") this.fail(where, `"${what}" has no expr`);
    else if (t.type !== "static" && t.type !== "javascript") this.fail(where, `"${what}": input transform type "${t.type}" is not supported locally`);
  }

  private numberOrTransform(where: string, what: string, v: unknown): void {
    if (typeof v !== "number") this.transform(where, what, v);
  }

  private subKeys(where: string, name: string, v: unknown, allowed: Set<string>): void {
    if (v === undefined) return;
    if (!isObj(v)) return void this.fail(where, `"${name}" must be an object`);
    for (const k of Object.keys(v)) if (!allowed.has(k)) this.unsupported(where, `${name}.${k}`);
  }

  /** `!inline` references, from the flow.yaml on disk (the loaded flow has them replaced). */
  private inlineFiles(): void {
    const file = join(this.dir, "flow.yaml");
    if (!existsSync(file)) return;
    const walk = (v: unknown): void => {
      if (typeof v === "string" && v.startsWith("!inline ")) {
        const rel = v.slice("!inline ".length).trim();
        if (!existsSync(join(this.dir, rel))) this.fail("", `inline file not found: ${rel}`);
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (isObj(v)) Object.values(v).forEach(walk);
    };
    try {
      walk(parseYaml(readFileSync(file, "utf8")));
    } catch (e) {
      this.fail("", `flow.yaml does not parse: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  private unsupported(where: string, feature: string): void {
    this.fail(where, `"${feature}" is not supported locally`);
  }

  private fail(where: string, message: string): string[] {
    this.problems.push(`flow ${this.path}: ${where ? `${where}: ` : ""}${message}`);
    return this.problems;
  }
}

function isObj(v: unknown): v is Obj {
  return Boolean(v) && typeof v === "object" && !Array.isArray(v);
}
