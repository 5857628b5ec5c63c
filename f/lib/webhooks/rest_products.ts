// A products/update payload (REST Product with its variants) -> the nodes the
// bulk products export (PRODUCTS_BULK_QUERY) gives: one Product node and one
// ProductVariant node per variant with `__parentId`. What REST leaves out
// (the inventory item's tracked flag and unit cost; selected options when
// the product's options are not sent) comes from the node we hold.
import { dropUndefined, enumValue, gid, legacyId, objectGid, tagList, utc, type Json } from "./rest_values.ts";

export interface KnownProduct {
  product: Json | null;
  variants: Map<string, Json>;
}

export interface ProductNodes {
  product: Json;
  variants: Json[];
}

export function productNodes(rest: Json, known: KnownProduct = { product: null, variants: new Map() }): ProductNodes {
  const id = objectGid("Product", rest);
  if (!id) throw new Error("product payload has no id");
  const derived: Json = {
    id,
    legacyResourceId: legacyId(id),
    title: rest.title,
    handle: rest.handle ?? null,
    status: enumValue(rest.status),
    vendor: rest.vendor ?? null,
    productType: rest.product_type ?? null,
    tags: tagList(rest.tags),
    createdAt: utc(rest.created_at),
    updatedAt: utc(rest.updated_at),
    publishedAt: utc(rest.published_at),
  };
  const optionNames = Array.isArray(rest.options) ? (rest.options as Json[]).map((o) => String(o.name)) : null;
  const variants = ((rest.variants as Json[] | undefined) ?? []).map((v) => variantNode(v, id, optionNames, known.variants));
  return { product: { ...(known.product ?? {}), ...dropUndefined(derived) }, variants };
}

function variantNode(v: Json, productId: string, optionNames: string[] | null, prior: Map<string, Json>): Json {
  const id = objectGid("ProductVariant", v);
  const before = (id && prior.get(id)) || {};
  const itemId = gid("InventoryItem", v.inventory_item_id);
  const derived: Json = {
    id,
    legacyResourceId: legacyId(id),
    sku: v.sku ?? null,
    barcode: "barcode" in v ? (v.barcode ?? null) : undefined,
    title: v.title ?? null,
    price: v.price ?? null,
    compareAtPrice: v.compare_at_price ?? null,
    position: v.position ?? null,
    inventoryQuantity: v.inventory_quantity ?? null,
    createdAt: utc(v.created_at),
    updatedAt: utc(v.updated_at),
    selectedOptions: optionNames ? optionNames.map((name, i) => ({ name, value: v[`option${i + 1}`] ?? null })).filter((o) => o.value !== null) : undefined,
    inventoryItem: itemId ? { ...((before.inventoryItem as Json | undefined) ?? {}), id: itemId } : null,
    __parentId: productId,
  };
  return { ...before, ...dropUndefined(derived) };
}
