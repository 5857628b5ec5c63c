// The resources the daily sync exports, and what each needs: its bulk query,
// whether it is windowed by updated_at (inventory levels are a full snapshot),
// the overlap added before its watermark, the scopes it needs, and an optional
// sort key (off by default: see f/lib/shopify/bulk/queries.ts).
import { CUSTOMERS_BULK_QUERY, INVENTORY_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY, withSortKey, type BulkSortKey } from "../shopify/bulk/queries.ts";
import { gql } from "../shopify/gql.ts";
import { updatedAtFilter, type SyncWindow } from "./windows.ts";

export const SYNC_RESOURCES = ["orders", "products", "customers", "inventory_levels"] as const;
export type SyncResource = (typeof SYNC_RESOURCES)[number];

const HOUR_MS = 3_600_000;

export interface ResourceSpec {
  name: SyncResource;
  /** Access scopes the export needs (checked at the start of a run). */
  scopes: readonly string[];
  /** False: every run exports everything (no updated_at filter, no window to split). */
  windowed: boolean;
  /** Re-exported before the watermark, for late writes and clock skew. */
  overlapMs: number;
  sortKey?: BulkSortKey;
  /** Earliest createdAt of the resource: where a first run or a full refresh starts. */
  earliestQuery?: string;
  earliestRoot?: string;
}

export const RESOURCE_SPECS: Record<SyncResource, ResourceSpec> = {
  orders: {
    name: "orders",
    // Orders older than 60 days need read_all_orders (SPEC §6).
    scopes: ["read_orders", "read_all_orders"],
    windowed: true,
    overlapMs: HOUR_MS,
    earliestRoot: "orders",
    earliestQuery: gql`
      query FirstOrder {
        orders(first: 1, sortKey: CREATED_AT) {
          edges {
            node {
              createdAt
            }
          }
        }
      }
    `,
  },
  products: {
    name: "products",
    scopes: ["read_products"],
    windowed: true,
    overlapMs: HOUR_MS,
    earliestRoot: "products",
    earliestQuery: gql`
      query FirstProduct {
        products(first: 1, sortKey: CREATED_AT) {
          edges {
            node {
              createdAt
            }
          }
        }
      }
    `,
  },
  customers: {
    name: "customers",
    scopes: ["read_customers"],
    windowed: true,
    // Shopify documents the customers updated_at filter as "matching a whole day": overlap a day.
    overlapMs: 24 * HOUR_MS,
    earliestRoot: "customers",
    earliestQuery: gql`
      query FirstCustomer {
        customers(first: 1, sortKey: CREATED_AT) {
          edges {
            node {
              createdAt
            }
          }
        }
      }
    `,
  },
  inventory_levels: {
    name: "inventory_levels",
    scopes: ["read_inventory", "read_locations"],
    windowed: false,
    overlapMs: 0,
  },
};

/** The bulk query for one window of a resource. */
export function bulkQueryFor(spec: ResourceSpec, window: SyncWindow): string {
  if (!spec.windowed) return INVENTORY_BULK_QUERY;
  const filter = updatedAtFilter(window);
  const document = spec.name === "orders" ? ORDERS_BULK_QUERY(filter) : spec.name === "products" ? PRODUCTS_BULK_QUERY(filter) : CUSTOMERS_BULK_QUERY(filter);
  return spec.sortKey ? withSortKey(document, spec.sortKey) : document;
}

/** Scopes a set of resources needs, deduplicated, in a stable order. */
export function scopesFor(resources: readonly SyncResource[]): string[] {
  return [...new Set(resources.flatMap((r) => RESOURCE_SPECS[r].scopes))];
}
