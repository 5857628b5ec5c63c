/**
 * Fault injection. A SPEC is a comma-separated list of rules:
 *
 *   KIND:FAULT[=PARAM][@WHEN]
 *
 * KIND   graphql (every Admin API call) | query | mutation | bulk (outcome of the next
 *        bulk job) | download (GET of a result URL) | jsonl (content of the next export)
 *        | token (client-credentials endpoint)
 * FAULT  graphql/query/mutation/token: throttled | 429 | 500 | 502 | 503 | access_denied
 *        bulk: failed | timeout | access_denied | expired
 *        download: reset | 403 | 500 | 503
 *        jsonl: truncated | invalid_utf8 | empty_lines
 * PARAM  429: Retry-After seconds (default 2); reset: fraction of the file sent before the
 *        connection drops (default 0.5); failed/timeout: root objects written to the partial
 *        file (default 10); jsonl: number of bad lines (default 1)
 * WHEN   N (the next N matching requests; default 1) | P% (each request with probability P,
 *        drawn from a seeded PRNG) | always
 *
 * Examples: `graphql:throttled@2`, `query:429=3`, `download:reset=0.3`, `bulk:failed`,
 * `jsonl:truncated=2,jsonl:empty_lines=1`, `graphql:503@10%`.
 */
import { Rng, seedFromFlag } from "./store/random.ts";

export const FAULT_KINDS = {
  graphql: ["throttled", "429", "500", "502", "503", "access_denied"],
  query: ["throttled", "429", "500", "502", "503", "access_denied"],
  mutation: ["throttled", "429", "500", "502", "503", "access_denied"],
  token: ["429", "500", "502", "503"],
  bulk: ["failed", "timeout", "access_denied", "expired"],
  download: ["reset", "403", "500", "503"],
  jsonl: ["truncated", "invalid_utf8", "empty_lines"],
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;

export interface FaultRule {
  kind: FaultKind;
  fault: string;
  param: number | null;
  /** Remaining firings; null when probabilistic or always. */
  remaining: number | null;
  probability: number | null;
  /** How many times the rule fired. */
  fired: number;
}

export interface Fault {
  fault: string;
  param: number | null;
}

export class FaultSpecError extends Error {}

export function parseFaultSpec(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const raw of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^([a-z_]+):([a-z0-9_]+)(?:=([0-9.]+))?(?:@(\d+|\d+(?:\.\d+)?%|always))?$/.exec(raw);
    if (!match) throw new FaultSpecError(`invalid fault rule "${raw}" (expected KIND:FAULT[=PARAM][@N|@P%|@always])`);
    const [, kind, fault, param, when] = match;
    const faults = (FAULT_KINDS as Record<string, readonly string[]>)[kind!];
    if (!faults) throw new FaultSpecError(`unknown fault kind "${kind}" (one of ${Object.keys(FAULT_KINDS).join(", ")})`);
    if (!faults.includes(fault!)) throw new FaultSpecError(`unknown fault "${fault}" for ${kind} (one of ${faults.join(", ")})`);
    const probability = when?.endsWith("%") ? Number(when.slice(0, -1)) / 100 : null;
    rules.push({
      kind: kind as FaultKind,
      fault: fault!,
      param: param === undefined ? null : Number(param),
      remaining: when === "always" || probability !== null ? null : Number(when ?? 1),
      probability,
      fired: 0,
    });
  }
  return rules;
}

export class Faults {
  private rules: FaultRule[] = [];
  private rng: Rng;
  constructor(seed: string | number = 1, spec?: string) {
    this.rng = new Rng(seedFromFlag(seed) ^ 0x2545f491);
    if (spec) this.add(spec);
  }

  add(spec: string): FaultRule[] {
    const parsed = parseFaultSpec(spec);
    this.rules.push(...parsed);
    return parsed;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The fault to inject for a request of these kinds (most specific first), if any fires. */
  take(...kinds: FaultKind[]): Fault | null {
    for (const kind of kinds) {
      for (const rule of this.rules) {
        const fault = rule.kind === kind ? this.fire(rule) : null;
        if (fault) return fault;
      }
    }
    return null;
  }

  /** All firing rules of a kind (jsonl faults combine: truncated and empty lines in one export). */
  takeAll(kind: FaultKind): Fault[] {
    const fired: Fault[] = [];
    for (const rule of this.rules) {
      const fault = rule.kind === kind ? this.fire(rule) : null;
      if (fault) fired.push(fault);
    }
    return fired;
  }

  /** Whether the rule fires now (count left, probability drawn); a firing rule counts itself. */
  private fire(rule: FaultRule): Fault | null {
    if (rule.remaining !== null && rule.remaining <= 0) return null;
    if (rule.probability !== null && !(this.rng.next() < rule.probability)) return null;
    if (rule.remaining !== null) rule.remaining--;
    rule.fired++;
    return { fault: rule.fault, param: rule.param };
  }
}
