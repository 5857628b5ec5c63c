/** Root resolvers (QueryRoot and Mutation) over the store and the bulk jobs. */
import { connectionFromArray, type PageArgs } from "./connections.ts";
import { UserFacingError } from "./errors.ts";
import type { SimContext } from "./context.ts";
import { COLLECTIONS, type Collection, type ListOptions } from "./resources.ts";
import { compileSearch, type SearchSchema } from "./search.ts";
import { decodeGid } from "./store/ids.ts";
import { fulfillOrder, type TrackingInput } from "./store/lifecycle.ts";
import { iso, type SimNode } from "./store/types.ts";

type Args = Record<string, any>;
export type RootResolver = (args: Args, ctx: SimContext) => unknown;

function listRoot(collection: Collection, filter?: (args: Args) => ListOptions["filter"]): RootResolver {
  return (args, ctx) =>
    ctx.lister.connection(collection, { ...(args as PageArgs & ListOptions), filter: filter?.(args) }, (search) => {
      if (search.warnings.length) ctx.searchWarnings.push({ path: [collection.name], query: String(args.query), warnings: search.warnings });
    });
}

function countRoot(collection: Collection): RootResolver {
  return (args, ctx) => ({ __typename: "Count", ...ctx.lister.count(collection, args.query, args.limit) });
}

function nodeOfType(typename: string): RootResolver {
  return (args, ctx) => {
    const node = ctx.store.node(String(args.id));
    return node?.__typename === typename ? node : null;
  };
}

const activeOnly = (args: Args) => (args.includeInactive ? undefined : (n: SimNode) => Boolean(n.isActive));

function lookup(ctx: SimContext, id: string): SimNode | null {
  return decodeGid(id)?.kind === "BulkOperation" ? ctx.jobs.get(id) : ctx.store.node(id);
}

function timezoneParts(timeZone: string, at: number) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(at);
  const offsetText = parts.find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetText);
  const minutes = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const abbreviation = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "UTC";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return { minutes, abbreviation, offset: `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}` };
}

const BULK_OPERATION_SEARCH: SearchSchema<SimNode> = {
  fields: {
    status: { kind: "string", get: (n) => String(n.status) },
    operation_type: { kind: "string", get: (n) => String(n.type) },
    created_at: { kind: "time", get: (n) => n.createdAt as string },
    id: { kind: "id", get: (n) => n.id },
  },
  text: () => [],
};

export const queryRoot: Record<string, RootResolver> = {
  orders: listRoot(COLLECTIONS.orders),
  order: nodeOfType("Order"),
  ordersCount: countRoot(COLLECTIONS.orders),
  products: listRoot(COLLECTIONS.products),
  product: nodeOfType("Product"),
  productsCount: countRoot(COLLECTIONS.products),
  productVariants: listRoot(COLLECTIONS.productVariants),
  productVariant: nodeOfType("ProductVariant"),
  customers: listRoot(COLLECTIONS.customers),
  customer: nodeOfType("Customer"),
  customersCount: countRoot(COLLECTIONS.customers),
  locations: listRoot(COLLECTIONS.locations, activeOnly),
  location: (args, ctx) => (args.id ? nodeOfType("Location")(args, ctx) : ctx.store.location(0)),
  fulfillmentOrder: nodeOfType("FulfillmentOrder"),
  node: (args, ctx) => lookup(ctx, String(args.id)),
  nodes: (args, ctx) => (args.ids as string[]).map((id) => lookup(ctx, id)),
  bulkOperation: (args, ctx) => ctx.jobs.get(String(args.id)),
  bulkOperations: (args, ctx) => {
    // Shopify rejects filtering on EXPIRED (captured response).
    if (/status:\s*'?expired/i.test(String(args.query ?? ""))) throw new UserFacingError("Input `EXPIRED` is not an accepted value.");
    const search = compileSearch(args.query as string | undefined, BULK_OPERATION_SEARCH, ctx.store.clock.now());
    let all = ctx.jobs.all().filter((job) => !search || search.matches(job));
    if (args.sortKey === "COMPLETED_AT") all = all.sort((a, b) => String(a.completedAt ?? "").localeCompare(String(b.completedAt ?? "")));
    return connectionFromArray(all, args as PageArgs);
  },
  currentBulkOperation: (args, ctx) => (args.type === "MUTATION" ? null : ctx.jobs.current()),
  shop: (_args, ctx) => {
    const { shop } = ctx.store.cfg;
    const tz = timezoneParts(shop.ianaTimezone, ctx.store.clock.now());
    return {
      __typename: "Shop",
      id: `gid://shopify/Shop/${70_000_000_000 + (ctx.store.cfg.seed % 1_000_000)}`,
      name: shop.name,
      email: `owner@${shop.myshopifyDomain.replace(".myshopify.com", ".example.com")}`,
      contactEmail: `hello@${shop.myshopifyDomain.replace(".myshopify.com", ".example.com")}`,
      myshopifyDomain: shop.myshopifyDomain,
      url: `https://${shop.myshopifyDomain}`,
      primaryDomain: { __typename: "Domain", id: "gid://shopify/Domain/1", host: shop.myshopifyDomain, url: `https://${shop.myshopifyDomain}`, sslEnabled: true },
      currencyCode: shop.currencyCode,
      enabledPresentmentCurrencies: [shop.currencyCode],
      ianaTimezone: shop.ianaTimezone,
      timezoneAbbreviation: tz.abbreviation,
      timezoneOffset: tz.offset,
      timezoneOffsetMinutes: tz.minutes,
      weightUnit: "KILOGRAMS",
      taxesIncluded: false,
      shopAddress: { __typename: "ShopAddress", id: "gid://shopify/ShopAddress/1", countryCodeV2: shop.countryCode, country: shop.countryCode },
      billingAddress: { __typename: "ShopAddress", id: "gid://shopify/ShopAddress/1", countryCodeV2: shop.countryCode, country: shop.countryCode }, // deprecated in 2026-10, still served
      orderNumberFormatPrefix: "#",
      orderNumberFormatSuffix: "",
      plan: { __typename: "ShopPlan", partnerDevelopment: true, shopifyPlus: false, publicDisplayName: "Development" },
      createdAt: iso(ctx.store.cfg.startMs - 400 * 86_400_000),
      updatedAt: iso(ctx.store.cfg.startMs),
    };
  },
  currentAppInstallation: (_args, ctx) => ({
    __typename: "AppInstallation",
    id: "gid://shopify/AppInstallation/1",
    accessScopes: [...ctx.scopes].sort().map((handle) => ({ __typename: "AccessScope", handle, description: null })),
    app: { __typename: "App", id: "gid://shopify/App/1", title: "Ops sync (simulated)", handle: "ops-sync", apiKey: "sim" },
    launchUrl: "https://example.com",
    uninstallUrl: null,
  }),
};

// ---- mutations -------------------------------------------------------------

interface UserError {
  field: string[] | null;
  message: string;
}

function splitTags(tags: string[]): string[] {
  return tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
}

type Patchable = { get(ctx: SimContext, index: number): SimNode | undefined; patch(ctx: SimContext, index: number, patch: Partial<SimNode>): SimNode; topic: string };

const TAGGABLE: Record<string, Patchable> = {
  Order: { get: (ctx, i) => ctx.store.order(i), patch: (ctx, i, p) => ctx.store.patchOrder(i, p), topic: "orders/updated" },
  Product: { get: (ctx, i) => ctx.store.product(i), patch: (ctx, i, p) => ctx.store.patchProduct(i, p), topic: "products/update" },
  Customer: { get: (ctx, i) => ctx.store.customer(i), patch: (ctx, i, p) => ctx.store.patchCustomer(i, p), topic: "customers/update" },
};

function changeTags(mode: "add" | "remove"): RootResolver {
  return (args, ctx) => {
    const decoded = decodeGid(String(args.id));
    const kind = decoded ? TAGGABLE[decoded.kind] : undefined;
    const current = kind && decoded ? kind.get(ctx, decoded.index) : undefined;
    if (!kind || !decoded || !current) return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
    const change = splitTags(args.tags as string[]);
    const existing = current.tags as string[];
    const tags =
      mode === "add"
        ? [...new Set([...existing, ...change.filter((t) => !existing.some((e) => e.toLowerCase() === t.toLowerCase()))])].sort((a, b) => a.localeCompare(b))
        : existing.filter((t) => !change.some((c) => c.toLowerCase() === t.toLowerCase()));
    const node = kind.patch(ctx, decoded.index, { tags, updatedAt: iso(ctx.store.clock.now()) });
    ctx.notify(kind.topic, node);
    return { node, userErrors: [] };
  };
}

const ORDER_UPDATE_FIELDS = new Set(["id", "note", "tags", "email"]);

function fulfillmentCreate(args: Args, ctx: SimContext) {
  const input = args.fulfillment as { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[]; notifyCustomer?: boolean; trackingInfo?: TrackingInput | null };
  const fail = (message: string) => ({ fulfillment: null, userErrors: [{ field: ["fulfillment"], message }] satisfies UserError[] });
  if (input.lineItemsByFulfillmentOrder.length === 0) return fail("Line items by fulfillment order can't be blank.");
  const orderIndexes = new Set(input.lineItemsByFulfillmentOrder.map((l) => decodeGid(l.fulfillmentOrderId)?.index ?? -1));
  if (orderIndexes.size !== 1) return fail("All fulfillment orders must belong to the same order.");
  const requests = input.lineItemsByFulfillmentOrder.map((l) => ({ fulfillmentOrderId: l.fulfillmentOrderId, lines: l.fulfillmentOrderLineItems }));
  const result = fulfillOrder(ctx.store, [...orderIndexes][0]!, requests, input.trackingInfo ?? null, ctx.store.clock.now(), Boolean(input.notifyCustomer));
  if (!result.ok) return fail(result.message);
  ctx.notify("orders/updated", result.order);
  return { fulfillment: result.fulfillment, userErrors: [] };
}

function metafieldsSet(args: Args, ctx: SimContext) {
  const inputs = args.metafields as { ownerId: string; namespace?: string | null; key: string; value: string; type?: string | null }[];
  const errors: { field: string[]; message: string; code: string; elementIndex: number | null }[] = [];
  if (inputs.length > 25) errors.push({ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null });
  inputs.forEach((m, i) => {
    if (!ctx.store.node(m.ownerId)) errors.push({ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist.", code: "INVALID", elementIndex: i });
    const existing = ctx.store.metafieldsOf(m.ownerId).find((x) => x.key === m.key && x.namespace === (m.namespace ?? "app--sim"));
    if (!m.type && !existing) errors.push({ field: ["metafields", String(i), "type"], message: "Type can't be blank.", code: "BLANK", elementIndex: i });
    if (!m.key || m.key.length < 2) errors.push({ field: ["metafields", String(i), "key"], message: "Key is too short (minimum is 2 characters).", code: "TOO_SHORT", elementIndex: i });
  });
  // Atomic, like Shopify: nothing is written when any input is invalid.
  if (errors.length) return { metafields: null, userErrors: errors };
  const metafields = inputs.map((m) => {
    const namespace = m.namespace ?? "app--sim";
    const type = m.type ?? ctx.store.metafieldsOf(m.ownerId).find((x) => x.key === m.key && x.namespace === namespace)!.type;
    return ctx.store.setMetafield(m.ownerId, namespace, m.key, type, m.value);
  });
  return { metafields, userErrors: [] };
}

export const mutationRoot: Record<string, RootResolver> = {
  bulkOperationRunQuery: (args, ctx) => ctx.jobs.run(String(args.query), Boolean(args.groupObjects)),
  bulkOperationCancel: (args, ctx) => ctx.jobs.cancel(String(args.id)),
  tagsAdd: changeTags("add"),
  tagsRemove: changeTags("remove"),
  orderUpdate: (args, ctx) => {
    const input = args.input as Args;
    const unsupported = Object.keys(input).filter((k) => !ORDER_UPDATE_FIELDS.has(k));
    if (unsupported.length) throw new UserFacingError(`The Shopify simulator does not implement OrderInput.${unsupported.join(", OrderInput.")}.`, { code: "NOT_IMPLEMENTED_BY_SIMULATOR" });
    const decoded = decodeGid(String(input.id));
    if (decoded?.kind !== "Order" || !ctx.store.order(decoded.index)) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    const patch: Partial<SimNode> = { updatedAt: iso(ctx.store.clock.now()) };
    if ("note" in input) patch.note = input.note ?? null;
    if ("email" in input) patch.email = input.email ?? null;
    if ("tags" in input) patch.tags = splitTags((input.tags as string[]) ?? []).sort((a, b) => a.localeCompare(b));
    const order = ctx.store.patchOrder(decoded.index, patch);
    ctx.notify("orders/updated", order);
    return { order, userErrors: [] };
  },
  fulfillmentCreate,
  metafieldsSet,
};

/** Scope each root field needs (checked against the token's scopes, like Shopify's ACCESS_DENIED). */
export const REQUIRED_SCOPES: Record<string, string[]> = {
  orders: ["read_orders"],
  order: ["read_orders"],
  ordersCount: ["read_orders"],
  fulfillmentOrder: ["read_merchant_managed_fulfillment_orders"],
  products: ["read_products"],
  product: ["read_products"],
  productsCount: ["read_products"],
  productVariants: ["read_products"],
  productVariant: ["read_products"],
  customers: ["read_customers"],
  customer: ["read_customers"],
  customersCount: ["read_customers"],
  locations: ["read_locations", "read_inventory"],
  location: ["read_locations", "read_inventory"],
  tagsAdd: ["write_orders", "write_products", "write_customers"],
  tagsRemove: ["write_orders", "write_products", "write_customers"],
  orderUpdate: ["write_orders"],
  fulfillmentCreate: ["write_merchant_managed_fulfillment_orders", "write_assigned_fulfillment_orders", "write_third_party_fulfillment_orders"],
};

export const DEFAULT_SCOPES = [
  "read_orders", "write_orders", "read_all_orders", "read_products", "write_products", "read_customers", "write_customers",
  "read_inventory", "read_locations", "read_fulfillments", "read_merchant_managed_fulfillment_orders", "write_merchant_managed_fulfillment_orders",
];
