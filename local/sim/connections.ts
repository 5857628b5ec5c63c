/**
 * Relay connections with Shopify's arguments (first/last/after/before/reverse) over
 * (a) in-record arrays (line items, variants, ...) and (b) indexed collections that
 * are generated on the fly. Cursors are opaque base64 JSON, like Shopify's.
 */
import { UserFacingError } from "./errors.ts";

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection {
  edges: { cursor: string; node: unknown }[];
  nodes: unknown[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface CursorPayload {
  last_id: number;
  last_value: string | number | null;
}

export function encodeCursor(position: number, value: string | number | null = null): string {
  return Buffer.from(JSON.stringify({ last_id: position, last_value: value } satisfies CursorPayload)).toString("base64url");
}

export function decodeCursor(cursor: string): CursorPayload {
  try {
    const payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as CursorPayload;
    if (typeof payload.last_id === "number") return payload;
  } catch {
    // fall through
  }
  throw new UserFacingError("Invalid cursor for current pagination sort.", { code: "BAD_REQUEST" });
}

/** Shopify requires a page size on every (non-bulk) connection. */
export function pageSize(args: PageArgs): { size: number; backward: boolean } {
  if (args.first == null && args.last == null) throw new UserFacingError("you must provide one of first or last");
  if (args.first != null && args.last != null) throw new UserFacingError("providing both first and last is not supported");
  const size = (args.first ?? args.last)!;
  if (size < 0) throw new UserFacingError("first and last must be non-negative");
  if (size > 250) throw new UserFacingError(`The ${args.first != null ? "first" : "last"} argument cannot exceed 250.`);
  return { size, backward: args.last != null };
}

export interface Keyed {
  position: number;
  key: string | number | null;
}

function toConnection<T extends Keyed>(page: T[], node: (item: T) => unknown, hasNextPage: boolean, hasPreviousPage: boolean): Connection {
  const edges = page.map((item) => ({ cursor: encodeCursor(item.position, item.key), node: node(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/**
 * Pages through a sequence given in its natural order. `seek(afterPosition)` yields items
 * strictly after a position (or from the start); the backward direction is served by the
 * caller passing the reversed sequence. Only size+1 items are pulled, so huge collections
 * stay cheap.
 */
export function paginateSequence<T extends Keyed>(
  args: PageArgs,
  sequence: (direction: "forward" | "backward", afterPosition: number | null) => Iterable<T>,
  node: (item: T) => unknown,
  options: { all?: boolean } = {},
): Connection {
  if (options.all) {
    return toConnection([...sequence("forward", null)], node, false, false);
  }
  const { size, backward } = pageSize(args);
  const cursor = backward ? args.before : args.after;
  const afterPosition = cursor ? decodeCursor(cursor).last_id : null;
  const page: T[] = [];
  let more = false;
  for (const item of sequence(backward ? "backward" : "forward", afterPosition)) {
    if (page.length === size) {
      more = true;
      break;
    }
    page.push(item);
  }
  if (backward) page.reverse();
  return backward ? toConnection(page, node, Boolean(cursor), more) : toConnection(page, node, more, Boolean(cursor));
}

/** Connection over an array held in a record (children of one node). */
export function connectionFromArray(items: readonly unknown[], args: PageArgs, options: { all?: boolean } = {}): Connection {
  const ordered = args.reverse ? [...items].reverse() : items;
  const keyed = ordered.map((item, position) => ({ position, key: null, item }));
  return paginateSequence(
    args,
    function* (direction, after) {
      if (direction === "forward") {
        for (let p = after === null ? 0 : after + 1; p < keyed.length; p++) yield keyed[p]!;
      } else {
        for (let p = after === null ? keyed.length - 1 : after - 1; p >= 0; p--) yield keyed[p]!;
      }
    },
    (k) => k.item,
    options,
  );
}

