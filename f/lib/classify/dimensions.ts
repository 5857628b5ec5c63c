// One pure function per classification dimension of an order (SPEC S3).
// f/lib/marts/sql.ts computes the same rules set-based in SQL for the
// refresh; tests hold the two to each other.
import type { Rules } from "./rules.ts";

export type ProductionType = "custom" | "stock" | "mixed";
export type Priority = "rush" | "standard";
export type ValueTier = "high" | "mid" | "low";
export type Destination = "domestic" | "international";
export type CustomerType = "wholesale" | "returning" | "new";
export type OrderStatus = "open" | "fulfilled" | "cancelled" | "refunded";

export interface Attribute {
  key: string;
  value: string | null;
}

export interface LineFacts {
  /** Tags of the line's product (none when the product is not in the mirror; a soft-deleted product keeps its tags). */
  productTags: readonly string[];
  /** The line's customAttributes. */
  attributes: readonly Attribute[];
}

export interface ShippingLineFacts {
  title?: string | null;
  code?: string | null;
  isRemoved?: boolean | null;
}

const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());
const hasAny = (values: readonly string[], wanted: readonly string[]) => lower(values).some((v) => wanted.includes(v));

/** A line needs artwork: its product carries a custom tag, or an attribute names a design. */
export function lineNeedsArtwork(line: LineFacts, rules: Rules): boolean {
  if (hasAny(line.productTags, rules.customProductTags)) return true;
  return line.attributes.some((a) => rules.designAttributeKeys.includes(a.key.toLowerCase()) && (a.value ?? "") !== "");
}

/** custom: every line needs artwork; mixed: some do; stock: none do (or no lines). */
export function productionType(lines: readonly LineFacts[], rules: Rules): ProductionType {
  const custom = lines.filter((l) => lineNeedsArtwork(l, rules)).length;
  if (custom === 0) return "stock";
  return custom === lines.length ? "custom" : "mixed";
}

/** A shipping line is express when its title or code contains an express keyword. */
export function isExpress(line: ShippingLineFacts, rules: Rules): boolean {
  if (line.isRemoved) return false;
  const text = `${line.title ?? ""} ${line.code ?? ""}`.toLowerCase();
  return rules.expressShippingKeywords.some((k) => text.includes(k));
}

/** rush: a rush tag on the order or an express shipping line. */
export function priority(orderTags: readonly string[], shippingLines: readonly ShippingLineFacts[], rules: Rules): Priority {
  return hasAny(orderTags, rules.rushOrderTags) || shippingLines.some((s) => isExpress(s, rules)) ? "rush" : "standard";
}

/** By the order total in shop currency; thresholds are inclusive. */
export function valueTier(totalPrice: number, rules: Rules): ValueTier {
  if (totalPrice >= rules.highMin) return "high";
  return totalPrice >= rules.midMin ? "mid" : "low";
}

/** No shipping address (pickup, digital) counts as domestic. */
export function destination(shippingCountryCode: string | null | undefined, shopCountryCode: string): Destination {
  return !shippingCountryCode || shippingCountryCode.toUpperCase() === shopCountryCode.toUpperCase() ? "domestic" : "international";
}

/**
 * wholesale: a wholesale tag on the customer (or on the order, for guest
 * checkouts); returning: the customer placed an earlier order (by
 * processed_at, then id; test and deleted orders do not count); else new.
 */
export function customerType(customerTags: readonly string[], orderTags: readonly string[], hasEarlierOrder: boolean, rules: Rules): CustomerType {
  if (hasAny(customerTags, rules.wholesaleTags) || hasAny(orderTags, rules.wholesaleTags)) return "wholesale";
  return hasEarlierOrder ? "returning" : "new";
}

/** cancelled > refunded (fully) > fulfilled (fully) > open. */
export function orderStatus(order: { cancelledAt: string | Date | null; financialStatus: string | null; fulfillmentStatus: string | null }): OrderStatus {
  if (order.cancelledAt) return "cancelled";
  if (order.financialStatus === "REFUNDED") return "refunded";
  return order.fulfillmentStatus === "FULFILLED" ? "fulfilled" : "open";
}
