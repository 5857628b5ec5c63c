// Exact decimal sums for the sum_window check (Shopify amounts vs numeric).
import { describe, expect, it } from "vitest";
import { addDecimal, normalizeDecimal, subtractDecimal } from "../../../../f/lib/validate/decimal.ts";
import { defaultWindow } from "../../../../f/lib/validate/index.ts";

describe("decimal sums", () => {
  it("adds amounts of any scale without float error", () => {
    let sum = "0";
    for (let i = 0; i < 10; i++) sum = addDecimal(sum, "0.1");
    expect(sum).toBe("1");
    expect(addDecimal("19.99", "0.015")).toBe("20.005");
    expect(addDecimal("-5.5", "2.25")).toBe("-3.25");
    expect(subtractDecimal("712.0000", "712")).toBe("0");
    expect(subtractDecimal("100", "100.01")).toBe("-0.01");
    expect(normalizeDecimal("10.5000")).toBe("10.5");
    expect(normalizeDecimal("0.000")).toBe("0");
    expect(() => addDecimal("1e3", "1")).toThrow(/not a decimal/);
  });

  it("samples the 24 h that end just after the orders watermark", () => {
    expect(defaultWindow(new Date("2026-11-27T17:12:10.500Z"))).toEqual({ start: "2026-11-26T17:12:11Z", end: "2026-11-27T17:12:11Z" });
    expect(defaultWindow(null)).toBeNull();
  });
});
