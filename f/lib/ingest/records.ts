// One JSONL line -> the node it carries, routed by its GID type
// (gid://shopify/<Type>/<id>) and validated against what the merge needs
// from that type (f/lib/ingest/tables.ts turns nodes into raw-table rows).
// Schemas list only the fields the merge reads; other fields pass unchecked
// (z.object ignores unknown keys, and is much faster than a loose copy).
// A line that fails becomes a dead letter with an error class; nothing here
// relies on line order (children may come before their parents).
import { z } from "zod";

export const NODE_TYPES = ["Order", "LineItem", "Product", "ProductVariant", "Customer", "Location", "InventoryLevel"] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export type ErrorClass = "json_syntax" | "invalid_utf8" | "unknown_type" | "invalid_record";

/** What staging keeps besides the line itself (the payload is the line's JSON text, unchanged). */
export interface StagedNode {
  type: NodeType;
  id: string;
  parentId: string | null;
  /** The node's own updatedAt (LineItem and Location have none). */
  updatedAt: string | null;
}

export type Routed = { ok: true; node: StagedNode } | { ok: false; errorClass: ErrorClass; message: string };

const GID_PREFIX = "gid://shopify/";

/** `Order` for gid://shopify/Order/123 (InventoryLevel GIDs carry a query string after the number). */
export function gidType(id: string): string | null {
  if (!id.startsWith(GID_PREFIX)) return null;
  const slash = id.indexOf("/", GID_PREFIX.length);
  return slash > GID_PREFIX.length && slash < id.length - 1 ? id.slice(GID_PREFIX.length, slash) : null;
}

// ---- field shapes (each one the SQL in tables.ts can cast without failing) ----

const gid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/[^\\s/]+$`), `expected a gid://shopify/${type}/... id`);
const time = z.iso.datetime({ offset: true });
/** Shopify's Decimal: a string, never a float, so numeric columns get it exactly. */
const decimal = z.string().regex(/^-?\d{1,14}(\.\d+)?$/, "expected a Decimal string");
const money = z.object({ amount: decimal });
const moneyBag = z.object({ shopMoney: money }).nullish();
const legacyId = z.string().regex(/^\d{1,18}$/).nullish();
/** UnsignedInt64 arrives as a string; tolerate a number too. */
const count64 = z.union([z.string().regex(/^\d{1,18}$/), z.number().int().nonnegative()]).nullish();
const int = z.int32();
const tags = z.array(z.string()).nullish();
const ref = (type: string) => z.object({ id: gid(type) }).nullish();

const fulfillment = z.object({
  id: gid("Fulfillment"),
  status: z.string().nullish(),
  displayStatus: z.string().nullish(),
  createdAt: time.nullish(),
  updatedAt: time.nullish(),
  trackingInfo: z.array(z.object({ company: z.string().nullish(), number: z.string().nullish(), url: z.string().nullish() })).nullish(),
});

const refund = z.object({
  id: gid("Refund"),
  createdAt: time.nullish(),
  note: z.string().nullish(),
  totalRefundedSet: moneyBag,
});

const SCHEMAS: Record<NodeType, z.ZodType> = {
  Order: z.object({
    id: gid("Order"),
    legacyResourceId: legacyId,
    name: z.string(),
    createdAt: time,
    updatedAt: time,
    processedAt: time.nullish(),
    cancelledAt: time.nullish(),
    closedAt: time.nullish(),
    tags,
    test: z.boolean().nullish(),
    currencyCode: z.string(),
    totalPriceSet: moneyBag,
    subtotalPriceSet: moneyBag,
    totalDiscountsSet: moneyBag,
    totalTaxSet: moneyBag,
    totalShippingPriceSet: moneyBag,
    totalRefundedSet: moneyBag,
    customer: ref("Customer"),
    fulfillments: z.array(fulfillment).nullish(),
    refunds: z.array(refund).nullish(),
  }),
  LineItem: z.object({
    id: gid("LineItem"),
    __parentId: gid("Order"),
    quantity: int,
    currentQuantity: int.nullish(),
    variant: ref("ProductVariant"),
    product: ref("Product"),
    originalUnitPriceSet: moneyBag,
    discountedUnitPriceSet: moneyBag,
    totalDiscountSet: moneyBag,
  }),
  Product: z.object({
    id: gid("Product"),
    legacyResourceId: legacyId,
    title: z.string(),
    tags,
    createdAt: time.nullish(),
    updatedAt: time,
    publishedAt: time.nullish(),
  }),
  ProductVariant: z.object({
    id: gid("ProductVariant"),
    __parentId: gid("Product"),
    legacyResourceId: legacyId,
    price: decimal.nullish(),
    compareAtPrice: decimal.nullish(),
    position: int.nullish(),
    inventoryQuantity: int.nullish(),
    inventoryItem: ref("InventoryItem"),
    createdAt: time.nullish(),
    updatedAt: time,
  }),
  Customer: z.object({
    id: gid("Customer"),
    legacyResourceId: legacyId,
    tags,
    numberOfOrders: count64,
    amountSpent: money.nullish(),
    createdAt: time.nullish(),
    updatedAt: time,
  }),
  Location: z.object({
    id: gid("Location"),
    name: z.string(),
    isActive: z.boolean().nullish(),
  }),
  InventoryLevel: z.object({
    id: gid("InventoryLevel"),
    __parentId: gid("Location"),
    updatedAt: time,
    quantities: z.array(z.object({ name: z.string(), quantity: int })).nullish(),
    item: ref("InventoryItem"),
  }),
};

const KNOWN = new Set<string>(NODE_TYPES);

/** Parses and routes one line's text. */
export function routeLine(text: string): Routed {
  let node: unknown;
  try {
    node = JSON.parse(text);
  } catch (error) {
    return { ok: false, errorClass: "json_syntax", message: (error as Error).message };
  }
  if (typeof node !== "object" || node === null || Array.isArray(node)) return { ok: false, errorClass: "invalid_record", message: "the line is JSON but not an object" };
  const fields = node as Record<string, unknown>;
  if (typeof fields.id !== "string") return { ok: false, errorClass: "invalid_record", message: "the object has no string id" };
  const type = gidType(fields.id);
  if (type === null || !KNOWN.has(type)) {
    return { ok: false, errorClass: "unknown_type", message: `unsupported node type ${type ? `"${type}"` : `(id ${JSON.stringify(fields.id.slice(0, 100))} is not a Shopify GID)`}; known: ${NODE_TYPES.join(", ")}` };
  }
  const parsed = SCHEMAS[type as NodeType].safeParse(node);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(node)"}: ${i.message}`);
    return { ok: false, errorClass: "invalid_record", message: `${type} ${fields.id}: ${issues.join("; ")}` };
  }
  const unstorable = jsonbUnsafe(text);
  if (unstorable) return { ok: false, errorClass: "invalid_record", message: `${type} ${fields.id}: ${unstorable}` };
  return {
    ok: true,
    node: {
      type: type as NodeType,
      id: fields.id,
      parentId: typeof fields.__parentId === "string" ? fields.__parentId : null,
      updatedAt: typeof fields.updatedAt === "string" ? fields.updatedAt : null,
    },
  };
}

/**
 * Valid JSON that Postgres jsonb refuses: the \u0000 escape and unpaired
 * surrogate escapes. Caught here so one such line cannot fail a whole batch.
 */
export function jsonbUnsafe(text: string): string | null {
  if (!text.includes("\\u")) return null;
  for (let i = text.indexOf("\\"); i !== -1 && i < text.length; i = text.indexOf("\\", i)) {
    if (text[i + 1] !== "u") {
      i += 2; // \" \\ \n ...: skip the escaped character
      continue;
    }
    const code = parseInt(text.slice(i + 2, i + 6), 16);
    if (code === 0) return "contains the escape \\u0000, which Postgres jsonb cannot store";
    if (code >= 0xdc00 && code <= 0xdfff) return "contains an unpaired low surrogate escape, which Postgres jsonb cannot store";
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.slice(i + 6, i + 8) === "\\u" ? parseInt(text.slice(i + 8, i + 12), 16) : NaN;
      if (!(low >= 0xdc00 && low <= 0xdfff)) return "contains an unpaired high surrogate escape, which Postgres jsonb cannot store";
      i += 12;
      continue;
    }
    i += 6;
  }
  return null;
}
