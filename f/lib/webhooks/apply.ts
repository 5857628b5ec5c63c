// What each topic writes. Creates and updates become the same nodes a bulk
// export would give (rest_*.ts) and go through the bulk merge (write.ts),
// but only when they are news: a webhook older than, or as old as, what we
// hold (from a bulk export or a later webhook) writes nothing. Deletes are
// soft and stick. bulk_operations/finish wakes the poller.
import type { Sql } from "postgres";
import type { TableCounts } from "../ingest/merge.ts";
import { recordBulkFinish } from "./bulk_finish.ts";
import { heldInventoryLevel, heldOrder, heldProduct, isNewer } from "./held.ts";
import { inventoryLevelId, inventoryLevelNode } from "./rest_inventory.ts";
import { orderNodes } from "./rest_orders.ts";
import { productNodes } from "./rest_products.ts";
import { gid, objectGid, type Json } from "./rest_values.ts";
import type { WebhookTopic } from "./topics.ts";
import { InvalidPayloadError, mergeNodes, reapplyDeletes, softDeleteOrder, softDeleteProduct } from "./write.ts";

export interface Applied {
  /** processed: the delivery was applied (possibly as a no-op because it was stale); ignored: not ours to apply. */
  status: "processed" | "ignored";
  resourceId: string | null;
  /** One line for the job log. */
  summary: string;
  detail: Record<string, unknown>;
  /** Orders whose marts need a refresh. */
  touchedOrders: string[];
  /** Stock marts (velocity, inventory health) need a refresh. */
  touchedStock: boolean;
}

export interface ApplyInput {
  topic: WebhookTopic;
  webhookId: string;
  payload: Json;
  /** When the change happened (X-Shopify-Triggered-At), else now: the soft delete's time. */
  happenedAt: Date;
}

export async function applyWebhook(sql: Sql, input: ApplyInput): Promise<Applied> {
  switch (input.topic) {
    case "orders/create":
    case "orders/updated":
      return applyOrder(sql, input);
    case "orders/delete":
      return applyDelete(sql, input, "Order");
    case "products/update":
      return applyProduct(sql, input);
    case "products/delete":
      return applyDelete(sql, input, "Product");
    case "inventory_levels/update":
      return applyInventoryLevel(sql, input);
    case "bulk_operations/finish":
      return applyBulkFinish(sql, input);
  }
}

const written = (counts: Record<string, TableCounts>) => Object.fromEntries(Object.entries(counts).map(([kind, c]) => [kind, c.written]));
const describe = (counts: Record<string, TableCounts>) =>
  Object.entries(counts).map(([kind, c]) => `${c.written} ${kind}`).join(", ") || "nothing";

function mapped<T>(what: string, map: () => T): T {
  try {
    return map();
  } catch (e) {
    throw new InvalidPayloadError(`${what}: ${(e as Error).message}`);
  }
}

async function applyOrder(sql: Sql, { webhookId, payload }: ApplyInput): Promise<Applied> {
  const id = objectGid("Order", payload);
  if (!id) throw new InvalidPayloadError("order payload has no id");
  const held = await heldOrder(sql, id);
  const nodes = mapped("order payload", () => orderNodes(payload, { order: held.order?.payload ?? null, lineItems: held.lineItems }));
  const base = { resourceId: id, touchedStock: false };
  if (!isNewer(nodes.order, held.order)) {
    const summary = `stale: ${id} updated_at ${nodes.order.updatedAt} is not newer than the ${held.order!.updatedAt.toISOString()} we hold; nothing written`;
    return { ...base, status: "processed", summary, detail: { stale: true, held_updated_at: held.order!.updatedAt }, touchedOrders: [] };
  }
  const counts = await mergeNodes(sql, webhookId, [nodes.order, ...nodes.lineItems]);
  const redeleted = await reapplyDeletes(sql, "order", id);
  const summary = `${id} (${String(nodes.order.name)}) updated_at ${nodes.order.updatedAt}: wrote ${describe(counts)}${redeleted ? "; it was deleted earlier, so it stays deleted" : ""}`;
  return { ...base, status: "processed", summary, detail: { written: written(counts), redeleted }, touchedOrders: [id] };
}

async function applyProduct(sql: Sql, { webhookId, payload }: ApplyInput): Promise<Applied> {
  const id = objectGid("Product", payload);
  if (!id) throw new InvalidPayloadError("product payload has no id");
  const held = await heldProduct(sql, id);
  const known = { product: held.product?.payload ?? null, variants: new Map([...held.variants].map(([k, v]) => [k, v.payload])) };
  const nodes = mapped("product payload", () => productNodes(payload, known));
  // Product and variants carry their own updatedAt: each is written only if it is news.
  const fresh = [nodes.product, ...nodes.variants].filter((n) => isNewer(n, n === nodes.product ? held.product : held.variants.get(String(n.id))));
  const counts = await mergeNodes(sql, webhookId, fresh);
  const redeleted = fresh.length > 0 && (await reapplyDeletes(sql, "product", id));
  const skipped = nodes.variants.length + 1 - fresh.length;
  const summary = `${id} (${String(nodes.product.title)}): wrote ${describe(counts)}${skipped ? `; ${skipped} node(s) not newer than held` : ""}${redeleted ? "; it was deleted earlier, so it stays deleted" : ""}`;
  return { status: "processed", resourceId: id, summary, detail: { written: written(counts), stale_nodes: skipped, redeleted }, touchedOrders: [], touchedStock: fresh.length > 0 };
}

async function applyInventoryLevel(sql: Sql, { webhookId, payload }: ApplyInput): Promise<Applied> {
  const id = mapped("inventory level payload", () => inventoryLevelId(payload));
  const held = await heldInventoryLevel(sql, id);
  const full = mapped("inventory level payload", () => inventoryLevelNode(payload, held?.payload ?? null));
  if (!isNewer(full, held)) {
    return { status: "processed", resourceId: String(full.id), summary: `stale: ${full.id} updated_at ${full.updatedAt} is not newer than held; nothing written`, detail: { stale: true }, touchedOrders: [], touchedStock: false };
  }
  const counts = await mergeNodes(sql, webhookId, [full]);
  const available = (full.quantities as { name: string; quantity: number }[]).find((q) => q.name === "available")?.quantity;
  return { status: "processed", resourceId: String(full.id), summary: `${full.id}: available ${available}, wrote ${describe(counts)}`, detail: { written: written(counts) }, touchedOrders: [], touchedStock: true };
}

async function applyDelete(sql: Sql, { payload, happenedAt }: ApplyInput, type: "Order" | "Product"): Promise<Applied> {
  const id = gid(type, payload.id);
  if (!id) throw new InvalidPayloadError(`${type.toLowerCase()} delete payload has no id`);
  const marked = type === "Order" ? await softDeleteOrder(sql, id, happenedAt) : await softDeleteProduct(sql, id, happenedAt);
  // The delivery row (resource_id) is the tombstone a late create or update checks.
  const summary = `${id} deleted at ${happenedAt.toISOString()}: ${marked} row(s) marked deleted${marked ? "" : " (none held yet; the tombstone keeps a late create out)"}`;
  return { status: "processed", resourceId: id, summary, detail: { marked }, touchedOrders: type === "Order" ? [id] : [], touchedStock: type === "Product" };
}

async function applyBulkFinish(sql: Sql, { payload }: ApplyInput): Promise<Applied> {
  const r = await recordBulkFinish(sql, payload);
  const summary = r.recorded ? `${r.id} ${r.status}: recorded, poller woken` : `${r.id} ${r.status}: not a job we are waiting for; nothing written`;
  return { status: r.recorded ? "processed" : "ignored", resourceId: r.id, summary, detail: { status: r.status, recorded: r.recorded }, touchedOrders: [], touchedStock: false };
}
