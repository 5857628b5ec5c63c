/** Catalogue generator: products, their variants, inventory items and inventory levels. */
import { ADJECTIVES, LOCATIONS, NOUNS, PRODUCT_TAGS, PRODUCT_TYPES, VENDORS, type ProductTypeSpec } from "./catalog.ts";
import { gid, inventoryLevelGid, legacyId, SLOTS } from "./ids.ts";
import { decimal, moneyV2 } from "./money.ts";
import { rngFor, STREAMS } from "./random.ts";
import { DAY_MS, HOUR_MS, iso, ref, type SimNode, type StoreConfig } from "./types.ts";

export const INVENTORY_STATES = ["available", "on_hand", "committed", "incoming", "reserved", "damaged", "safety_stock", "quality_control"] as const;

/** What order generation needs to know about a variant, without the full product record. */
export interface VariantBasics {
  index: number;
  id: string;
  sku: string;
  title: string;
  priceCents: number;
}

export interface ProductBasics {
  index: number;
  id: string;
  title: string;
  productType: string;
  vendor: string;
  tags: string[];
  isCustom: boolean;
  createdAtMs: number;
  status: string;
  variants: VariantBasics[];
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export function productBasics(cfg: StoreConfig, p: number): ProductBasics {
  const rng = rngFor(cfg.seed, STREAMS.product, p);
  const spec: ProductTypeSpec = PRODUCT_TYPES[rng.int(0, PRODUCT_TYPES.length - 1)]!;
  const title = `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${spec.type}`;
  const isCustom = rng.chance(0.3);
  const tags = new Set<string>();
  if (isCustom) tags.add("custom");
  for (const tag of PRODUCT_TAGS) if (rng.chance(0.15)) tags.add(tag);
  const status = rng.weighted([["ACTIVE", 85], ["DRAFT", 10], ["ARCHIVED", 5]] as const);
  const createdAtMs = cfg.startMs - rng.int(5, 300) * DAY_MS + rng.int(0, 86_399) * 1000;
  const values = spec.option?.values ?? ["Default Title"];
  const variants: VariantBasics[] = values.map((value, j) => {
    const index = p * SLOTS.variants + j;
    const priceCents = spec.basePriceCents + j * (spec.option?.priceStepCents ?? 0);
    const sizeCode = spec.option ? `-${value.toUpperCase().replace(/[^A-Z0-9]/g, "")}` : "";
    return { index, id: gid("ProductVariant", index), sku: `${spec.skuCode}-${String(p + 1).padStart(4, "0")}${sizeCode}`, title: value, priceCents };
  });
  return {
    index: p,
    id: gid("Product", p),
    title,
    productType: spec.type,
    vendor: rng.pick(VENDORS),
    tags: [...tags].sort(),
    isCustom,
    createdAtMs,
    status,
    variants,
  };
}

export interface InventoryQuantities {
  [state: string]: number;
}

/** Stock of one variant at one location, or null when the item is not stocked there. */
export function inventoryAt(cfg: StoreConfig, locationIndex: number, variantIndex: number): { quantities: InventoryQuantities; updatedAtMs: number; createdAtMs: number } | null {
  const rng = rngFor(cfg.seed, STREAMS.inventory, variantIndex * 8 + locationIndex);
  const stocked = locationIndex === 0 || rng.chance(locationIndex === 1 ? 0.5 : 0.3);
  if (!stocked) return null;
  const onHand = rng.chance(0.1) ? 0 : rng.int(1, 250);
  const committed = rng.int(0, Math.min(onHand, 12));
  const incoming = rng.chance(0.2) ? rng.int(10, 100) : 0;
  const createdAtMs = cfg.startMs - rng.int(1, 200) * DAY_MS;
  return {
    quantities: { available: onHand - committed, on_hand: onHand, committed, incoming, reserved: 0, damaged: 0, safety_stock: 0, quality_control: 0 },
    createdAtMs,
    updatedAtMs: cfg.startMs + rng.next() * (cfg.nowMs - cfg.startMs - HOUR_MS),
  };
}

export function inventoryItemRecord(cfg: StoreConfig, variant: VariantBasics, createdAtMs: number): SimNode {
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", variant.index),
    legacyResourceId: legacyId("InventoryItem", variant.index),
    sku: variant.sku,
    tracked: true,
    requiresShipping: true,
    unitCost: moneyV2(Math.round(variant.priceCents * 0.35), cfg.shop.currencyCode),
    createdAt: iso(createdAtMs),
    updatedAt: iso(createdAtMs),
    variant: ref("ProductVariant", variant.id),
  };
}

export function inventoryLevelRecord(cfg: StoreConfig, locationIndex: number, variant: VariantBasics): SimNode | null {
  const stock = inventoryAt(cfg, locationIndex, variant.index);
  if (!stock) return null;
  return {
    __typename: "InventoryLevel",
    id: inventoryLevelGid(locationIndex, variant.index),
    isActive: true,
    canDeactivate: true,
    deactivationAlert: null,
    createdAt: iso(stock.createdAtMs),
    updatedAt: iso(stock.updatedAtMs),
    quantities: INVENTORY_STATES.map((name) => ({ __typename: "InventoryQuantity", id: `${inventoryLevelGid(locationIndex, variant.index)}&name=${name}`, name, quantity: stock.quantities[name] ?? 0, updatedAt: iso(stock.updatedAtMs) })),
    item: ref("InventoryItem", gid("InventoryItem", variant.index)),
    location: ref("Location", gid("Location", locationIndex)),
  };
}

export function productRecord(cfg: StoreConfig, basics: ProductBasics): SimNode {
  const rng = rngFor(cfg.seed, STREAMS.product ^ 0x5bd1e995, basics.index);
  const hasImage = rng.chance(0.85);
  const hasDescription = rng.chance(0.88);
  const updatedAtMs = basics.createdAtMs + rng.next() * (cfg.nowMs - HOUR_MS - basics.createdAtMs);
  const description = hasDescription ? `${basics.title}, printed in-house on quality stock. Designed by ${basics.vendor}.` : "";
  const variants = basics.variants.map((variant, position) => {
    let inventoryQuantity = 0;
    for (let l = 0; l < LOCATIONS.length; l++) {
      if (LOCATIONS[l]!.isActive) inventoryQuantity += inventoryAt(cfg, l, variant.index)?.quantities.available ?? 0;
    }
    const onSale = basics.tags.includes("sale");
    return {
      __typename: "ProductVariant",
      id: variant.id,
      legacyResourceId: legacyId("ProductVariant", variant.index),
      sku: variant.sku,
      barcode: rng.chance(0.7) ? `0${rng.digits(11)}` : null,
      title: variant.title,
      displayName: `${basics.title} - ${variant.title}`,
      price: decimal(variant.priceCents),
      compareAtPrice: onSale ? decimal(Math.round(variant.priceCents * 1.25)) : null,
      position: position + 1,
      inventoryQuantity,
      availableForSale: basics.status === "ACTIVE" && inventoryQuantity > 0,
      taxable: true,
      createdAt: iso(basics.createdAtMs),
      updatedAt: iso(updatedAtMs),
      selectedOptions: [{ __typename: "SelectedOption", name: basics.variants.length > 1 ? optionName(basics) : "Title", value: variant.title }],
      inventoryItem: inventoryItemRecord(cfg, variant, basics.createdAtMs),
      product: ref("Product", basics.id),
    } satisfies SimNode;
  });
  const totalInventory = variants.reduce((sum, v) => sum + v.inventoryQuantity, 0);
  const handle = `${slug(basics.title)}-${basics.index + 1}`;
  const image = hasImage
    ? { __typename: "MediaImage", id: `gid://shopify/MediaImage/${30_000_000_000 + basics.index}`, alt: basics.title, mediaContentType: "IMAGE", status: "READY", image: { __typename: "Image", url: `https://cdn.shopify.com/s/files/sim/${handle}.jpg`, altText: basics.title, width: 2048, height: 2048 } }
    : null;
  return {
    __typename: "Product",
    id: basics.id,
    legacyResourceId: legacyId("Product", basics.index),
    title: basics.title,
    handle,
    status: basics.status,
    vendor: basics.vendor,
    productType: basics.productType,
    tags: basics.tags,
    createdAt: iso(basics.createdAtMs),
    updatedAt: iso(updatedAtMs),
    publishedAt: basics.status === "ACTIVE" ? iso(basics.createdAtMs + HOUR_MS) : null,
    description,
    descriptionHtml: hasDescription ? `<p>${description}</p>` : "",
    seo: { __typename: "SEO", title: rng.chance(0.7) ? basics.title : null, description: rng.chance(0.6) && hasDescription ? description.slice(0, 120) : null },
    onlineStoreUrl: basics.status === "ACTIVE" ? `https://${cfg.shop.myshopifyDomain}/products/${handle}` : null,
    featuredMedia: image,
    media: image ? [image] : [],
    totalInventory,
    tracksInventory: true,
    hasOnlyDefaultVariant: basics.variants.length === 1,
    hasOutOfStockVariants: variants.some((v) => v.inventoryQuantity <= 0),
    variantsCount: { __typename: "Count", count: variants.length, precision: "EXACT" },
    options: [{ __typename: "ProductOption", id: `gid://shopify/ProductOption/${legacyId("Product", basics.index)}1`, name: basics.variants.length > 1 ? optionName(basics) : "Title", position: 1, values: basics.variants.map((v) => v.title) }],
    variants,
  };
}

function optionName(basics: ProductBasics): string {
  return PRODUCT_TYPES.find((t) => t.type === basics.productType)?.option?.name ?? "Title";
}
