// Demo flow step: decides whether one SKU needs reordering. A malformed item
// (no SKU, negative stock) throws, so the flow's retry and failure module show.
import { z } from "zod";

const Item = z.object({
  sku: z.string().min(1),
  on_hand: z.number().int().nonnegative(),
  reorder_qty: z.number().int().positive().optional(),
});

export async function main(item: { sku: string; on_hand: number; reorder_qty?: number }, reorder_point: number) {
  const parsed = Item.safeParse(item);
  if (!parsed.success) throw new Error(`invalid item ${JSON.stringify(item)}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const { sku, on_hand, reorder_qty } = parsed.data;
  const reorder = on_hand < reorder_point;
  console.log(`${sku}: ${on_hand} on hand, reorder point ${reorder_point} -> ${reorder ? "reorder" : "ok"}`);
  return { sku, on_hand, reorder, qty: reorder ? (reorder_qty ?? reorder_point * 2 - on_hand) : 0 };
}
