// Refreshes the marts: for the orders a sync touched (`order_ids`), or in
// full (`full`, or no ids). Safe to run any time: derived data only, one
// transaction, concurrent runs queue on an advisory lock.
import { connect, type Postgresql } from "../lib/db.ts";
import { refreshMarts } from "../lib/marts/refresh.ts";

export async function main(db: Postgresql, order_ids?: string[], full?: boolean) {
  const result = await refreshMarts(connect(db), { orderIds: order_ids, full: full ?? false });
  console.log(`marts: ${result.mode} refresh of ${result.orders} orders over ${result.days} days in ${result.ms} ms${result.reason ? ` (${result.reason})` : ""}`);
  return result;
}
