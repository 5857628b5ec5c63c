/**
 * The store: generated records (pure functions of seed and index) plus overlays for what
 * changed since (mutations, time travel). Memory grows with changes, not with store size.
 */
import { LOCATIONS } from "./catalog.ts";
import { SimClock } from "./clock.ts";
import { resolveStoreConfig, type StoreOptions } from "./config.ts";
import { CustomerMapping, customerBasics, customerRecord, type CustomerBasics } from "./customers.ts";
import { decodeGid, gid, legacyId, SLOTS } from "./ids.ts";
import { centsOf, type MoneyBag } from "./money.ts";
import { baseOrderCreatedAt, generateOrder, type OrderSources } from "./orders.ts";
import { inventoryLevelRecord, productBasics, productRecord, type ProductBasics } from "./products.ts";
import { iso, type SimNode, type StoreConfig } from "./types.ts";

export type { StoreOptions } from "./config.ts";

export interface MetafieldRecord extends SimNode {
  namespace: string;
  key: string;
  value: string;
  type: string;
}

export class Store {
  readonly cfg: StoreConfig;
  readonly clock: SimClock;
  private readonly customerMapping: CustomerMapping;
  /** Catalogue basics are reused by every order line; the catalogue is small and bounded. */
  private readonly productCache = new Map<number, ProductBasics>();
  private readonly orderSources: OrderSources;
  /** Creation times of orders made by time travel (index baseOrders + k). */
  private readonly newOrderTimes: number[] = [];
  private readonly orderPatches = new Map<number, Partial<SimNode>>();
  private readonly productPatches = new Map<number, Partial<SimNode>>();
  private readonly customerPatches = new Map<number, Partial<SimNode>>();
  private readonly inventoryPatches = new Map<string, Partial<SimNode>>();
  private readonly deletedOrders = new Set<number>();
  private readonly deletedProducts = new Set<number>();
  private readonly metafields = new Map<string, Map<string, MetafieldRecord>>();
  private metafieldSeq = 0;

  constructor(options: StoreOptions = {}) {
    this.cfg = resolveStoreConfig(options);
    this.clock = new SimClock(this.cfg.nowMs);
    this.customerMapping = new CustomerMapping(this.cfg.customers);
    this.orderSources = {
      cfg: this.cfg,
      product: (p) => this.productBasics(p),
      customerOfOrder: (i) => customerBasics(this.cfg, this.customerMapping.customerOfOrder(i)),
    };
  }

  // ---- orders ------------------------------------------------------------

  /** Size of the order index space, deleted orders included. */
  get orderSlots(): number {
    return this.cfg.baseOrders + this.newOrderTimes.length;
  }

  orderCreatedAt(i: number): number {
    return i < this.cfg.baseOrders ? baseOrderCreatedAt(this.cfg, i) : this.newOrderTimes[i - this.cfg.baseOrders]!;
  }

  /** The order as it is now, or undefined if it does not exist (deleted or out of range). */
  order(i: number): SimNode | undefined {
    if (i < 0 || i >= this.orderSlots || this.deletedOrders.has(i)) return undefined;
    return this.orderUnchecked(i);
  }

  private orderUnchecked(i: number): SimNode {
    const createdAtMs = this.orderCreatedAt(i);
    const horizon = i < this.cfg.baseOrders ? this.cfg.nowMs : createdAtMs + 1000;
    const base = generateOrder(this.orderSources, i, createdAtMs, horizon);
    const patch = this.orderPatches.get(i);
    return patch ? ({ ...base, ...patch } as SimNode) : base;
  }

  /** Indices of orders whose updatedAt was changed after generation (for search planning). */
  patchedOrderIndexes(): number[] {
    return [...this.orderPatches.keys()].sort((a, b) => a - b);
  }

  patchOrder(i: number, patch: Partial<SimNode>): SimNode {
    this.orderPatches.set(i, { ...this.orderPatches.get(i), ...patch });
    return this.orderUnchecked(i);
  }

  addOrder(createdAtMs: number): number {
    const last = this.orderSlots > 0 ? this.orderCreatedAt(this.orderSlots - 1) : 0;
    // Creation times stay increasing in the index so time filters can binary-search.
    this.newOrderTimes.push(Math.max(createdAtMs, last + 1000));
    return this.orderSlots - 1;
  }

  deleteOrder(i: number): void {
    this.deletedOrders.add(i);
  }

  /** First order index whose createdAt >= t (binary search; creation time grows with the index). */
  firstOrderAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.orderSlots;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.orderCreatedAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  orderCount(): number {
    return this.orderSlots - this.deletedOrders.size;
  }

  // ---- catalogue -----------------------------------------------------------

  productBasics(p: number): ProductBasics {
    let basics = this.productCache.get(p);
    if (!basics) {
      basics = productBasics(this.cfg, p);
      this.productCache.set(p, basics);
    }
    return basics;
  }

  product(p: number): SimNode | undefined {
    if (p < 0 || p >= this.cfg.products || this.deletedProducts.has(p)) return undefined;
    const base = productRecord(this.cfg, this.productBasics(p));
    const patch = this.productPatches.get(p);
    return patch ? ({ ...base, ...patch } as SimNode) : base;
  }

  patchProduct(p: number, patch: Partial<SimNode>): SimNode {
    this.lastProduct = null;
    this.productPatches.set(p, { ...this.productPatches.get(p), ...patch });
    return this.product(p)!;
  }

  deleteProduct(p: number): void {
    this.lastProduct = null;
    this.deletedProducts.add(p);
  }

  productCount(): number {
    return this.cfg.products - this.deletedProducts.size;
  }

  /** One-entry memo: variant scans visit all variants of a product in a row. */
  private lastProduct: { p: number; record: SimNode | undefined } | null = null;

  variant(variantIndex: number): SimNode | undefined {
    const p = Math.floor(variantIndex / SLOTS.variants);
    if (p >= this.cfg.products || variantIndex % SLOTS.variants >= this.productBasics(p).variants.length) return undefined;
    if (this.lastProduct?.p !== p) this.lastProduct = { p, record: this.product(p) };
    const variants = this.lastProduct.record?.variants as SimNode[] | undefined;
    return variants?.find((v) => v.id === gid("ProductVariant", variantIndex));
  }

  // ---- customers -----------------------------------------------------------

  customerBasics(c: number): CustomerBasics {
    return customerBasics(this.cfg, c);
  }

  customer(c: number): SimNode | undefined {
    if (c < 0 || c >= this.cfg.customers) return undefined;
    let numberOfOrders = 0;
    let amountSpentCents = 0;
    let firstOrderAtMs: number | null = null;
    let lastOrderAtMs: number | null = null;
    const first = this.customerMapping.firstOrderOf(c);
    if (first < this.orderSlots) firstOrderAtMs = this.orderCreatedAt(first);
    for (const i of this.customerMapping.ordersOf(c, this.orderSlots)) {
      const order = this.order(i);
      if (!order) continue;
      numberOfOrders++;
      amountSpentCents += centsOf(order.currentTotalPriceSet as MoneyBag);
      lastOrderAtMs = this.orderCreatedAt(i);
    }
    const base = customerRecord(this.cfg, customerBasics(this.cfg, c), { numberOfOrders, amountSpentCents, firstOrderAtMs, lastOrderAtMs });
    const patch = this.customerPatches.get(c);
    return patch ? ({ ...base, ...patch } as SimNode) : base;
  }

  patchCustomer(c: number, patch: Partial<SimNode>): SimNode {
    this.customerPatches.set(c, { ...this.customerPatches.get(c), ...patch });
    return this.customer(c)!;
  }

  customerCount(): number {
    return this.cfg.customers;
  }

  // ---- locations and inventory ---------------------------------------------

  location(l: number): SimNode | undefined {
    const spec = LOCATIONS[l];
    if (!spec) return undefined;
    const shopCountry = this.cfg.shop.countryCode;
    return {
      __typename: "Location",
      id: gid("Location", l),
      legacyResourceId: legacyId("Location", l),
      name: spec.name,
      isActive: spec.isActive,
      isFulfillmentService: false,
      fulfillsOnlineOrders: spec.isActive,
      hasActiveInventory: spec.isActive,
      shipsInventory: l === 0,
      deactivatedAt: spec.isActive ? null : iso(this.cfg.startMs),
      createdAt: iso(this.cfg.startMs - 400 * 86_400_000),
      updatedAt: iso(this.cfg.startMs),
      address: { __typename: "LocationAddress", address1: `${100 + l} Industrial Way`, address2: null, city: null, countryCode: shopCountry, zip: null, province: null, provinceCode: null, phone: null },
      inventoryLevels: this.inventoryLevelsAt(l),
    };
  }

  locationCount(): number {
    return LOCATIONS.length;
  }

  private inventoryLevelsAt(l: number): SimNode[] {
    const levels: SimNode[] = [];
    for (let p = 0; p < this.cfg.products; p++) {
      if (this.deletedProducts.has(p)) continue;
      for (const variant of this.productBasics(p).variants) {
        const level = inventoryLevelRecord(this.cfg, l, variant);
        if (!level) continue;
        const patch = this.inventoryPatches.get(level.id);
        levels.push(patch ? ({ ...level, ...patch } as SimNode) : level);
      }
    }
    return levels;
  }

  patchInventoryLevel(levelId: string, patch: Partial<SimNode>): void {
    this.inventoryPatches.set(levelId, { ...this.inventoryPatches.get(levelId), ...patch });
  }

  // ---- metafields ----------------------------------------------------------

  metafieldsOf(ownerId: string): MetafieldRecord[] {
    return [...(this.metafields.get(ownerId)?.values() ?? [])];
  }

  setMetafield(ownerId: string, namespace: string, key: string, type: string, value: string): MetafieldRecord {
    let owned = this.metafields.get(ownerId);
    if (!owned) this.metafields.set(ownerId, (owned = new Map()));
    const existing = owned.get(`${namespace}.${key}`);
    const now = iso(this.clock.now());
    const record: MetafieldRecord = {
      __typename: "Metafield",
      id: existing?.id ?? gid("Metafield", ++this.metafieldSeq),
      namespace,
      key,
      type,
      value,
      ownerType: decodeGid(ownerId)?.kind.toUpperCase() ?? null,
      owner: { __ref: decodeGid(ownerId)?.kind ?? "Node", id: ownerId },
      compareDigest: Buffer.from(`${namespace}.${key}:${value}`).toString("base64url").slice(0, 32),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    owned.set(`${namespace}.${key}`, record);
    return record;
  }

  // ---- lookup by id ----------------------------------------------------------

  /** Any node we generate, by GID; null when it does not exist. */
  node(id: string): SimNode | null {
    const decoded = decodeGid(id);
    if (!decoded || decoded.index < 0) return null;
    const { kind, index } = decoded;
    switch (kind) {
      case "Order":
        return this.order(index) ?? null;
      case "Product":
        return this.product(index) ?? null;
      case "ProductVariant":
        return this.variant(index) ?? null;
      case "InventoryItem":
        return (this.variant(index)?.inventoryItem as SimNode | undefined) ?? null;
      case "Customer":
        return this.customer(index) ?? null;
      case "Location":
        return this.location(index) ?? null;
      case "LineItem":
        return this.childOfOrder(Math.floor(index / SLOTS.lineItems), "lineItems", id);
      case "FulfillmentOrder":
        return this.childOfOrder(index, "fulfillmentOrders", id);
      case "Fulfillment":
        return this.childOfOrder(Math.floor(index / SLOTS.fulfillments), "fulfillments", id);
      case "Refund":
        return this.childOfOrder(Math.floor(index / SLOTS.refunds), "refunds", id);
      default:
        return null;
    }
  }

  private childOfOrder(orderIndex: number, field: string, id: string): SimNode | null {
    const children = this.order(orderIndex)?.[field] as SimNode[] | undefined;
    return children?.find((child) => child.id === id) ?? null;
  }
}
