/**
 * Time travel: advance the clock and let the store live through the interval: new
 * orders, fulfilments and tag/note updates, cancellations, refunds, deletes, product and
 * inventory changes. Deterministic from the seed and the sequence of advances.
 */
import type { Store } from "./index.ts";
import { cancelOrder, fulfillOrder, refundOrder } from "./lifecycle.ts";
import { rngFor, STREAMS, type Rng } from "./random.ts";
import { DAY_MS, iso, type SimNode } from "./types.ts";
import { inventoryLevelGid } from "./ids.ts";
import { inventoryAt } from "./products.ts";

export interface AdvanceOptions {
  ms: number;
  /** Event counts; each defaults to a rate derived from the store's order volume. */
  newOrders?: number;
  updates?: number;
  cancellations?: number;
  refunds?: number;
  deletes?: number;
  productUpdates?: number;
  inventoryUpdates?: number;
}

export interface StoreEvent {
  topic: string;
  at: string;
  id: string;
  record: SimNode;
}

const RECENT_WINDOW = 2000;

function pickOrder(store: Store, rng: Rng, test: (o: SimNode) => boolean, recentOnly = true): number | null {
  const slots = store.orderSlots;
  if (slots === 0) return null;
  for (let attempt = 0; attempt < 40; attempt++) {
    const lo = recentOnly ? Math.max(0, slots - RECENT_WINDOW) : 0;
    const i = rng.int(lo, slots - 1);
    const order = store.order(i);
    if (order && test(order)) return i;
  }
  return null;
}

export class TimeTravel {
  private advances = 0;
  constructor(private readonly store: Store) {}

  advance(options: AdvanceOptions): { from: string; to: string; events: StoreEvent[] } {
    const { store } = this;
    const from = store.clock.now();
    store.clock.advance(options.ms);
    const to = store.clock.now();
    const rng = rngFor(store.cfg.seed, STREAMS.timeTravel, this.advances++);
    const perMs = store.cfg.baseOrders / (store.cfg.historyDays * DAY_MS);
    const expected = Math.round(perMs * options.ms);
    const counts = {
      newOrders: options.newOrders ?? expected,
      updates: options.updates ?? Math.round(expected * 0.6),
      cancellations: options.cancellations ?? Math.round(expected * 0.02),
      refunds: options.refunds ?? Math.round(expected * 0.03),
      deletes: options.deletes ?? Math.round(expected * 0.005),
      productUpdates: options.productUpdates ?? (options.ms >= DAY_MS ? 1 : 0),
      inventoryUpdates: options.inventoryUpdates ?? (options.ms >= DAY_MS ? 2 : 0),
    };
    // Each event gets a time in (from, to]; they are applied in time order.
    type Kind = keyof typeof counts;
    const planned: { kind: Kind; at: number }[] = [];
    for (const kind of Object.keys(counts) as Kind[]) {
      for (let k = 0; k < counts[kind]; k++) planned.push({ kind, at: from + 1000 + Math.floor(rng.next() * Math.max(1, to - from - 1000)) });
    }
    planned.sort((a, b) => a.at - b.at);
    const events: StoreEvent[] = [];
    const record = (topic: string, at: number, node: SimNode | null | undefined) => {
      if (node) events.push({ topic, at: iso(at), id: node.id, record: node });
    };
    for (const { kind, at } of planned) {
      switch (kind) {
        case "newOrders": {
          const i = store.addOrder(at);
          record("orders/create", at, store.order(i));
          break;
        }
        case "updates": {
          const open = pickOrder(store, rng, (o) => o.displayFulfillmentStatus === "UNFULFILLED" && !o.cancelledAt);
          if (open !== null && rng.chance(0.7)) {
            const result = fulfillOrder(store, open, null, { company: "Canada Post", number: rng.digits(16) }, at);
            if (result.ok) record("orders/updated", at, result.order);
            break;
          }
          const any = pickOrder(store, rng, () => true);
          if (any !== null) {
            const order = store.order(any)!;
            const tags = [...new Set([...(order.tags as string[]), "reviewed"])].sort();
            record("orders/updated", at, store.patchOrder(any, { tags, note: "Checked by support", updatedAt: iso(at) }));
          }
          break;
        }
        case "cancellations": {
          const i = pickOrder(store, rng, (o) => o.displayFulfillmentStatus === "UNFULFILLED" && !o.cancelledAt);
          if (i !== null) record("orders/updated", at, cancelOrder(store, i, at, rng.pick(["CUSTOMER", "INVENTORY", "FRAUD"])));
          break;
        }
        case "refunds": {
          const i = pickOrder(store, rng, (o) => o.displayFulfillmentStatus === "FULFILLED" && o.displayFinancialStatus === "PAID", false);
          if (i !== null) record("orders/updated", at, refundOrder(store, i, at));
          break;
        }
        case "deletes": {
          const i = pickOrder(store, rng, () => true, false);
          if (i !== null) {
            const order = store.order(i)!;
            store.deleteOrder(i);
            record("orders/delete", at, order);
          }
          break;
        }
        case "productUpdates": {
          const p = rng.int(0, store.cfg.products - 1);
          const product = store.product(p);
          if (product) record("products/update", at, store.patchProduct(p, { tags: [...new Set([...(product.tags as string[]), "restocked"])].sort(), updatedAt: iso(at) }));
          break;
        }
        case "inventoryUpdates": {
          const p = rng.int(0, store.cfg.products - 1);
          const variant = store.productBasics(p).variants[0]!;
          const stock = inventoryAt(store.cfg, 0, variant.index);
          if (!stock) break;
          const levelId = inventoryLevelGid(0, variant.index);
          const available = rng.int(0, 300);
          const level = store.location(0)!.inventoryLevels as SimNode[];
          const current = level.find((l) => l.id === levelId);
          if (!current) break;
          const quantities = (current.quantities as { name: string; quantity: number }[]).map((q) => ({ ...q, quantity: q.name === "available" ? available : q.name === "on_hand" ? available + stock.quantities.committed! : q.quantity, updatedAt: iso(at) }));
          store.patchInventoryLevel(levelId, { quantities, updatedAt: iso(at) });
          record("inventory_levels/update", at, { ...current, quantities, updatedAt: iso(at) });
          break;
        }
      }
    }
    return { from: iso(from), to: iso(to), events };
  }
}
