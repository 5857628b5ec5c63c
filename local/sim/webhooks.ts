/**
 * Signed webhook deliveries, shaped like Shopify's: REST-style JSON payloads and the
 * X-Shopify-* headers, HMAC-SHA256 of the raw body with the app secret, base64.
 */
import { createHmac, randomUUID } from "node:crypto";
import { decodeGid } from "./store/ids.ts";
import type { SimNode } from "./store/types.ts";

type Json = Record<string, unknown>;
type Money = { shopMoney: { amount: string } };

const amount = (m: unknown) => (m as Money | null)?.shopMoney.amount ?? "0.00";
const numericId = (id: unknown) => (typeof id === "string" ? decodeGid(id)?.numericId ?? null : null);
const refIdNum = (r: unknown) => numericId((r as { id?: string } | null)?.id);

function restAddress(a: unknown): Json | null {
  if (!a) return null;
  const x = a as Json;
  return { first_name: x.firstName, last_name: x.lastName, name: x.name, company: x.company ?? null, address1: x.address1, address2: x.address2 ?? null, city: x.city, province: x.province, province_code: x.provinceCode, country: x.country, country_code: x.countryCodeV2, zip: x.zip, phone: x.phone ?? null };
}

export function restOrder(o: SimNode): Json {
  const lines = (o.lineItems as SimNode[]) ?? [];
  return {
    id: numericId(o.id),
    admin_graphql_api_id: o.id,
    name: o.name,
    order_number: Number(String(o.name).replace("#", "")),
    email: o.email,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    processed_at: o.processedAt,
    cancelled_at: o.cancelledAt,
    cancel_reason: typeof o.cancelReason === "string" ? o.cancelReason.toLowerCase() : null,
    closed_at: o.closedAt,
    financial_status: String(o.displayFinancialStatus).toLowerCase(),
    fulfillment_status: o.displayFulfillmentStatus === "FULFILLED" ? "fulfilled" : o.displayFulfillmentStatus === "PARTIALLY_FULFILLED" ? "partial" : null,
    currency: o.currencyCode,
    presentment_currency: o.presentmentCurrencyCode,
    subtotal_price: amount(o.subtotalPriceSet),
    total_price: amount(o.totalPriceSet),
    current_total_price: amount(o.currentTotalPriceSet),
    total_discounts: amount(o.totalDiscountsSet),
    total_tax: amount(o.totalTaxSet),
    total_shipping_price_set: o.totalShippingPriceSet,
    tags: ((o.tags as string[]) ?? []).join(", "),
    note: o.note,
    test: o.test,
    discount_codes: ((o.discountCodes as string[]) ?? []).map((code) => ({ code, type: "percentage" })),
    customer: o.customer ? { id: refIdNum(o.customer), admin_graphql_api_id: (o.customer as { id: string }).id, email: o.email } : null,
    shipping_address: restAddress(o.shippingAddress),
    billing_address: restAddress(o.billingAddress),
    shipping_lines: ((o.shippingLines as SimNode[]) ?? []).map((s) => ({ id: numericId(s.id), title: s.title, code: s.code, source: s.source, price: amount(s.originalPriceSet) })),
    line_items: lines.map((l) => ({
      id: numericId(l.id),
      admin_graphql_api_id: l.id,
      name: l.name,
      title: l.title,
      variant_title: l.variantTitle,
      sku: l.sku,
      vendor: l.vendor,
      quantity: l.quantity,
      current_quantity: l.currentQuantity,
      fulfillable_quantity: l.unfulfilledQuantity,
      price: amount(l.originalUnitPriceSet),
      total_discount: amount(l.totalDiscountSet),
      product_id: refIdNum(l.product),
      variant_id: refIdNum(l.variant),
      properties: ((l.customAttributes as { key: string; value: string }[]) ?? []).map((a) => ({ name: a.key, value: a.value })),
    })),
    fulfillments: ((o.fulfillments as SimNode[]) ?? []).map((f) => {
      const tracking = (f.trackingInfo as { company: string | null; number: string | null; url: string | null }[]) ?? [];
      return { id: numericId(f.id), admin_graphql_api_id: f.id, name: f.name, status: String(f.status).toLowerCase(), created_at: f.createdAt, updated_at: f.updatedAt, tracking_company: tracking[0]?.company ?? null, tracking_number: tracking[0]?.number ?? null, tracking_numbers: tracking.map((t) => t.number), tracking_url: tracking[0]?.url ?? null };
    }),
    refunds: ((o.refunds as SimNode[]) ?? []).map((r) => ({ id: numericId(r.id), admin_graphql_api_id: r.id, created_at: r.createdAt, note: r.note, total_refunded: amount(r.totalRefundedSet) })),
  };
}

export function restProduct(p: SimNode): Json {
  return {
    id: numericId(p.id),
    admin_graphql_api_id: p.id,
    title: p.title,
    handle: p.handle,
    body_html: p.descriptionHtml,
    vendor: p.vendor,
    product_type: p.productType,
    status: String(p.status).toLowerCase(),
    tags: ((p.tags as string[]) ?? []).join(", "),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    published_at: p.publishedAt,
    variants: ((p.variants as SimNode[]) ?? []).map((v) => ({ id: numericId(v.id), admin_graphql_api_id: v.id, product_id: numericId(p.id), title: v.title, sku: v.sku, price: v.price, compare_at_price: v.compareAtPrice, position: v.position, inventory_quantity: v.inventoryQuantity, inventory_item_id: numericId((v.inventoryItem as SimNode).id), created_at: v.createdAt, updated_at: v.updatedAt })),
  };
}

export function restInventoryLevel(level: SimNode): Json {
  const available = ((level.quantities as { name: string; quantity: number }[]) ?? []).find((q) => q.name === "available")?.quantity ?? 0;
  return { inventory_item_id: refIdNum(level.item), location_id: refIdNum(level.location), available, updated_at: level.updatedAt, admin_graphql_api_id: level.id };
}

export function restCustomer(c: SimNode): Json {
  return { id: numericId(c.id), admin_graphql_api_id: c.id, first_name: c.firstName, last_name: c.lastName, email: (c.defaultEmailAddress as { emailAddress?: string } | null)?.emailAddress ?? null, tags: ((c.tags as string[]) ?? []).join(", "), created_at: c.createdAt, updated_at: c.updatedAt, orders_count: Number(c.numberOfOrders), state: String(c.state).toLowerCase() };
}

export function restBulkFinish(op: SimNode): Json {
  return { admin_graphql_api_id: op.id, completed_at: op.completedAt, created_at: op.createdAt, error_code: typeof op.errorCode === "string" ? op.errorCode.toLowerCase() : null, status: String(op.status).toLowerCase(), type: String(op.type).toLowerCase() };
}

/** REST payload of a record for a topic (deletes carry only the id, like Shopify). */
export function payloadFor(topic: string, record: SimNode): Json {
  if (topic.endsWith("/delete")) return { id: numericId(record.id) };
  switch (record.__typename) {
    case "Order":
      return restOrder(record);
    case "Product":
      return restProduct(record);
    case "Customer":
      return restCustomer(record);
    case "InventoryLevel":
      return restInventoryLevel(record);
    case "BulkOperation":
      return restBulkFinish(record);
    default:
      return { admin_graphql_api_id: record.id };
  }
}

export interface WebhookDelivery {
  topic: string;
  webhookId: string;
  status: number | null;
  error?: string;
}

export interface WebhookConfig {
  url: string | null;
  secret: string;
  shopDomain: string;
  apiVersion: string;
}

export function signWebhook(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(public config: WebhookConfig, private readonly now: () => number) {}

  /** Queues a delivery; deliveries go out one at a time, in order. */
  send(topic: string, record: SimNode): Promise<WebhookDelivery | null> {
    if (!this.config.url) return Promise.resolve(null);
    const url = this.config.url;
    const body = JSON.stringify(payloadFor(topic, record));
    const webhookId = randomUUID();
    const delivery = this.queue.then(async (): Promise<WebhookDelivery> => {
      const headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signWebhook(body, this.config.secret),
        "X-Shopify-Shop-Domain": this.config.shopDomain,
        "X-Shopify-API-Version": this.config.apiVersion,
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date(this.now()).toISOString(),
      };
      const result: WebhookDelivery = { topic, webhookId, status: null };
      try {
        const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(5000) });
        result.status = response.status;
        await response.body?.cancel();
      } catch (error) {
        result.error = (error as Error).message;
      }
      this.deliveries.push(result);
      if (this.deliveries.length > 1000) this.deliveries.shift();
      return result;
    });
    this.queue = delivery.then(() => undefined);
    return delivery;
  }

  /** Resolves when every queued delivery has been attempted. */
  idle(): Promise<void> {
    return this.queue;
  }
}
