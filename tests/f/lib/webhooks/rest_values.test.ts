// REST -> GraphQL value conversions: exact Decimal arithmetic (never floats),
// UTC timestamps, GIDs, and the REST order mapping's derived fields.
import { describe, expect, it } from "vitest";
import { decimalDivFloor, decimalOp, decimalText, gid, legacyId, moneyBag, tagList, utc } from "../../../../f/lib/webhooks/rest_values.ts";
import { orderNodes } from "../../../../f/lib/webhooks/rest_orders.ts";

describe("values", () => {
  it("Decimal text and arithmetic are exact", () => {
    expect(["10.00", "24.950", "7", "0.10", "-3.50"].map(decimalText)).toEqual(["10.0", "24.95", "7.0", "0.1", "-3.5"]);
    expect(() => decimalText("1e3")).toThrow(/not a decimal/);
    expect(decimalOp("0.1", "0.2", (a, b) => a + b)).toBe("0.3"); // 0.30000000000000004 in floats
    expect(decimalOp("100.0", "100.05", (a, b) => a - b)).toBe("-0.05");
    expect(decimalDivFloor("10.0", 3)).toBe("3.33");
    expect(decimalDivFloor("5.0", 4)).toBe("1.25");
  });

  it("timestamps, GIDs, tags and money bags", () => {
    expect(utc("2026-11-27T10:00:00-05:00")).toBe("2026-11-27T15:00:00Z");
    expect(utc(null)).toBeNull();
    expect(gid("Order", 450789469)).toBe("gid://shopify/Order/450789469");
    expect(gid("Order", "gid://shopify/Order/1")).toBe("gid://shopify/Order/1");
    expect(legacyId("gid://shopify/InventoryLevel/5?inventory_item_id=9")).toBe("5");
    expect(tagList("rush, vip ,, gift")).toEqual(["rush", "vip", "gift"]);
    expect(moneyBag(null, "12.50", "CAD", { currency: "CAD" })).toEqual({ shopMoney: { amount: "12.5", currencyCode: "CAD" }, presentmentMoney: { amount: "12.5", currencyCode: "CAD" } });
    expect(moneyBag({ shop_money: { amount: "12.50", currency_code: "CAD" }, presentment_money: { amount: "9.00", currency_code: "USD" } }, "12.50", "CAD", { currency: "USD" })).toEqual({
      shopMoney: { amount: "12.5", currencyCode: "CAD" },
      presentmentMoney: { amount: "9.0", currencyCode: "USD" },
    });
    expect(moneyBag(null, "12.50", "CAD", { currency: "USD" })).toEqual({ shopMoney: { amount: "12.5", currencyCode: "CAD" } });
  });
});

describe("orderNodes (a real-Shopify-shaped REST order)", () => {
  const rest = {
    id: 450789469,
    admin_graphql_api_id: "gid://shopify/Order/450789469",
    name: "#1001",
    created_at: "2026-11-20T09:00:00-05:00",
    updated_at: "2026-11-21T09:00:00-05:00",
    processed_at: "2026-11-20T09:00:00-05:00",
    cancelled_at: null,
    cancel_reason: null,
    closed_at: null,
    financial_status: "partially_refunded",
    fulfillment_status: "partial",
    currency: "CAD",
    presentment_currency: "CAD",
    total_price: "60.00",
    current_total_price: "50.00",
    subtotal_price: "55.00",
    total_discounts: "5.00",
    total_tax: "0.00",
    shipping_lines: [{ price: "10.00", discounted_price: "5.00" }],
    tags: "rush, wholesale",
    note: null,
    test: false,
    customer: { id: 207119551, email: "bob@example.com" },
    shipping_address: { address1: "1 Main St", city: "Ottawa", province: "Ontario", province_code: "ON", country: "Canada", country_code: "CA", zip: "K1A 0A1" },
    line_items: [{ id: 466157049, admin_graphql_api_id: "gid://shopify/LineItem/466157049", sku: "MUG-1", title: "Mug", variant_title: null, quantity: 3, current_quantity: 2, price: "20.00", total_discount: "5.00", product_id: 632910392, variant_id: 39072856 }],
    fulfillments: [{ id: 255858046, admin_graphql_api_id: "gid://shopify/Fulfillment/255858046", status: "success", shipment_status: "in_transit", created_at: "2026-11-21T08:00:00-05:00", updated_at: "2026-11-21T09:00:00-05:00", tracking_company: "UPS", tracking_numbers: ["1Z1", "1Z2"], tracking_urls: ["https://ups/1Z1", "https://ups/1Z2"] }],
    refunds: [{ id: 509562969, admin_graphql_api_id: "gid://shopify/Refund/509562969", created_at: "2026-11-21T09:00:00-05:00", note: "damaged", transactions: [{ kind: "refund", status: "success", amount: "10.00" }, { kind: "refund", status: "failure", amount: "99.00" }] }],
  };

  it("gives the fields of the bulk orders query, with GraphQL's enums, UTC times and Decimal money", () => {
    const { order, lineItems } = orderNodes(rest);
    expect(order).toMatchObject({
      id: "gid://shopify/Order/450789469",
      legacyResourceId: "450789469",
      updatedAt: "2026-11-21T14:00:00Z",
      displayFinancialStatus: "PARTIALLY_REFUNDED",
      displayFulfillmentStatus: "PARTIALLY_FULFILLED",
      tags: ["rush", "wholesale"],
      totalPriceSet: { shopMoney: { amount: "60.0", currencyCode: "CAD" }, presentmentMoney: { amount: "60.0", currencyCode: "CAD" } },
      totalShippingPriceSet: { shopMoney: { amount: "5.0", currencyCode: "CAD" } },
      totalRefundedSet: { shopMoney: { amount: "10.0", currencyCode: "CAD" } },
      customer: { id: "gid://shopify/Customer/207119551" },
      shippingAddress: { provinceCode: "ON", countryCodeV2: "CA", city: "Ottawa" },
    });
    expect(order.fulfillments).toEqual([
      {
        id: "gid://shopify/Fulfillment/255858046",
        status: "SUCCESS",
        displayStatus: "IN_TRANSIT",
        createdAt: "2026-11-21T13:00:00Z",
        updatedAt: "2026-11-21T14:00:00Z",
        trackingInfo: [
          { company: "UPS", number: "1Z1", url: "https://ups/1Z1" },
          { company: "UPS", number: "1Z2", url: "https://ups/1Z2" },
        ],
      },
    ]);
    expect(order.refunds).toEqual([{ id: "gid://shopify/Refund/509562969", createdAt: "2026-11-21T14:00:00Z", note: "damaged", totalRefundedSet: { shopMoney: { amount: "10.0", currencyCode: "CAD" } } }]);
    expect(lineItems).toEqual([
      {
        id: "gid://shopify/LineItem/466157049",
        __parentId: "gid://shopify/Order/450789469",
        sku: "MUG-1",
        title: "Mug",
        variantTitle: null,
        quantity: 3,
        currentQuantity: 2,
        variant: { id: "gid://shopify/ProductVariant/39072856" },
        product: { id: "gid://shopify/Product/632910392" },
        originalUnitPriceSet: { shopMoney: { amount: "20.0", currencyCode: "CAD" } },
        discountedUnitPriceSet: { shopMoney: { amount: "18.34", currencyCode: "CAD" } },
        totalDiscountSet: { shopMoney: { amount: "5.0", currencyCode: "CAD" } },
      },
    ]);
  });

  it("keeps what REST cannot say from the node we hold", () => {
    const held = { id: rest.admin_graphql_api_id, displayFulfillmentStatus: "ON_HOLD", fulfillments: [{ id: "gid://shopify/Fulfillment/1", displayStatus: "DELIVERED" }], totalPriceSet: { shopMoney: { amount: "60.0", currencyCode: "CAD" }, presentmentMoney: { amount: "44.0", currencyCode: "USD" } } };
    const { order } = orderNodes(
      { ...rest, fulfillment_status: null, presentment_currency: "USD", fulfillments: [{ id: 1, status: "success", created_at: rest.created_at, updated_at: rest.updated_at }] },
      { order: held, lineItems: new Map() },
    );
    expect(order.displayFulfillmentStatus).toBe("ON_HOLD");
    expect((order.fulfillments as any[])[0].displayStatus).toBe("DELIVERED");
    expect((order.totalPriceSet as any).presentmentMoney).toEqual({ amount: "44.0", currencyCode: "USD" });
    // Without shipment_status and nothing held: a successful fulfillment displays FULFILLED.
    const fresh = orderNodes({ ...rest, fulfillments: [{ id: 2, status: "success", created_at: rest.created_at, updated_at: rest.updated_at }] });
    expect((fresh.order.fulfillments as any[])[0]).toMatchObject({ displayStatus: "FULFILLED", trackingInfo: [] });
  });
});
