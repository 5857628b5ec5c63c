/**
 * Global ids. Each object kind owns a numeric range so a GID decodes straight back to
 * the generator index (no lookup table), and the numbers look like Shopify's.
 * Children (line items, variants, ...) reserve a fixed number of slots per parent.
 */

export const SLOTS = { lineItems: 10, variants: 20, fulfillments: 4, refunds: 4 } as const;

const BASES = {
  Order: 6_100_000_000_000,
  LineItem: 14_000_000_000_000,
  FulfillmentOrder: 7_100_000_000_000,
  FulfillmentOrderLineItem: 15_000_000_000_000,
  Fulfillment: 5_200_000_000_000,
  Refund: 9_100_000_000_000,
  ShippingLine: 4_400_000_000_000,
  Product: 8_000_000_000_000,
  ProductVariant: 45_000_000_000_000,
  InventoryItem: 47_000_000_000_000,
  Customer: 7_300_000_000_000,
  Location: 61_000_000_000,
  Metafield: 29_000_000_000_000,
  BulkOperation: 3_300_000_000_000,
} as const;

export type IdKind = keyof typeof BASES;

// Every base is a multiple of 1e9 and indices stay below 1e9, so ids are a fixed prefix plus
// a 9-digit index: much cheaper than formatting 14-digit doubles (ids are minted per field).
const BILLION = 1_000_000_000;
const LEGACY_PREFIX = Object.fromEntries(Object.entries(BASES).map(([kind, base]) => [kind, String(base / BILLION)])) as Record<IdKind, string>;
const GID_PREFIX = Object.fromEntries(Object.entries(LEGACY_PREFIX).map(([kind, prefix]) => [kind, `gid://shopify/${kind}/${prefix}`])) as Record<IdKind, string>;

function nineDigits(index: number): string {
  if (index < 0 || index >= BILLION) throw new RangeError(`id index out of range: ${index}`);
  const digits = String(index);
  return "000000000".slice(digits.length) + digits;
}

export function gid(kind: IdKind, index: number): string {
  return GID_PREFIX[kind] + nineDigits(index);
}

export function legacyId(kind: IdKind, index: number): string {
  return LEGACY_PREFIX[kind] + nineDigits(index);
}

export interface DecodedGid {
  kind: string;
  /** Generator index of the object (or slot index for child kinds). */
  index: number;
  numericId: number;
}

/** Parses `gid://shopify/Kind/123`; the index is -1 when the number is outside our range. */
export function decodeGid(id: string): DecodedGid | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(id);
  if (!match) return null;
  const kind = match[1]!;
  const numericId = Number(match[2]);
  const base = (BASES as Record<string, number>)[kind];
  const index = base === undefined || numericId < base ? -1 : numericId - base;
  return { kind, index, numericId };
}

/** Inventory levels are identified by location and item, like Shopify's own ids. */
export function inventoryLevelGid(locationIndex: number, inventoryItemIndex: number): string {
  return `gid://shopify/InventoryLevel/${BASES.Location + locationIndex}?inventory_item_id=${BASES.InventoryItem + inventoryItemIndex}`;
}
