// An orders/create or orders/updated payload (REST Order) -> the nodes the
// bulk orders export (f/lib/shopify/bulk/queries.ts ORDERS_BULK_QUERY) gives
// for the same order: one Order node with its fulfillments and refunds
// inline, and one LineItem node per line with `__parentId`. Staged and merged
// like bulk lines, they make the same raw rows, column for column.
//
// REST does not carry everything GraphQL does. Where it is silent, the
// order's last known node (the raw row we hold) fills in: the fulfillments'
// displayStatus when no shipment_status is sent, presentment money in a
// foreign currency, a more precise unfulfilled status than REST's `null`.
import { bagAmount, decimalDivFloor, decimalOp, decimalText, dropUndefined, enumValue, gid, legacyId, moneyBag, objectGid, tagList, utc, type Json } from "./rest_values.ts";

export interface KnownOrder {
  /** The Order node we hold (raw_shopify_orders.payload). */
  order: Json | null;
  /** Its line items' nodes by id. */
  lineItems: Map<string, Json>;
}

export interface OrderNodes {
  order: Json;
  lineItems: Json[];
}

/** displayFulfillmentStatus values REST reports as `fulfillment_status: null`. */
const NOT_FULFILLED = new Set(["UNFULFILLED", "OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED", "PENDING_FULFILLMENT", "REQUEST_DECLINED"]);

export function orderNodes(rest: Json, known: KnownOrder = { order: null, lineItems: new Map() }): OrderNodes {
  const id = objectGid("Order", rest);
  if (!id) throw new Error("order payload has no id");
  const currency = String(rest.currency ?? known.order?.currencyCode ?? "");
  const presentmentCurrency = String(rest.presentment_currency ?? currency);
  const prior = known.order ?? {};
  const priorFulfillments = new Map(((prior.fulfillments as Json[] | undefined) ?? []).map((f) => [String(f.id), f]));

  const totalPriceSet = moneyBag(rest.total_price_set, rest.total_price, currency, { currency: presentmentCurrency });
  const derived: Json = {
    id,
    legacyResourceId: legacyId(id),
    name: rest.name,
    createdAt: utc(rest.created_at),
    updatedAt: utc(rest.updated_at),
    processedAt: utc(rest.processed_at),
    cancelledAt: utc(rest.cancelled_at),
    cancelReason: enumValue(rest.cancel_reason),
    closedAt: utc(rest.closed_at),
    displayFinancialStatus: enumValue(rest.financial_status) ?? prior.displayFinancialStatus ?? null,
    displayFulfillmentStatus: fulfillmentStatus(rest.fulfillment_status, prior.displayFulfillmentStatus),
    tags: tagList(rest.tags),
    note: rest.note ?? null,
    test: Boolean(rest.test),
    currencyCode: currency,
    presentmentCurrencyCode: presentmentCurrency,
    totalPriceSet: withPriorPresentment(totalPriceSet, prior.totalPriceSet),
    subtotalPriceSet: moneyBag(rest.subtotal_price_set, rest.subtotal_price, currency),
    totalDiscountsSet: moneyBag(rest.total_discounts_set, rest.total_discounts, currency),
    totalTaxSet: moneyBag(rest.total_tax_set, rest.total_tax, currency),
    totalShippingPriceSet: moneyBag(rest.total_shipping_price_set, shippingTotal(rest), currency),
    totalRefundedSet: moneyBag(null, totalRefunded(rest, prior), currency),
    customer: customerRef(rest.customer),
    shippingAddress: address(rest.shipping_address),
    shippingLine: shippingLineNode(rest.shipping_lines, prior.shippingLine as Json | null | undefined),
    fulfillments: ((rest.fulfillments as Json[] | undefined) ?? []).map((f) => fulfillmentNode(f, priorFulfillments)),
    refunds: ((rest.refunds as Json[] | undefined) ?? []).map((r) => refundNode(r, currency)),
  };
  const order = { ...prior, ...dropUndefined(derived) };
  const lineItems = ((rest.line_items as Json[] | undefined) ?? []).map((line) => lineItemNode(line, id, currency, known.lineItems));
  return { order, lineItems };
}

function fulfillmentStatus(rest: unknown, prior: unknown): string {
  switch (rest) {
    case "fulfilled":
      return "FULFILLED";
    case "partial":
      return "PARTIALLY_FULFILLED";
    case "restocked":
      return "RESTOCKED";
    case null:
    case undefined:
      return typeof prior === "string" && NOT_FULFILLED.has(prior) ? prior : "UNFULFILLED";
    default:
      return String(rest).toUpperCase();
  }
}

/** A foreign presentment amount REST did not send stays what we knew. */
function withPriorPresentment(bag: Json | null, prior: unknown): Json | null {
  if (!bag || "presentmentMoney" in bag) return bag;
  const p = (prior as Json | undefined)?.presentmentMoney;
  return p ? { ...bag, presentmentMoney: p } : bag;
}

/** GraphQL's `shippingLine`: the order's first shipping line (REST sends the list). */
function shippingLineNode(lines: unknown, prior: Json | null | undefined): Json | null | undefined {
  if (!Array.isArray(lines)) return undefined;
  const first = lines[0] as Json | undefined;
  if (!first) return null;
  return {
    title: first.title ?? null,
    code: first.code ?? null,
    source: first.source ?? null,
    carrierIdentifier: first.carrier_identifier ?? prior?.carrierIdentifier ?? null,
  };
}

function shippingTotal(rest: Json): string | null {
  const lines = rest.shipping_lines as Json[] | undefined;
  if (!Array.isArray(lines)) return null;
  return lines.reduce<string>((sum, l) => decimalOp(sum, decimalText(l.discounted_price ?? l.price) ?? "0.0", (a, b) => a + b), "0.0");
}

/** REST refunds carry their amounts in transactions (kind refund); some payloads also give total_refunded. */
function refundAmount(r: Json): string | null {
  const direct = decimalText(r.total_refunded);
  if (direct !== null) return direct;
  const tx = (r.transactions as Json[] | undefined)?.filter((t) => t.kind === "refund" && (t.status ?? "success") === "success");
  if (!tx?.length) return null;
  return tx.reduce<string>((sum, t) => decimalOp(sum, decimalText(t.amount) ?? "0.0", (a, b) => a + b), "0.0");
}

/**
 * REST has no order-level refunded total: the refunds' sum when each says
 * its amount, else what the current total lost (total - current_total), else
 * what we knew.
 */
function totalRefunded(rest: Json, prior: Json): string | null {
  const refunds = (rest.refunds as Json[] | undefined) ?? [];
  const amounts = refunds.map(refundAmount);
  if (refunds.length > 0 && amounts.every((a) => a !== null)) return amounts.reduce<string>((s, a) => decimalOp(s, a!, (x, y) => x + y), "0.0");
  const total = decimalText(rest.total_price);
  const current = decimalText(rest.current_total_price);
  if (total !== null && current !== null) {
    const lost = decimalOp(total, current, (a, b) => a - b);
    return lost.startsWith("-") ? "0.0" : lost;
  }
  return bagAmount(prior.totalRefundedSet) ?? "0.0";
}

function customerRef(c: unknown): Json | null {
  if (!c || typeof c !== "object") return null;
  const id = objectGid("Customer", c as Json);
  return id ? { id } : null;
}

function address(a: unknown): Json | null {
  if (!a || typeof a !== "object") return null;
  const x = a as Json;
  return {
    address1: x.address1 ?? null,
    address2: x.address2 ?? null,
    city: x.city ?? null,
    province: x.province ?? null,
    provinceCode: x.province_code ?? null,
    country: x.country ?? null,
    countryCodeV2: x.country_code ?? null,
    zip: x.zip ?? null,
  };
}

/** FulfillmentDisplayStatus from the fulfillment's own status when no shipment status says more. */
const STATUS_DISPLAY: Record<string, string> = { success: "FULFILLED", cancelled: "CANCELED", failure: "FAILURE", error: "FAILURE" };

function fulfillmentNode(f: Json, prior: Map<string, Json>): Json {
  const id = objectGid("Fulfillment", f);
  const before = id ? prior.get(id) : undefined;
  const fromStatus = STATUS_DISPLAY[String(f.status)] ?? null;
  // Real payloads send shipment_status (null when there is none); without the key, keep what we knew.
  const displayStatus = "shipment_status" in f ? (enumValue(f.shipment_status) ?? fromStatus) : ((before?.displayStatus as string | undefined) ?? fromStatus);
  const numbers = Array.isArray(f.tracking_numbers) ? (f.tracking_numbers as unknown[]) : f.tracking_number ? [f.tracking_number] : [];
  const urls = Array.isArray(f.tracking_urls) ? (f.tracking_urls as unknown[]) : f.tracking_url ? [f.tracking_url] : [];
  return {
    id,
    status: enumValue(f.status),
    displayStatus,
    createdAt: utc(f.created_at),
    updatedAt: utc(f.updated_at),
    trackingInfo: numbers.map((number, i) => ({ company: f.tracking_company ?? null, number: number ?? null, url: urls[i] ?? null })),
  };
}

function refundNode(r: Json, currency: string): Json {
  return {
    id: objectGid("Refund", r),
    createdAt: utc(r.created_at),
    note: r.note ?? null,
    totalRefundedSet: moneyBag(r.total_refunded_set, refundAmount(r) ?? "0.0", currency),
  };
}

function lineItemNode(line: Json, orderId: string, currency: string, prior: Map<string, Json>): Json {
  const id = objectGid("LineItem", line);
  const before = (id && prior.get(id)) || {};
  const quantity = Number(line.quantity);
  const price = decimalText(line.price);
  const discount = decimalText(line.total_discount) ?? "0.0";
  // GraphQL's discounted unit price: the unit price less the line's discount per unit (rounded down to the cent).
  const discounted = price !== null && quantity > 0 ? decimalOp(price, decimalDivFloor(discount, quantity), (a, b) => a - b) : null;
  const derived: Json = {
    id,
    sku: line.sku ?? null,
    title: line.title ?? null,
    variantTitle: line.variant_title ?? null,
    quantity,
    currentQuantity: line.current_quantity ?? before.currentQuantity ?? quantity,
    variant: line.variant_id ? { id: gid("ProductVariant", line.variant_id) } : null,
    product: line.product_id ? { id: gid("Product", line.product_id) } : null,
    // REST `properties` are GraphQL's `customAttributes` (e.g. the design of a custom print).
    customAttributes: Array.isArray(line.properties) ? (line.properties as Json[]).map((p) => ({ key: String(p.name), value: p.value ?? null })) : undefined,
    originalUnitPriceSet: moneyBag(line.price_set, line.price, currency),
    discountedUnitPriceSet: moneyBag(null, discounted, currency),
    totalDiscountSet: moneyBag(line.total_discount_set, discount, currency),
    __parentId: orderId,
  };
  return { ...before, ...dropUndefined(derived) };
}
