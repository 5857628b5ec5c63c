// Each classification dimension, table-driven, with the default rules and
// with edited ones.
import { describe, expect, it } from "vitest";
import {
  attributesOf,
  customerType,
  DEFAULT_RULES,
  destination,
  orderStatus,
  priority,
  productionType,
  shippingLinesOf,
  valueTier,
  type LineFacts,
  type Rules,
} from "../../../../f/lib/classify/index.ts";

const rules = DEFAULT_RULES;
const stock: LineFacts = { productTags: ["bestseller"], attributes: [] };
const customTagged: LineFacts = { productTags: ["Custom"], attributes: [] };
const designAttr: LineFacts = { productTags: [], attributes: [{ key: "Design", value: "DSN-00042" }] };
const emptyDesign: LineFacts = { productTags: [], attributes: [{ key: "design", value: "" }] };
const otherAttr: LineFacts = { productTags: [], attributes: [{ key: "gift_note", value: "hi" }] };

describe("production_type", () => {
  it.each([
    ["no lines", [], "stock"],
    ["stock lines only", [stock, otherAttr], "stock"],
    ["a product tagged custom (any case)", [customTagged], "custom"],
    ["a line attribute naming a design", [designAttr], "custom"],
    ["custom and design lines", [customTagged, designAttr], "custom"],
    ["custom and stock lines", [customTagged, stock], "mixed"],
    ["an empty design attribute is not a design", [emptyDesign, stock], "stock"],
  ] as const)("%s -> %s", (_name, lines, expected) => {
    expect(productionType(lines as readonly LineFacts[], rules)).toBe(expected);
  });

  it("follows edited tags and attribute keys", () => {
    const edited: Rules = { ...rules, customProductTags: ["personalised"], designAttributeKeys: ["artwork"] };
    expect(productionType([customTagged], edited)).toBe("stock");
    expect(productionType([{ productTags: ["Personalised"], attributes: [] }], edited)).toBe("custom");
    expect(productionType([{ productTags: [], attributes: [{ key: "Artwork", value: "a.png" }] }, stock], edited)).toBe("mixed");
  });
});

describe("priority", () => {
  it.each([
    ["no tag, standard shipping", [], [{ title: "Standard", code: "STANDARD" }], "standard"],
    ["rush tag", ["gift", "RUSH"], [], "rush"],
    ["express shipping title", [], [{ title: "Express", code: "EXPRESS" }], "rush"],
    ["express only in the code", [], [{ title: "Next day", code: "ups_express_saver" }], "rush"],
    ["a removed express line", [], [{ title: "Express", isRemoved: true }], "standard"],
    ["no shipping lines", ["gift"], [], "standard"],
  ] as const)("%s -> %s", (_name, tags, lines, expected) => {
    expect(priority(tags, lines, rules)).toBe(expected);
  });
});

describe("value_tier (inclusive thresholds, shop currency)", () => {
  it.each([
    [0, "low"],
    [99.9999, "low"],
    [100, "mid"],
    [499.99, "mid"],
    [500, "high"],
    [12_000, "high"],
  ] as const)("%s -> %s", (total, expected) => {
    expect(valueTier(total, rules)).toBe(expected);
  });

  it("follows edited thresholds", () => {
    expect(valueTier(300, { ...rules, highMin: 250 })).toBe("high");
    expect(valueTier(60, { ...rules, midMin: 50 })).toBe("mid");
  });
});

describe("destination", () => {
  it.each([
    ["CA", "CA", "domestic"],
    ["ca", "CA", "domestic"],
    ["US", "CA", "international"],
    [null, "CA", "domestic"],
    ["", "CA", "domestic"],
  ] as const)("%s shipped from %s -> %s", (country, shop, expected) => {
    expect(destination(country, shop)).toBe(expected);
  });
});

describe("customer_type", () => {
  it.each([
    ["wholesale customer tag", ["Wholesale"], [], false, "wholesale"],
    ["wholesale order tag (guest)", [], ["wholesale"], false, "wholesale"],
    ["wholesale wins over returning", ["wholesale"], [], true, "wholesale"],
    ["earlier order", ["vip"], [], true, "returning"],
    ["first order", ["newsletter"], [], false, "new"],
  ] as const)("%s -> %s", (_name, customerTags, orderTags, earlier, expected) => {
    expect(customerType(customerTags, orderTags, earlier, rules)).toBe(expected);
  });
});

describe("status", () => {
  it.each([
    [{ cancelledAt: "2026-01-01T00:00:00Z", financialStatus: "REFUNDED", fulfillmentStatus: "FULFILLED" }, "cancelled"],
    [{ cancelledAt: null, financialStatus: "REFUNDED", fulfillmentStatus: "FULFILLED" }, "refunded"],
    [{ cancelledAt: null, financialStatus: "PARTIALLY_REFUNDED", fulfillmentStatus: "FULFILLED" }, "fulfilled"],
    [{ cancelledAt: null, financialStatus: "PAID", fulfillmentStatus: "PARTIALLY_FULFILLED" }, "open"],
    [{ cancelledAt: null, financialStatus: "PENDING", fulfillmentStatus: "UNFULFILLED" }, "open"],
  ] as const)("%j -> %s", (order, expected) => {
    expect(orderStatus(order)).toBe(expected);
  });
});

describe("reading payloads defensively", () => {
  it.each([
    ["shippingLine object", { shippingLine: { title: "Express", code: "X" } }, [{ title: "Express", code: "X", isRemoved: false }]],
    ["shippingLines list", { shippingLines: [{ title: "A" }, "junk"] }, [{ title: "A", code: null, isRemoved: false }]],
    ["connection edges and nodes", { shippingLines: { edges: [{ node: { title: "E" } }], nodes: [{ code: "N", isRemoved: true }] } }, [{ title: "E", code: null, isRemoved: false }, { title: null, code: "N", isRemoved: true }]],
    ["absent", {}, []],
    ["not an object", null, []],
  ] as const)("shipping lines: %s", (_name, payload, expected) => {
    expect(shippingLinesOf(payload)).toEqual(expected);
  });

  it("reads line attributes, skipping malformed ones", () => {
    expect(attributesOf({ customAttributes: [{ key: "Design", value: "D1" }, { key: 3 }, { key: "k", value: 5 }, null] })).toEqual([
      { key: "Design", value: "D1" },
      { key: "k", value: null },
    ]);
    expect(attributesOf({ customAttributes: "nope" })).toEqual([]);
  });
});
