// What the raw mirror already holds for the object a webhook is about: its
// node (the payload a bulk export or an earlier webhook wrote) and version
// (updated_at). The REST -> node mapping fills REST's gaps from it, and the
// version decides whether the webhook is news at all.
import type { Sql } from "postgres";
import type { Json } from "./rest_values.ts";

export interface Held {
  payload: Json;
  updatedAt: Date;
  deletedAt: Date | null;
}

type Row = { id: string; payload: Json; updated_at: Date; deleted_at: Date | null };
const held = (r: Row): Held => ({ payload: r.payload, updatedAt: r.updated_at, deletedAt: r.deleted_at });

export async function heldOrder(sql: Sql, id: string): Promise<{ order: Held | null; lineItems: Map<string, Json> }> {
  const [order] = await sql<Row[]>`select id, payload, updated_at, deleted_at from raw_shopify_orders where id = ${id}`;
  const lines = await sql<Row[]>`select id, payload, updated_at, deleted_at from raw_shopify_line_items where order_id = ${id}`;
  return { order: order ? held(order) : null, lineItems: new Map(lines.map((l) => [l.id, l.payload])) };
}

export async function heldProduct(sql: Sql, id: string): Promise<{ product: Held | null; variants: Map<string, Held> }> {
  const [product] = await sql<Row[]>`select id, payload, updated_at, deleted_at from raw_shopify_products where id = ${id}`;
  const variants = await sql<Row[]>`select id, payload, updated_at, deleted_at from raw_shopify_variants where product_id = ${id}`;
  return { product: product ? held(product) : null, variants: new Map(variants.map((v) => [v.id, held(v)])) };
}

export async function heldInventoryLevel(sql: Sql, id: string): Promise<Held | null> {
  const [level] = await sql<Row[]>`select id, payload, updated_at, deleted_at from raw_shopify_inventory_levels where id = ${id}`;
  return level ? held(level) : null;
}

/** A node is news when we hold nothing for it or an older version (equal: the bulk row, more complete, stays). */
export function isNewer(node: Json, have: Held | null | undefined): boolean {
  if (!have) return true;
  const at = Date.parse(String(node.updatedAt));
  return Number.isFinite(at) && at > have.updatedAt.getTime();
}
