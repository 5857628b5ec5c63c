/**
 * Order generator. Order i is a pure function of (seed, i, createdAt): its lines, money,
 * fulfillment, refunds and cancellation are decided by events before its horizon
 * (the store's "now" for history, the creation time for orders made by time travel).
 */
import { CANCEL_REASONS, COUNTRIES, DISCOUNT_CODES, LOCATIONS, ORDER_NOTES } from "./catalog.ts";
import type { CustomerBasics } from "./customers.ts";
import { gid, legacyId, SLOTS } from "./ids.ts";
import { moneyBag } from "./money.ts";
import type { ProductBasics } from "./products.ts";
import { rngFor, STREAMS, type Rng } from "./random.ts";
import { DAY_MS, HOUR_MS, iso, ref, type SimNode, type StoreConfig } from "./types.ts";

/** Every event of a base order happens within this lag of its creation; search planning relies on it. */
export const MAX_UPDATE_LAG_MS = 30 * DAY_MS;

export interface OrderSources {
  cfg: StoreConfig;
  product(index: number): ProductBasics;
  customerOfOrder(orderIndex: number): CustomerBasics;
}

/** Creation time of base order i: strictly increasing in i, so time ranges map to index ranges. */
export function baseOrderCreatedAt(cfg: StoreConfig, i: number): number {
  const jitter = rngFor(cfg.seed, STREAMS.orderTime, i).next() * 0.9;
  return Math.floor(cfg.startMs + (i + jitter) * cfg.stepMs);
}

interface LineDraft {
  product: ProductBasics;
  variantIndex: number;
  quantity: number;
  unitCents: number;
  discountCents: number;
  design: string | null;
}

function pickProduct(rng: Rng, src: OrderSources): ProductBasics {
  // Popularity is skewed: low indices sell far more, like a real catalogue.
  const index = Math.floor(src.cfg.products * Math.pow(rng.next(), 1.8));
  return src.product(index);
}

function addressOf(customer: CustomerBasics) {
  return {
    __typename: "MailingAddress",
    firstName: customer.firstName,
    lastName: customer.lastName,
    name: `${customer.firstName} ${customer.lastName}`,
    company: null,
    address1: customer.address.address1,
    address2: null,
    city: customer.address.city,
    province: customer.address.province,
    provinceCode: customer.address.provinceCode,
    country: customer.address.country,
    countryCodeV2: customer.address.countryCodeV2,
    zip: customer.address.zip,
    phone: customer.phone,
  };
}

export function generateOrder(src: OrderSources, i: number, createdAtMs: number, horizonMs: number): SimNode {
  const { cfg } = src;
  const currency = cfg.shop.currencyCode;
  const rng = rngFor(cfg.seed, STREAMS.order, i);
  const customer = src.customerOfOrder(i);
  const orderId = gid("Order", i);
  const name = `#${1001 + i}`;

  // Lines
  const lineCount = customer.isWholesale ? rng.int(1, 2) : rng.weighted([[1, 50], [2, 28], [3, 14], [4, 8]] as const);
  const discount = rng.chance(customer.isWholesale ? 0.5 : 0.18) ? rng.pick(DISCOUNT_CODES) : null;
  const drafts: LineDraft[] = [];
  for (let j = 0; j < lineCount; j++) {
    const product = pickProduct(rng, src);
    const variant = product.variants[rng.int(0, product.variants.length - 1)]!;
    const quantity = customer.isWholesale ? rng.int(10, 50) : rng.weighted([[1, 70], [2, 20], [3, 10]] as const);
    const namesDesign = product.isCustom || rng.chance(0.04);
    drafts.push({
      product,
      variantIndex: variant.index,
      quantity,
      unitCents: variant.priceCents,
      discountCents: discount ? Math.round((variant.priceCents * quantity * discount.percent) / 100) : 0,
      design: namesDesign ? `DSN-${rng.digits(5)}` : null,
    });
  }
  const subtotalBeforeDiscount = drafts.reduce((s, d) => s + d.unitCents * d.quantity, 0);
  const discountTotal = drafts.reduce((s, d) => s + d.discountCents, 0);
  const subtotal = subtotalBeforeDiscount - discountTotal;

  // Shipping and tax
  const country = COUNTRIES[customer.countryCode]!;
  const domestic = customer.countryCode === cfg.shop.countryCode;
  const isRush = rng.chance(0.06);
  const express = rng.chance(isRush ? 0.7 : 0.12);
  const shippingCents = express ? 1800 : !domestic ? 2500 : subtotal >= 7500 ? 0 : 800;
  const taxCents = domestic && !customer.isWholesale ? Math.round(subtotal * country.taxRate) : 0;
  const totalCents = subtotal + shippingCents + taxCents;

  const tags: string[] = [];
  if (isRush) tags.push("rush");
  if (rng.chance(0.08)) tags.push("gift");
  if (customer.isWholesale) tags.push("wholesale");
  tags.sort();

  // Lifecycle: everything is decided by what happened before the horizon.
  // Web orders are processed when created; keeping them equal keeps PROCESSED_AT in index order.
  const processedAtMs = createdAtMs;
  const ageMs = horizonMs - createdAtMs;
  const financialRoll = rng.next();
  let financial = financialRoll < 0.95 ? "PAID" : financialRoll < 0.98 ? "PENDING" : "AUTHORIZED";
  let events = createdAtMs + rng.int(1, 300) * 1000;
  const cancelled = rng.chance(0.02) && ageMs > 2 * HOUR_MS;
  const cancelledAtMs = cancelled ? createdAtMs + rng.int(1, Math.max(1, Math.min(48, Math.floor(ageMs / HOUR_MS) - 1))) * HOUR_MS : null;
  const fulfilmentDelayMs = (isRush ? rng.int(2, 24) : rng.int(6, 96)) * HOUR_MS;
  const fulfilled = !cancelled && financial !== "PENDING" && ageMs > fulfilmentDelayMs && rng.chance(ageMs > 5 * DAY_MS ? 0.98 : 0.7);
  const partial = fulfilled && lineCount > 1 && ageMs < 10 * DAY_MS && rng.chance(0.15);
  const fulfilledAtMs = fulfilled ? createdAtMs + fulfilmentDelayMs : null;
  const primaryLocation = LOCATIONS.findIndex((l) => l.isActive);

  const lineItems: SimNode[] = drafts.map((d, j) => {
    const lineIndex = i * SLOTS.lineItems + j;
    const variant = d.product.variants.find((v) => v.index === d.variantIndex)!;
    const unitDiscount = Math.floor(d.discountCents / d.quantity);
    return {
      __typename: "LineItem",
      id: gid("LineItem", lineIndex),
      name: variant.title === "Default Title" ? d.product.title : `${d.product.title} - ${variant.title}`,
      title: d.product.title,
      variantTitle: variant.title === "Default Title" ? null : variant.title,
      sku: variant.sku,
      vendor: d.product.vendor,
      quantity: d.quantity,
      currentQuantity: d.quantity,
      unfulfilledQuantity: d.quantity,
      requiresShipping: true,
      taxable: true,
      isGiftCard: false,
      customAttributes: d.design ? [{ __typename: "Attribute", key: "Design", value: d.design }] : [],
      variant: ref("ProductVariant", variant.id),
      product: ref("Product", d.product.id),
      originalUnitPriceSet: moneyBag(d.unitCents, currency),
      discountedUnitPriceSet: moneyBag(d.unitCents - unitDiscount, currency),
      originalTotalSet: moneyBag(d.unitCents * d.quantity, currency),
      discountedTotalSet: moneyBag(d.unitCents * d.quantity - d.discountCents, currency),
      totalDiscountSet: moneyBag(d.discountCents, currency),
    };
  });

  // Fulfillment (one per order; a partial one ships the first line only).
  const fulfillments: SimNode[] = [];
  if (fulfilled && fulfilledAtMs !== null) {
    const shipped = partial ? [lineItems[0]!] : lineItems;
    for (const line of shipped) line.unfulfilledQuantity = 0;
    const fulfillmentIndex = i * SLOTS.fulfillments;
    const delivered = horizonMs - fulfilledAtMs > 4 * DAY_MS;
    const trackingNumber = rng.digits(16);
    fulfillments.push({
      __typename: "Fulfillment",
      id: gid("Fulfillment", fulfillmentIndex),
      legacyResourceId: legacyId("Fulfillment", fulfillmentIndex),
      name: `${name}-F1`,
      status: "SUCCESS",
      displayStatus: delivered ? "DELIVERED" : "IN_TRANSIT",
      createdAt: iso(fulfilledAtMs),
      updatedAt: iso(delivered ? fulfilledAtMs + 3 * DAY_MS : fulfilledAtMs),
      inTransitAt: iso(fulfilledAtMs + HOUR_MS),
      deliveredAt: delivered ? iso(fulfilledAtMs + 3 * DAY_MS) : null,
      estimatedDeliveryAt: null,
      requiresShipping: true,
      totalQuantity: shipped.reduce((s, l) => s + (l.quantity as number), 0),
      trackingInfo: [{ __typename: "FulfillmentTrackingInfo", company: country.carrier, number: trackingNumber, url: `https://tracking.example.com/${country.code.toLowerCase()}/${trackingNumber}` }],
      location: ref("Location", gid("Location", primaryLocation)),
      order: ref("Order", orderId),
      fulfillmentLineItems: shipped.map((line, k) => ({ __typename: "FulfillmentLineItem", id: `gid://shopify/FulfillmentLineItem/${legacyId("Fulfillment", fulfillmentIndex)}${k}`, quantity: line.quantity, lineItem: ref("LineItem", line.id as string) })),
    });
    events = Math.max(events, delivered ? fulfilledAtMs + 3 * DAY_MS : fulfilledAtMs);
  }

  // Refunds: some fulfilled paid orders are refunded later, fully or one unit of one line.
  const refunds: SimNode[] = [];
  let refundedCents = 0;
  if (cancelled && financial === "PAID") {
    refundedCents = totalCents;
  }
  if (fulfilled && fulfilledAtMs !== null && financial === "PAID" && rng.chance(0.05)) {
    const refundAtMs = fulfilledAtMs + rng.int(1, 20) * DAY_MS;
    if (refundAtMs < horizonMs) {
      const full = rng.chance(0.35);
      const refundIndex = i * SLOTS.refunds;
      const refundLines = full ? lineItems : [lineItems[0]!];
      const refundLineItems = refundLines.map((line, k) => {
        const qty = full ? (line.quantity as number) : 1;
        const unit = Number((line.discountedUnitPriceSet as { shopMoney: { amount: string } }).shopMoney.amount) * 100;
        line.currentQuantity = (line.currentQuantity as number) - qty;
        return { __typename: "RefundLineItem", id: `gid://shopify/RefundLineItem/${legacyId("Refund", refundIndex)}${k}`, quantity: qty, restocked: false, lineItem: ref("LineItem", line.id as string), subtotalSet: moneyBag(Math.round(unit * qty), currency) };
      });
      refundedCents = full ? totalCents : refundLineItems.reduce((s, r) => s + Math.round(Number(r.subtotalSet.shopMoney.amount) * 100), 0);
      refunds.push({
        __typename: "Refund",
        id: gid("Refund", refundIndex),
        legacyResourceId: legacyId("Refund", refundIndex),
        createdAt: iso(refundAtMs),
        updatedAt: iso(refundAtMs),
        note: full ? "Customer returned the order" : "Damaged in transit",
        totalRefundedSet: moneyBag(refundedCents, currency),
        refundLineItems,
        order: ref("Order", orderId),
      });
      financial = full ? "REFUNDED" : "PARTIALLY_REFUNDED";
      events = Math.max(events, refundAtMs);
    }
  }
  if (cancelled && cancelledAtMs !== null) {
    financial = financial === "PAID" ? "REFUNDED" : "VOIDED";
    events = Math.max(events, cancelledAtMs);
  }

  const fulfillmentStatus = fulfilled ? (partial ? "PARTIALLY_FULFILLED" : "FULFILLED") : "UNFULFILLED";
  const closedAtMs = cancelledAtMs ?? (fulfilled && !partial && financial !== "PENDING" ? fulfilledAtMs : null);
  const updatedAtMs = Math.min(events, createdAtMs + MAX_UPDATE_LAG_MS, Math.max(horizonMs - 1000, createdAtMs + 1000));
  const address = addressOf(customer);
  const currentTotalCents = totalCents - refundedCents;

  const shippingLine = {
    __typename: "ShippingLine",
    id: gid("ShippingLine", i),
    title: express ? "Express" : domestic ? "Standard" : "International",
    code: express ? "EXPRESS" : domestic ? "STANDARD" : "INTL",
    source: "shopify",
    carrierIdentifier: null,
    isRemoved: false,
    originalPriceSet: moneyBag(shippingCents, currency),
    discountedPriceSet: moneyBag(shippingCents, currency),
  };

  const fulfillmentOrderStatus = cancelled ? "CLOSED" : fulfilled ? (partial ? "IN_PROGRESS" : "CLOSED") : "OPEN";
  const fulfillmentOrder = {
    __typename: "FulfillmentOrder",
    id: gid("FulfillmentOrder", i),
    status: fulfillmentOrderStatus,
    requestStatus: "UNSUBMITTED",
    createdAt: iso(createdAtMs),
    updatedAt: iso(updatedAtMs),
    fulfillAt: iso(createdAtMs),
    fulfillBy: null,
    orderId,
    orderName: name,
    orderProcessedAt: iso(processedAtMs),
    order: ref("Order", orderId),
    fulfillmentHolds: [],
    assignedLocation: { __typename: "FulfillmentOrderAssignedLocation", name: LOCATIONS[primaryLocation]!.name, location: ref("Location", gid("Location", primaryLocation)), countryCode: cfg.shop.countryCode, city: null, address1: null, zip: null, province: null, phone: null },
    lineItems: lineItems.map((line, j) => ({
      __typename: "FulfillmentOrderLineItem",
      id: gid("FulfillmentOrderLineItem", i * SLOTS.lineItems + j),
      totalQuantity: line.quantity,
      remainingQuantity: cancelled ? 0 : line.unfulfilledQuantity,
      sku: line.sku,
      productTitle: line.title,
      variantTitle: line.variantTitle,
      vendor: line.vendor,
      requiresShipping: true,
      lineItem: ref("LineItem", line.id as string),
      variant: line.variant,
    })),
  };

  return {
    __typename: "Order",
    id: orderId,
    legacyResourceId: legacyId("Order", i),
    name,
    email: customer.email,
    phone: customer.phone,
    createdAt: iso(createdAtMs),
    updatedAt: iso(updatedAtMs),
    processedAt: iso(processedAtMs),
    cancelledAt: cancelledAtMs === null ? null : iso(cancelledAtMs),
    cancelReason: cancelled ? rng.pick(CANCEL_REASONS) : null,
    closed: closedAtMs !== null,
    closedAt: closedAtMs === null ? null : iso(closedAtMs),
    confirmed: true,
    test: false,
    sourceName: "web",
    displayFinancialStatus: financial,
    displayFulfillmentStatus: fulfillmentStatus,
    tags,
    note: rng.chance(0.08) ? rng.pick(ORDER_NOTES) : null,
    customAttributes: [],
    currencyCode: currency,
    presentmentCurrencyCode: currency,
    discountCode: discount?.code ?? null,
    discountCodes: discount ? [discount.code] : [],
    subtotalLineItemsQuantity: drafts.reduce((s, d) => s + d.quantity, 0),
    subtotalPriceSet: moneyBag(subtotal, currency),
    totalPriceSet: moneyBag(totalCents, currency),
    currentTotalPriceSet: moneyBag(currentTotalCents, currency),
    totalDiscountsSet: moneyBag(discountTotal, currency),
    totalTaxSet: moneyBag(taxCents, currency),
    totalShippingPriceSet: moneyBag(shippingCents, currency),
    totalRefundedSet: moneyBag(refundedCents, currency),
    customer: ref("Customer", customer.id),
    shippingAddress: address,
    billingAddress: address,
    shippingLine,
    shippingLines: [shippingLine],
    fulfillments,
    refunds,
    lineItems,
    fulfillmentOrders: [fulfillmentOrder],
  };
}
