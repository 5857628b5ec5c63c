// Resolves `$res:<path>` and `$var:<path>` the way a Windmill worker does,
// from the repository's resource/variable files plus local bindings: values
// the local runtime supplies for this machine (the embedded Postgres, S3,
// simulator) or takes from the environment (secrets never live in git).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../config.ts";

export interface Bindings {
  resources?: Record<string, unknown>;
  variables?: Record<string, string>;
}

/** A binding whose value is only computed when a job first needs it (e.g. starting the simulator). */
export class LazyValue {
  private value?: Promise<unknown>;
  constructor(private make: () => Promise<unknown>) {}
  get(): Promise<unknown> {
    return (this.value ??= this.make());
  }
}

export class ResourceStore {
  constructor(private bindings: Bindings = {}, private root = repoRoot) {}

  bind(more: Bindings): void {
    this.bindings = {
      resources: { ...this.bindings.resources, ...more.resources },
      variables: { ...this.bindings.variables, ...more.variables },
    };
  }

  /** Computes every lazy binding a value refers to, so resolve() can stay synchronous. */
  async warm(value: unknown): Promise<void> {
    if (typeof value === "string" && value.startsWith("$res:")) {
      const path = value.slice(5);
      const bound = this.bindings.resources?.[path];
      if (bound instanceof LazyValue) this.bindings.resources![path] = await bound.get();
    } else if (Array.isArray(value)) {
      for (const v of value) await this.warm(v);
    } else if (value && typeof value === "object") {
      for (const v of Object.values(value)) await this.warm(v);
    }
  }

  resource(path: string): unknown {
    const bound = this.bindings.resources?.[path];
    if (bound instanceof LazyValue) throw new Error(`internal: $res:${path} is used before warm()`);
    if (bound !== undefined) return this.resolve(bound);
    const file = join(this.root, `${path}.resource.yaml`);
    if (!existsSync(file)) throw new Error(`resource not found: $res:${path}`);
    const doc = parseYaml(readFileSync(file, "utf8")) as { value?: unknown };
    return this.resolve(doc.value ?? {});
  }

  variable(path: string): string {
    const bound = this.bindings.variables?.[path];
    if (bound !== undefined) return bound;
    const file = join(this.root, `${path}.variable.yaml`);
    if (existsSync(file)) {
      const doc = parseYaml(readFileSync(file, "utf8")) as { value?: unknown; is_secret?: boolean };
      if (!doc.is_secret || (doc.value !== undefined && doc.value !== "")) return String(doc.value ?? "");
    }
    throw new Error(`variable not set: $var:${path} (secrets are not in git; set it through the environment, see README "Environment")`);
  }

  /** Deeply replaces every `$res:`/`$var:` string in a value. */
  resolve(value: unknown): unknown {
    if (typeof value === "string") {
      if (value.startsWith("$res:")) return this.resource(value.slice(5));
      if (value.startsWith("$var:")) return this.variable(value.slice(5));
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
    }
    return value;
  }
}
