/**
 * The root collections (orders, products, variants, customers, locations): how they are
 * searched, sorted, paged and counted. Collections are generated on the fly from the
 * index space; the search planner narrows the scanned index range where it can.
 */
import { paginateSequence, type Connection, type PageArgs } from "./connections.ts";
import { UserFacingError } from "./errors.ts";
import { compileSearch, timeBounds, type CompiledSearch, type SearchSchema, type Comparator } from "./search.ts";
import { SLOTS } from "./store/ids.ts";
import type { Store } from "./store/index.ts";
import { MAX_UPDATE_LAG_MS } from "./store/orders.ts";
import type { Ref, SimNode } from "./store/types.ts";

type SortExtractor = ((node: SimNode) => string | number) | "natural";

/** Index candidates, ascending: a contiguous range plus extra indices outside it. */
interface Candidates {
  lo: number;
  hi: number;
  extras: number[];
}

export interface Collection {
  name: string;
  search: SearchSchema<SimNode>;
  sortKeys: Record<string, SortExtractor>;
  slots(store: Store): number;
  get(store: Store, index: number): SimNode | undefined;
  plan?(store: Store, search: CompiledSearch<SimNode> | null): Candidates;
}

export interface ListOptions {
  query?: string | null;
  sortKey?: string | null;
  reverse?: boolean | null;
  /** Collection-specific filters applied before the query (e.g. locations' includeInactive). */
  filter?: (node: SimNode) => boolean;
}

const str = (v: unknown): string => (v == null ? "" : String(v));
const refId = (v: unknown): string | null => (v && typeof v === "object" ? (v as Ref).id : null);
const tagsOf = (n: SimNode): readonly string[] => (n.tags as string[]) ?? [];
const hasTag = (n: SimNode, value: string) => value.split(",").some((t) => tagsOf(n).some((x) => x.toLowerCase() === t.trim().toLowerCase()));

const tagFields = {
  tag: { kind: "tags" as const, get: tagsOf },
  tag_not: { kind: "tags" as const, get: tagsOf, match: (n: SimNode, value: string) => !hasTag(n, value) },
};

const timeField = (name: string) => ({ kind: "time" as const, get: (n: SimNode) => n[name] as string | null });

function enumMatcher(field: string, aliases: Record<string, string[]> = {}) {
  return (n: SimNode, value: string, _c: Comparator) => {
    const wanted = value.split(",").flatMap((v) => aliases[v.trim().toLowerCase()] ?? [v.trim().toUpperCase()]);
    return wanted.includes(str(n[field]).toUpperCase());
  };
}

const ORDER_SEARCH: SearchSchema<SimNode> = {
  fields: {
    created_at: timeField("createdAt"),
    updated_at: timeField("updatedAt"),
    processed_at: timeField("processedAt"),
    name: {
      kind: "string",
      get: (n) => str(n.name),
      match: (n, value) => {
        const want = value.replace(/^#/, "").toLowerCase();
        const have = str(n.name).replace(/^#/, "").toLowerCase();
        return want.endsWith("*") ? have.startsWith(want.slice(0, -1)) : have === want;
      },
    },
    ...tagFields,
    status: {
      kind: "string",
      get: () => null,
      match: (n, value) => {
        const v = value.toLowerCase();
        if (v === "any") return true;
        if (v === "open") return !n.closed && !n.cancelledAt;
        if (v === "closed") return Boolean(n.closed);
        if (v === "cancelled") return Boolean(n.cancelledAt);
        if (v === "not_closed") return !n.closed;
        return false;
      },
    },
    financial_status: { kind: "string", get: () => null, match: enumMatcher("displayFinancialStatus") },
    fulfillment_status: {
      kind: "string",
      get: () => null,
      match: enumMatcher("displayFulfillmentStatus", {
        shipped: ["FULFILLED"],
        fulfilled: ["FULFILLED"],
        unshipped: ["UNFULFILLED"],
        unfulfilled: ["UNFULFILLED"],
        partial: ["PARTIALLY_FULFILLED"],
        on_hold: ["ON_HOLD"],
        scheduled: ["SCHEDULED"],
        request_declined: ["REQUEST_DECLINED"],
      }),
    },
    email: { kind: "string", get: (n) => str(n.email) },
    customer_id: { kind: "id", get: (n) => refId(n.customer) },
    id: { kind: "id", get: (n) => n.id },
    sku: { kind: "string", get: (n) => ((n.lineItems as SimNode[]) ?? []).map((l) => str(l.sku)) },
    test: { kind: "boolean", get: (n) => Boolean(n.test) },
    discount_code: { kind: "string", get: (n) => (n.discountCodes as string[]) ?? [] },
  },
  text: (n) => [str(n.name), str(n.email), str((n.shippingAddress as { name?: string } | null)?.name)],
};

const PRODUCT_SEARCH: SearchSchema<SimNode> = {
  fields: {
    title: { kind: "string", get: (n) => str(n.title) },
    handle: { kind: "string", get: (n) => str(n.handle) },
    ...tagFields,
    product_type: { kind: "string", get: (n) => str(n.productType) },
    vendor: { kind: "string", get: (n) => str(n.vendor) },
    status: { kind: "string", get: (n) => str(n.status) },
    created_at: timeField("createdAt"),
    updated_at: timeField("updatedAt"),
    published_at: timeField("publishedAt"),
    id: { kind: "id", get: (n) => n.id },
    sku: { kind: "string", get: (n) => ((n.variants as SimNode[]) ?? []).map((v) => str(v.sku)) },
    inventory_total: { kind: "number", get: (n) => n.totalInventory as number },
  },
  text: (n) => [str(n.title), str(n.vendor), str(n.productType), ...tagsOf(n)],
};

const VARIANT_SEARCH: SearchSchema<SimNode> = {
  fields: {
    sku: { kind: "string", get: (n) => str(n.sku) },
    title: { kind: "string", get: (n) => str(n.title) },
    barcode: { kind: "string", get: (n) => str(n.barcode) },
    product_id: { kind: "id", get: (n) => refId(n.product) },
    created_at: timeField("createdAt"),
    updated_at: timeField("updatedAt"),
    id: { kind: "id", get: (n) => n.id },
    inventory_quantity: { kind: "number", get: (n) => n.inventoryQuantity as number },
  },
  text: (n) => [str(n.sku), str(n.displayName)],
};

const CUSTOMER_SEARCH: SearchSchema<SimNode> = {
  fields: {
    email: { kind: "string", get: (n) => str((n.defaultEmailAddress as { emailAddress?: string } | null)?.emailAddress) },
    first_name: { kind: "string", get: (n) => str(n.firstName) },
    last_name: { kind: "string", get: (n) => str(n.lastName) },
    phone: { kind: "string", get: (n) => str((n.defaultPhoneNumber as { phoneNumber?: string } | null)?.phoneNumber) },
    ...tagFields,
    state: { kind: "string", get: (n) => str(n.state) },
    country: { kind: "string", get: (n) => str((n.defaultAddress as { countryCodeV2?: string } | null)?.countryCodeV2) },
    created_at: timeField("createdAt"),
    updated_at: timeField("updatedAt"),
    id: { kind: "id", get: (n) => n.id },
    orders_count: { kind: "number", get: (n) => Number(n.numberOfOrders) },
  },
  text: (n) => [str(n.displayName), str((n.defaultEmailAddress as { emailAddress?: string } | null)?.emailAddress)],
};

const LOCATION_SEARCH: SearchSchema<SimNode> = {
  fields: {
    name: { kind: "string", get: (n) => str(n.name) },
    active: { kind: "boolean", get: (n) => Boolean(n.isActive) },
    id: { kind: "id", get: (n) => n.id },
  },
  text: (n) => [str(n.name)],
};

const byTime = (field: string) => (n: SimNode) => Date.parse(str(n[field]));
const byText = (get: (n: SimNode) => unknown) => (n: SimNode) => str(get(n)).toLowerCase();
const byMoney = (field: string) => (n: SimNode) => Number((n[field] as { shopMoney: { amount: string } }).shopMoney.amount);

function orderPlan(store: Store, search: CompiledSearch<SimNode> | null): Candidates {
  const all = { lo: 0, hi: store.orderSlots, extras: [] };
  if (!search) return all;
  const now = store.clock.now();
  const created = timeBounds(search.root, "created_at", now);
  const processed = timeBounds(search.root, "processed_at", now);
  const updated = timeBounds(search.root, "updated_at", now);
  const minCreated = Math.max(created.min, processed.min, updated.min - MAX_UPDATE_LAG_MS);
  const maxCreated = Math.min(created.max, processed.max, updated.max);
  let lo = Number.isFinite(minCreated) ? store.firstOrderAtOrAfter(minCreated) : 0;
  let hi = Number.isFinite(maxCreated) ? store.firstOrderAtOrAfter(maxCreated) : store.orderSlots;
  // `name:#1005` pins a single order.
  const terms = search.root.type === "and" ? search.root.items : [search.root];
  for (const term of terms) {
    if (term.type === "term" && term.field === "name" && term.comparator === "=" && /^#?\d+$/.test(term.value)) {
      const index = Number(term.value.replace("#", "")) - 1001;
      lo = Math.max(lo, index);
      hi = Math.min(hi, index + 1);
    }
  }
  // Orders changed after generation can have any updatedAt; they are checked individually.
  const extras = Number.isFinite(updated.min) ? store.patchedOrderIndexes().filter((i) => i < lo || i >= hi) : [];
  return { lo, hi: Math.max(lo, hi), extras };
}

export const COLLECTIONS = {
  orders: {
    name: "orders",
    search: ORDER_SEARCH,
    sortKeys: {
      ID: "natural",
      CREATED_AT: "natural",
      PROCESSED_AT: "natural",
      ORDER_NUMBER: "natural",
      RELEVANCE: "natural",
      UPDATED_AT: byTime("updatedAt"),
      TOTAL_PRICE: byMoney("totalPriceSet"),
      CURRENT_TOTAL_PRICE: byMoney("currentTotalPriceSet"),
      FINANCIAL_STATUS: byText((n) => n.displayFinancialStatus),
      FULFILLMENT_STATUS: byText((n) => n.displayFulfillmentStatus),
      CUSTOMER_NAME: byText((n) => (n.shippingAddress as { name?: string } | null)?.name),
      TOTAL_ITEMS_QUANTITY: (n) => n.subtotalLineItemsQuantity as number,
    },
    slots: (store) => store.orderSlots,
    get: (store, i) => store.order(i),
    plan: orderPlan,
  },
  products: {
    name: "products",
    search: PRODUCT_SEARCH,
    sortKeys: {
      ID: "natural",
      RELEVANCE: "natural",
      TITLE: byText((n) => n.title),
      PRODUCT_TYPE: byText((n) => n.productType),
      VENDOR: byText((n) => n.vendor),
      CREATED_AT: byTime("createdAt"),
      UPDATED_AT: byTime("updatedAt"),
      PUBLISHED_AT: byTime("publishedAt"),
      INVENTORY_TOTAL: (n) => n.totalInventory as number,
    },
    slots: (store) => store.cfg.products,
    get: (store, i) => store.product(i),
  },
  productVariants: {
    name: "productVariants",
    search: VARIANT_SEARCH,
    sortKeys: { ID: "natural", RELEVANCE: "natural", SKU: byText((n) => n.sku), TITLE: byText((n) => n.title), POSITION: (n) => n.position as number, INVENTORY_QUANTITY: (n) => n.inventoryQuantity as number },
    slots: (store) => store.cfg.products * SLOTS.variants,
    get: (store, i) => store.variant(i),
  },
  customers: {
    name: "customers",
    search: CUSTOMER_SEARCH,
    sortKeys: { ID: "natural", RELEVANCE: "natural", CREATED_AT: byTime("createdAt"), UPDATED_AT: byTime("updatedAt"), NAME: byText((n) => n.displayName) },
    slots: (store) => store.customerCount(),
    get: (store, i) => store.customer(i),
  },
  locations: {
    name: "locations",
    search: LOCATION_SEARCH,
    sortKeys: { ID: "natural", RELEVANCE: "natural", NAME: byText((n) => n.name) },
    slots: (store) => store.locationCount(),
    get: (store, i) => store.location(i),
  },
} satisfies Record<string, Collection>;

export type CollectionName = keyof typeof COLLECTIONS;

interface Match {
  /** Cursor position: the index for natural order, the rank for sorted orders. */
  position: number;
  key: string | number | null;
  index: number;
}

function* candidateIndexes(c: Candidates, direction: "forward" | "backward", after: number | null): Generator<number> {
  // Merge the range and the extras in order; both are ascending.
  const extras = c.extras;
  if (direction === "forward") {
    let i = after === null ? c.lo : Math.max(c.lo, after + 1);
    let e = 0;
    while (e < extras.length && after !== null && extras[e]! <= after) e++;
    while (i < c.hi || e < extras.length) {
      if (e < extras.length && (i >= c.hi || extras[e]! < i)) yield extras[e++]!;
      else yield i++;
    }
  } else {
    let i = after === null ? c.hi - 1 : Math.min(c.hi - 1, after - 1);
    let e = extras.length - 1;
    while (e >= 0 && after !== null && extras[e]! >= after) e--;
    while (i >= c.lo || e >= 0) {
      if (e >= 0 && (i < c.lo || extras[e]! > i)) yield extras[e--]!;
      else yield i--;
    }
  }
}

/**
 * Matches ordered by a sort key, kept as flat arrays plus a typed permutation (a few bytes
 * per match instead of an object each), so sorting a million orders stays modest.
 */
class SortedMatches {
  private readonly order: Uint32Array;
  constructor(
    private readonly indexes: number[],
    private readonly keys: (string | number)[],
    private readonly reverse: boolean,
  ) {
    this.order = Uint32Array.from(indexes.keys()).sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      return ka < kb ? -1 : ka > kb ? 1 : indexes[a]! - indexes[b]!;
    });
  }
  get length(): number {
    return this.order.length;
  }
  private slot(rank: number): number {
    return this.order[this.reverse ? this.order.length - 1 - rank : rank]!;
  }
  indexAt(rank: number): number {
    return this.indexes[this.slot(rank)]!;
  }
  keyAt(rank: number): string | number {
    return this.keys[this.slot(rank)]!;
  }
}

export class Lister {
  constructor(private readonly store: Store) {}

  compile(collection: Collection, query: string | null | undefined): CompiledSearch<SimNode> | null {
    return compileSearch(query, collection.search, this.store.clock.now());
  }

  private extractor(collection: Collection, sortKey: string | null | undefined): SortExtractor {
    const key = sortKey ?? "ID";
    const extractor = collection.sortKeys[key];
    if (!extractor) throw new UserFacingError(`The Shopify simulator does not support sortKey ${key} on ${collection.name}.`, { code: "NOT_IMPLEMENTED" });
    return extractor;
  }

  private accepter(options: ListOptions, search: CompiledSearch<SimNode> | null) {
    return (node: SimNode | undefined): node is SimNode => node !== undefined && (!options.filter || options.filter(node)) && (!search || search.matches(node));
  }

  private candidates(collection: Collection, search: CompiledSearch<SimNode> | null): Candidates {
    return collection.plan?.(this.store, search) ?? { lo: 0, hi: collection.slots(this.store), extras: [] };
  }

  /** Every match ordered by a sort key that is not the index order. */
  private sortedMatches(collection: Collection, options: ListOptions, search: CompiledSearch<SimNode> | null, extractor: (n: SimNode) => string | number): SortedMatches {
    const accept = this.accepter(options, search);
    const indexes: number[] = [];
    const keys: (string | number)[] = [];
    for (const index of candidateIndexes(this.candidates(collection, search), "forward", null)) {
      const node = collection.get(this.store, index);
      if (accept(node)) {
        indexes.push(index);
        keys.push(extractor(node));
      }
    }
    return new SortedMatches(indexes, keys, Boolean(options.reverse));
  }

  connection(collection: Collection, args: PageArgs & ListOptions, onSearch?: (search: CompiledSearch<SimNode>) => void): Connection {
    const store = this.store;
    const search = this.compile(collection, args.query);
    if (search && onSearch) onSearch(search);
    const extractor = this.extractor(collection, args.sortKey);
    const accept = this.accepter(args, search);
    const reverse = Boolean(args.reverse);
    let sequence: (direction: "forward" | "backward", after: number | null) => Iterable<Match>;
    if (extractor === "natural") {
      const candidates = this.candidates(collection, search);
      sequence = function* (direction, after) {
        const effective = (direction === "forward") !== reverse ? "forward" : "backward";
        for (const index of candidateIndexes(candidates, effective, after)) {
          if (accept(collection.get(store, index))) yield { position: index, key: null, index };
        }
      };
    } else {
      const sorted = this.sortedMatches(collection, args, search, extractor);
      sequence = function* (direction, after) {
        const step = direction === "forward" ? 1 : -1;
        for (let rank = after === null ? (step > 0 ? 0 : sorted.length - 1) : after + step; rank >= 0 && rank < sorted.length; rank += step) {
          yield { position: rank, key: sorted.keyAt(rank), index: sorted.indexAt(rank) };
        }
      };
    }
    return paginateSequence(args, sequence, (m) => collection.get(store, m.index));
  }

  /** All matching records in order (bulk exports); natural order streams without buffering. */
  *iterate(collection: Collection, options: ListOptions): Generator<SimNode> {
    const search = this.compile(collection, options.query);
    const extractor = this.extractor(collection, options.sortKey);
    if (extractor === "natural") {
      const accept = this.accepter(options, search);
      for (const index of candidateIndexes(this.candidates(collection, search), options.reverse ? "backward" : "forward", null)) {
        const node = collection.get(this.store, index);
        if (accept(node)) yield node;
      }
      return;
    }
    const sorted = this.sortedMatches(collection, options, search, extractor);
    for (let rank = 0; rank < sorted.length; rank++) yield collection.get(this.store, sorted.indexAt(rank))!;
  }

  /** Like Shopify's `xxxCount(query:, limit:)`: capped at `limit` with precision AT_LEAST. */
  count(collection: Collection, query: string | null | undefined, limit: number | null | undefined, filter?: (n: SimNode) => boolean): { count: number; precision: "EXACT" | "AT_LEAST" } {
    let count = 0;
    for (const _ of this.iterate(collection, { query, filter })) {
      if (limit != null && count >= limit) return { count: limit, precision: "AT_LEAST" };
      count++;
    }
    return { count, precision: "EXACT" };
  }
}
