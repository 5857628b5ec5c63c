// Order classification (SPEC S3) as pure functions: one order's facts in,
// its classification and SLA out. The refresh (f/lib/marts) runs the same
// rules in SQL over the whole mirror; this is the reference it is tested
// against, and what code that classifies one order at a time should call.
//
// The rules (thresholds and tags from classification_rules, all tag and
// keyword matches case-insensitive):
//  * production_type: custom when every line needs artwork (its product has
//    a custom tag, or a line attribute whose key names a design has a value),
//    mixed when some do, stock otherwise (and for an order without lines);
//  * priority: rush for a rush order tag or a shipping line (not removed)
//    whose title or code contains an express keyword; else standard;
//  * value_tier: the order total in shop currency, >= high_min high,
//    >= mid_min mid, else low;
//  * destination: domestic when the shipping country is the shop's (or
//    there is no shipping address), else international;
//  * customer_type: wholesale (tag on the customer or the order), returning
//    (the customer has an earlier order), new;
//  * status: cancelled > refunded (fully) > fulfilled (fully) > open;
//  * SLA: see sla.ts (2 business days for stock, 5 for custom or mixed,
//    rush ceil(n / 2), in the shop timezone, weekends and holidays skipped).
import {
  customerType,
  destination,
  orderStatus,
  priority,
  productionType,
  valueTier,
  type CustomerType,
  type Destination,
  type LineFacts,
  type OrderStatus,
  type Priority,
  type ProductionType,
  type ShippingLineFacts,
  type ValueTier,
} from "./dimensions.ts";
import type { Rules } from "./rules.ts";
import { addBusinessDays, slaBusinessDays } from "./sla.ts";

export * from "./dimensions.ts";
export * from "./rules.ts";
export * from "./sla.ts";
export * from "./payload.ts";

export interface ShopCalendar {
  timezone: string;
  countryCode: string;
}

export interface OrderFacts {
  processedAt: Date;
  tags: readonly string[];
  totalPrice: number;
  shippingCountryCode: string | null;
  shippingLines: readonly ShippingLineFacts[];
  lines: readonly LineFacts[];
  customerTags: readonly string[];
  hasEarlierOrder: boolean;
  cancelledAt: string | Date | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
}

export interface Classification {
  productionType: ProductionType;
  priority: Priority;
  valueTier: ValueTier;
  destination: Destination;
  customerType: CustomerType;
  status: OrderStatus;
  slaBusinessDays: number;
  dueAt: Date;
}

export function classifyOrder(order: OrderFacts, rules: Rules, shop: ShopCalendar): Classification {
  const production = productionType(order.lines, rules);
  const prio = priority(order.tags, order.shippingLines, rules);
  const days = slaBusinessDays(production, prio, rules);
  return {
    productionType: production,
    priority: prio,
    valueTier: valueTier(order.totalPrice, rules),
    destination: destination(order.shippingCountryCode, shop.countryCode),
    customerType: customerType(order.customerTags, order.tags, order.hasEarlierOrder, rules),
    status: orderStatus(order),
    slaBusinessDays: days,
    dueAt: addBusinessDays(order.processedAt, days, shop.timezone, rules),
  };
}
