// An inventory_levels/update payload -> the InventoryLevel node the bulk
// inventory export (INVENTORY_BULK_QUERY) gives, `__parentId` its location.
// The payload only says `available`: the other quantities (on_hand,
// committed, ...) and the item's SKU stay what we knew until the next
// inventory snapshot brings them.
import { dropUndefined, gid, utc, type Json } from "./rest_values.ts";

export function inventoryLevelId(rest: Json): string {
  if (typeof rest.admin_graphql_api_id === "string") return rest.admin_graphql_api_id;
  // Shopify's InventoryLevel GID names the location and the item.
  if (rest.location_id == null || rest.inventory_item_id == null) throw new Error("inventory level payload has no location_id/inventory_item_id");
  return `gid://shopify/InventoryLevel/${rest.location_id}?inventory_item_id=${rest.inventory_item_id}`;
}

export function inventoryLevelNode(rest: Json, known: Json | null): Json {
  const id = inventoryLevelId(rest);
  const before = known ?? {};
  const available = rest.available === null || rest.available === undefined ? null : Number(rest.available);
  const prior = (before.quantities as { name: string; quantity: number }[] | undefined) ?? [];
  const quantities =
    available === null ? prior
    : prior.some((q) => q.name === "available") ? prior.map((q) => (q.name === "available" ? { ...q, quantity: available } : q))
    : [{ name: "available", quantity: available }, ...prior];
  const itemId = gid("InventoryItem", rest.inventory_item_id) ?? ((before.item as Json | undefined)?.id as string | undefined) ?? null;
  const derived: Json = {
    id,
    updatedAt: utc(rest.updated_at),
    quantities,
    item: itemId ? { sku: null, ...((before.item as Json | undefined) ?? {}), id: itemId } : null,
    __parentId: gid("Location", rest.location_id) ?? before.__parentId,
  };
  return { ...before, ...dropUndefined(derived) };
}
