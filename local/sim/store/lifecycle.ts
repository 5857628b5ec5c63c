/**
 * Changes to an order after it was generated (fulfil, cancel, refund), shared by the
 * mutations and by time travel. Each returns the new order; the store keeps the patch.
 */
import { gid, decodeGid, legacyId, SLOTS } from "./ids.ts";
import type { Store } from "./index.ts";
import { centsOf, moneyBag, type MoneyBag } from "./money.ts";
import { iso, ref, type SimNode } from "./types.ts";

export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  numbers?: string[] | null;
  url?: string | null;
  urls?: string[] | null;
}

export interface FulfillRequest {
  fulfillmentOrderId: string;
  /** Omitted: everything remaining on the fulfillment order. */
  lines?: { id: string; quantity: number }[] | null;
}

export type FulfillResult = { ok: true; order: SimNode; fulfillment: SimNode } | { ok: false; message: string };

export function fulfillOrder(store: Store, orderIndex: number, requests: FulfillRequest[] | null, tracking: TrackingInput | null, atMs: number, notifyCustomer = false): FulfillResult {
  const order = store.order(orderIndex);
  if (!order) return { ok: false, message: "Fulfillment order does not exist." };
  const fulfillmentOrders = structuredClone(order.fulfillmentOrders as SimNode[]);
  const lineItems = structuredClone(order.lineItems as SimNode[]);
  const shipped: { lineItem: SimNode; quantity: number }[] = [];
  const all: FulfillRequest[] = fulfillmentOrders.filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS").map((fo) => ({ fulfillmentOrderId: fo.id }));
  for (const request of requests ?? all) {
    const fo = fulfillmentOrders.find((f) => f.id === request.fulfillmentOrderId);
    if (!fo) return { ok: false, message: "Fulfillment order does not exist." };
    if (fo.status === "CLOSED" || fo.status === "CANCELLED" || fo.status === "INCOMPLETE") {
      return { ok: false, message: `Fulfillment order ${decodeGid(fo.id)!.numericId} has an unfulfillable status= ${String(fo.status).toLowerCase()}.` };
    }
    const foLines = fo.lineItems as SimNode[];
    const wanted = request.lines?.length ? request.lines : foLines.filter((l) => (l.remainingQuantity as number) > 0).map((l) => ({ id: l.id, quantity: l.remainingQuantity as number }));
    for (const want of wanted) {
      const line = foLines.find((l) => l.id === want.id);
      if (!line || want.quantity <= 0 || want.quantity > (line.remainingQuantity as number)) return { ok: false, message: "Invalid fulfillment order line item quantity requested." };
      line.remainingQuantity = (line.remainingQuantity as number) - want.quantity;
      const lineItem = lineItems.find((li) => li.id === (line.lineItem as { id: string }).id)!;
      lineItem.unfulfilledQuantity = (lineItem.unfulfilledQuantity as number) - want.quantity;
      shipped.push({ lineItem, quantity: want.quantity });
    }
    fo.status = foLines.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
    fo.updatedAt = iso(atMs);
  }
  const existing = order.fulfillments as SimNode[];
  if (existing.length >= SLOTS.fulfillments) return { ok: false, message: "The simulator supports at most 4 fulfillments per order." };
  const fulfillmentIndex = orderIndex * SLOTS.fulfillments + existing.length;
  const numbers = tracking?.numbers?.length ? tracking.numbers : tracking?.number ? [tracking.number] : [];
  const now = iso(atMs);
  const fulfillment: SimNode = {
    __typename: "Fulfillment",
    id: gid("Fulfillment", fulfillmentIndex),
    legacyResourceId: legacyId("Fulfillment", fulfillmentIndex),
    name: `${order.name as string}-F${existing.length + 1}`,
    status: "SUCCESS",
    displayStatus: "FULFILLED",
    createdAt: now,
    updatedAt: now,
    inTransitAt: null,
    deliveredAt: null,
    estimatedDeliveryAt: null,
    requiresShipping: true,
    totalQuantity: shipped.reduce((s, x) => s + x.quantity, 0),
    trackingInfo: numbers.map((number, k) => ({ __typename: "FulfillmentTrackingInfo", company: tracking?.company ?? null, number, url: tracking?.urls?.[k] ?? tracking?.url ?? null })),
    location: ref("Location", gid("Location", 0)),
    order: ref("Order", order.id),
    fulfillmentLineItems: shipped.map((s, k) => ({ __typename: "FulfillmentLineItem", id: `gid://shopify/FulfillmentLineItem/${legacyId("Fulfillment", fulfillmentIndex)}${k}`, quantity: s.quantity, lineItem: ref("LineItem", s.lineItem.id) })),
    notifyCustomer,
  };
  const allShipped = lineItems.every((li) => li.unfulfilledQuantity === 0);
  const updated = store.patchOrder(orderIndex, {
    fulfillments: [...existing, fulfillment],
    fulfillmentOrders,
    lineItems,
    displayFulfillmentStatus: allShipped ? "FULFILLED" : "PARTIALLY_FULFILLED",
    updatedAt: now,
  });
  return { ok: true, order: updated, fulfillment };
}

export function cancelOrder(store: Store, orderIndex: number, atMs: number, reason = "CUSTOMER"): SimNode | null {
  const order = store.order(orderIndex);
  if (!order || order.cancelledAt) return null;
  const paid = order.displayFinancialStatus === "PAID";
  const fulfillmentOrders = structuredClone(order.fulfillmentOrders as SimNode[]).map((fo) => ({ ...fo, status: "CLOSED", lineItems: (fo.lineItems as SimNode[]).map((l) => ({ ...l, remainingQuantity: 0 })) }));
  const currency = store.cfg.shop.currencyCode;
  return store.patchOrder(orderIndex, {
    cancelledAt: iso(atMs),
    cancelReason: reason,
    closed: true,
    closedAt: iso(atMs),
    displayFinancialStatus: paid ? "REFUNDED" : "VOIDED",
    totalRefundedSet: paid ? order.totalPriceSet : moneyBag(0, currency),
    currentTotalPriceSet: paid ? moneyBag(0, currency) : order.currentTotalPriceSet,
    fulfillmentOrders,
    updatedAt: iso(atMs),
  });
}

/** Refunds the whole order (time travel's refunds). */
export function refundOrder(store: Store, orderIndex: number, atMs: number): SimNode | null {
  const order = store.order(orderIndex);
  if (!order || order.cancelledAt || order.displayFinancialStatus !== "PAID") return null;
  const existing = order.refunds as SimNode[];
  if (existing.length >= SLOTS.refunds) return null;
  const refundIndex = orderIndex * SLOTS.refunds + existing.length;
  const currency = store.cfg.shop.currencyCode;
  const total = centsOf(order.totalPriceSet as MoneyBag);
  const lineItems = structuredClone(order.lineItems as SimNode[]);
  const refund: SimNode = {
    __typename: "Refund",
    id: gid("Refund", refundIndex),
    legacyResourceId: legacyId("Refund", refundIndex),
    createdAt: iso(atMs),
    updatedAt: iso(atMs),
    note: "Refunded by customer service",
    totalRefundedSet: moneyBag(total, currency),
    refundLineItems: lineItems.map((line, k) => ({ __typename: "RefundLineItem", id: `gid://shopify/RefundLineItem/${legacyId("Refund", refundIndex)}${k}`, quantity: line.currentQuantity, restocked: false, lineItem: ref("LineItem", line.id), subtotalSet: line.discountedTotalSet })),
    order: ref("Order", order.id),
  };
  for (const line of lineItems) line.currentQuantity = 0;
  return store.patchOrder(orderIndex, {
    refunds: [...existing, refund],
    lineItems,
    displayFinancialStatus: "REFUNDED",
    totalRefundedSet: moneyBag(total, currency),
    currentTotalPriceSet: moneyBag(0, currency),
    updatedAt: iso(atMs),
  });
}
