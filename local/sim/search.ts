/**
 * Shopify's search syntax (https://shopify.dev/api/usage/search-syntax), the part our
 * queries and staff use: `field:value`, comparators `:<` `:<=` `:>` `:>=`, quoted values,
 * `AND` / `OR` / `NOT` / `-term`, parentheses, implicit AND, trailing `*` prefix match,
 * and free text. Unknown fields are ignored with a warning, as Shopify does.
 */

export type Comparator = "=" | "<" | "<=" | ">" | ">=";

export type SearchNode =
  | { type: "and"; items: SearchNode[] }
  | { type: "or"; items: SearchNode[] }
  | { type: "not"; item: SearchNode }
  | { type: "term"; field: string; comparator: Comparator; value: string }
  | { type: "text"; value: string };

type Token = { kind: "lparen" } | { kind: "rparen" } | { kind: "and" } | { kind: "or" } | { kind: "not" } | { kind: "atom"; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(") {
      tokens.push({ kind: "lparen" });
      i++;
      continue;
    }
    if (ch === ")") {
      tokens.push({ kind: "rparen" });
      i++;
      continue;
    }
    if (ch === "-" && i + 1 < query.length && !/\s/.test(query[i + 1]!)) {
      tokens.push({ kind: "not" });
      i++;
      continue;
    }
    // An atom runs to whitespace or a paren, but quoted sections may contain both.
    let text = "";
    while (i < query.length && !/[\s()]/.test(query[i]!)) {
      const c = query[i]!;
      if (c === "'" || c === '"') {
        const end = query.indexOf(c, i + 1);
        const stop = end === -1 ? query.length : end;
        text += query.slice(i, stop + 1);
        i = stop + 1;
      } else {
        text += c;
        i++;
      }
    }
    if (text === "AND") tokens.push({ kind: "and" });
    else if (text === "OR") tokens.push({ kind: "or" });
    else if (text === "NOT") tokens.push({ kind: "not" });
    else tokens.push({ kind: "atom", text });
  }
  return tokens;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value[value.length - 1] === value[0]) return value.slice(1, -1);
  return value.replace(/^['"]|['"]$/g, "");
}

function atomToNode(text: string): SearchNode {
  const colon = text.indexOf(":");
  if (colon <= 0) return { type: "text", value: unquote(text) };
  const field = text.slice(0, colon).toLowerCase();
  let rest = text.slice(colon + 1);
  let comparator: Comparator = "=";
  for (const op of ["<=", ">=", "<", ">"] as const) {
    if (rest.startsWith(op)) {
      comparator = op;
      rest = rest.slice(op.length);
      break;
    }
  }
  return { type: "term", field, comparator, value: unquote(rest.trim()) };
}

export function parseSearch(query: string): SearchNode {
  const tokens = tokenize(query);
  let pos = 0;
  const parseOr = (): SearchNode => {
    const items = [parseAnd()];
    while (tokens[pos]?.kind === "or") {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: "or", items };
  };
  const parseAnd = (): SearchNode => {
    const items: SearchNode[] = [];
    for (;;) {
      const token = tokens[pos];
      if (!token || token.kind === "rparen" || token.kind === "or") break;
      if (token.kind === "and") {
        pos++;
        continue;
      }
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0]! : { type: "and", items };
  };
  const parseUnary = (): SearchNode => {
    const token = tokens[pos++]!;
    if (token.kind === "not") return { type: "not", item: parseUnary() };
    if (token.kind === "lparen") {
      const inner = parseOr();
      if (tokens[pos]?.kind === "rparen") pos++;
      return inner;
    }
    if (token.kind === "atom") return atomToNode(token.text);
    return { type: "and", items: [] };
  };
  const node = parseOr();
  return node;
}

// ---- evaluation --------------------------------------------------------------

export type FieldKind = "time" | "string" | "tags" | "number" | "id" | "boolean";

export interface SearchField<T> {
  kind: FieldKind;
  /** Value(s) of the field on a record; tags and multi-valued fields return arrays. */
  get(record: T): string | number | boolean | null | readonly string[];
  /** Custom matcher for enum-like filters (e.g. order `status:open`). */
  match?(record: T, value: string, comparator: Comparator): boolean;
}

export interface SearchSchema<T> {
  fields: Record<string, SearchField<T>>;
  /** Fields searched by free text. */
  text(record: T): string[];
}

export interface SearchWarning {
  field: string;
  message: string;
}

/** `2026-01-05`, `2026`, full ISO, or `now`; returns [start, end) of the value's precision. */
export function parseTimeValue(value: string, nowMs: number): [number, number] | null {
  if (value === "now") return [nowMs, nowMs + 1];
  if (/^\d{4}$/.test(value)) return [Date.UTC(Number(value), 0, 1), Date.UTC(Number(value) + 1, 0, 1)];
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) ? null : [start, start + 86_400_000];
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : [ms, ms + 1];
}

function compare(actual: number, comparator: Comparator, [start, end]: [number, number]): boolean {
  switch (comparator) {
    case "=":
      return actual >= start && actual < end;
    case "<":
      return actual < start;
    case "<=":
      return actual < end;
    case ">":
      return actual >= end;
    case ">=":
      return actual >= start;
  }
}

function matchString(actual: string, expected: string): boolean {
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  return e.endsWith("*") ? a.startsWith(e.slice(0, -1)) : a === e;
}

function numericId(value: string): number {
  const m = /(\d+)(?:\?.*)?$/.exec(value);
  return m ? Number(m[1]) : Number.NaN;
}

export class CompiledSearch<T> {
  readonly warnings: SearchWarning[] = [];
  constructor(
    readonly root: SearchNode,
    private readonly schema: SearchSchema<T>,
    private readonly nowMs: number,
  ) {
    this.collectWarnings(root);
  }

  private collectWarnings(node: SearchNode): void {
    if (node.type === "term" && !this.schema.fields[node.field]) {
      this.warnings.push({ field: node.field, message: "Invalid search field for this query." });
    } else if (node.type === "and" || node.type === "or") node.items.forEach((n) => this.collectWarnings(n));
    else if (node.type === "not") this.collectWarnings(node.item);
  }

  matches(record: T): boolean {
    return this.evaluate(this.root, record);
  }

  private evaluate(node: SearchNode, record: T): boolean {
    switch (node.type) {
      case "and":
        return node.items.every((n) => this.evaluate(n, record));
      case "or":
        return node.items.some((n) => this.evaluate(n, record));
      case "not":
        return !this.evaluate(node.item, record);
      case "text": {
        const needle = node.value.toLowerCase();
        return this.schema.text(record).some((t) => t.toLowerCase().includes(needle));
      }
      case "term":
        return this.evaluateTerm(node, record);
    }
  }

  private evaluateTerm(node: Extract<SearchNode, { type: "term" }>, record: T): boolean {
    const field = this.schema.fields[node.field];
    if (!field) return true; // ignored, like Shopify (with a warning)
    if (field.match) return field.match(record, node.value, node.comparator);
    const actual = field.get(record);
    if (actual === null || actual === undefined) return false;
    switch (field.kind) {
      case "time": {
        const range = parseTimeValue(node.value, this.nowMs);
        return range !== null && compare(Date.parse(String(actual)), node.comparator, range);
      }
      case "number":
      case "id": {
        const expected = field.kind === "id" ? numericId(node.value) : Number(node.value);
        const value = field.kind === "id" ? numericId(String(actual)) : Number(actual);
        return compare(value, node.comparator, [expected, expected + (field.kind === "id" ? 1 : Number.EPSILON)]);
      }
      case "boolean":
        return String(actual) === node.value.toLowerCase();
      case "tags":
      case "string": {
        // Comma-separated values mean "any of".
        const expectedValues = node.value.split(",").map((v) => v.trim());
        const values = Array.isArray(actual) ? (actual as readonly string[]) : [String(actual)];
        return values.some((v) => expectedValues.some((e) => matchString(v, e)));
      }
    }
  }
}

export function compileSearch<T>(query: string | null | undefined, schema: SearchSchema<T>, nowMs: number): CompiledSearch<T> | null {
  if (!query || !query.trim()) return null;
  return new CompiledSearch(parseSearch(query), schema, nowMs);
}

/**
 * Time bounds implied by a query on one field, when the query is a conjunction
 * (used to narrow the scanned index range; the full predicate still runs on each record).
 */
export function timeBounds(root: SearchNode, field: string, nowMs: number): { min: number; max: number } {
  let min = -Infinity;
  let max = Infinity;
  const terms = root.type === "and" ? root.items : [root];
  for (const term of terms) {
    if (term.type !== "term" || term.field !== field) continue;
    const range = parseTimeValue(term.value, nowMs);
    if (!range) continue;
    const [start, end] = range;
    if (term.comparator === ">=" || term.comparator === "=") min = Math.max(min, start);
    if (term.comparator === ">") min = Math.max(min, end);
    if (term.comparator === "<") max = Math.min(max, start);
    if (term.comparator === "<=" || term.comparator === "=") max = Math.min(max, end);
  }
  return { min, max };
}
