// The sync's bulk queries: valid against the 2026-10 schema, no sortKey by
// default, and the sort-key option still valid.
import { describe, expect, it } from "vitest";
import { validateDocument } from "../../../../../local/sim/schema.ts";
import { validateBulkQuery } from "../../../../../local/sim/bulk/validate.ts";
import { CUSTOMERS_BULK_QUERY, INVENTORY_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY, withSortKey } from "../../../../../f/lib/shopify/bulk/queries.ts";
import { bulkQueryFor, RESOURCE_SPECS } from "../../../../../f/lib/sync/resources.ts";

const FILTER = "updated_at:>='2026-11-27T00:00:00Z' AND updated_at:<'2026-11-28T00:00:00Z'";
const WINDOWED = [ORDERS_BULK_QUERY(FILTER), PRODUCTS_BULK_QUERY(FILTER), CUSTOMERS_BULK_QUERY(FILTER)];

describe("bulk queries", () => {
  it("validate against the schema and Shopify's bulk rules, without a sort key", () => {
    for (const q of [...WINDOWED, INVENTORY_BULK_QUERY]) {
      expect(validateDocument(q)).toEqual([]);
      expect(validateBulkQuery(q).ok).toBe(true);
      expect(q).not.toContain("sortKey");
    }
  });

  it("withSortKey adds the sort key to the root connection only, and stays valid", () => {
    for (const q of WINDOWED) {
      const sorted = withSortKey(q, "UPDATED_AT");
      expect(sorted.match(/sortKey/g)).toHaveLength(1);
      expect(sorted).toMatch(/^\s*\{\s*\w+\(query: ".*", sortKey: UPDATED_AT\)/);
      expect(validateDocument(sorted)).toEqual([]);
    }
    expect(() => withSortKey(INVENTORY_BULK_QUERY, "UPDATED_AT")).toThrow(/no query argument/);
  });

  it("the per-resource option is honoured", () => {
    const window = { start: "2026-11-27T00:00:00Z", end: "2026-11-28T00:00:00Z" };
    expect(bulkQueryFor(RESOURCE_SPECS.orders, window)).not.toContain("sortKey");
    expect(bulkQueryFor({ ...RESOURCE_SPECS.orders, sortKey: "UPDATED_AT" }, window)).toContain("sortKey: UPDATED_AT");
    expect(bulkQueryFor(RESOURCE_SPECS.inventory_levels, { start: null, end: null })).toBe(INVENTORY_BULK_QUERY);
  });
});
