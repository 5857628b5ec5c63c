// Raw-mirror writes of a webhook, through the bulk ingest's own path: the
// nodes are validated by routeLine exactly like JSONL lines, staged under a
// synthetic operation id (`webhook:<X-Shopify-Webhook-Id>`) and merged by
// mergeStaged, so webhook rows and bulk rows are the same columns by
// construction and obey the same newest-updated_at-wins rule. Deletes are
// soft: deleted_at is set once and never cleared by a merge (the merge does
// not write that column), so no update, older or newer, undoes a delete.
import type { Sql } from "postgres";
import { mergeStaged, type TableCounts } from "../ingest/merge.ts";
import { routeLine, type NodeType } from "../ingest/records.ts";
import { clearStaging, Stager, type IngestContext } from "../ingest/stage.ts";
import { tombstones } from "./deliveries.ts";
import type { Json } from "./rest_values.ts";

export class InvalidPayloadError extends Error {
  override name = "InvalidPayloadError";
}

export const stagingId = (webhookId: string) => `webhook:${webhookId}`;

/** Stages and merges the nodes; returns the merge's counts per row kind. */
export async function mergeNodes(sql: Sql, webhookId: string, nodes: Json[]): Promise<Record<string, TableCounts>> {
  if (!nodes.length) return {};
  const lines = nodes.map((node) => {
    const text = JSON.stringify(node);
    const routed = routeLine(text);
    if (!routed.ok) throw new InvalidPayloadError(`the payload does not map to a valid ${String(node.id ?? "node")}: ${routed.message}`);
    return { text, node: routed.node };
  });
  const ctx: IngestContext = { bulkOperationId: stagingId(webhookId), runId: null, resource: "webhook", archiveKey: null };
  await clearStaging(sql, ctx.bulkOperationId);
  try {
    const stager = new Stager(sql, ctx);
    for (const [i, line] of lines.entries()) await stager.stage(i + 1, line.node, line.text);
    await stager.finish();
    return await mergeStaged(sql, ctx, { types: new Set<NodeType>(lines.map((l) => l.node.type)), lastLine: lines.length });
  } finally {
    await clearStaging(sql, ctx.bulkOperationId);
  }
}

/** Soft-deletes an order and its line items, fulfillments and refunds; returns rows marked. */
export async function softDeleteOrder(sql: Sql, orderId: string, at: Date): Promise<number> {
  return sql.begin(async (tx) => {
    let marked = 0;
    marked += (await tx`update raw_shopify_orders set deleted_at = ${at} where id = ${orderId} and deleted_at is null`).count;
    for (const table of ["raw_shopify_line_items", "raw_shopify_fulfillments", "raw_shopify_refunds"]) {
      marked += (await tx`update ${tx(table)} set deleted_at = ${at} where order_id = ${orderId} and deleted_at is null`).count;
    }
    return marked;
  });
}

/** Soft-deletes a product, its variants and their inventory levels (Shopify deletes the items with the variants). */
export async function softDeleteProduct(sql: Sql, productId: string, at: Date): Promise<number> {
  return sql.begin(async (tx) => {
    let marked = 0;
    marked += (await tx`update raw_shopify_products set deleted_at = ${at} where id = ${productId} and deleted_at is null`).count;
    marked += (await tx`
      update raw_shopify_inventory_levels set deleted_at = ${at}
      where deleted_at is null and inventory_item_id in (select inventory_item_id from raw_shopify_variants where product_id = ${productId})`).count;
    marked += (await tx`update raw_shopify_variants set deleted_at = ${at} where product_id = ${productId} and deleted_at is null`).count;
    return marked;
  });
}

/**
 * A create or update delivered after the delete of the same object (Shopify
 * does not guarantee order) must not bring it back: re-apply the delete.
 */
export async function reapplyDeletes(sql: Sql, kind: "order" | "product", id: string): Promise<boolean> {
  const dead = (await tombstones(sql, [id])).get(id);
  if (!dead) return false;
  if (kind === "order") await softDeleteOrder(sql, id, dead);
  else await softDeleteProduct(sql, id, dead);
  return true;
}
