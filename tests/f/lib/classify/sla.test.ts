// The SLA clock: business days in the shop timezone, weekends and holidays
// skipped, rush halved (rounded up), DST-correct.
import { describe, expect, it } from "vitest";
import { addBusinessDays, classifyOrder, DEFAULT_RULES, shopDay, slaBusinessDays, type Rules } from "../../../../f/lib/classify/index.ts";

const NY = "America/New_York";
const cal = { weekendDays: [0, 6], holidays: [] as string[] };

describe("SLA business days", () => {
  it.each([
    ["stock", "standard", 2],
    ["stock", "rush", 1],
    ["custom", "standard", 5],
    ["custom", "rush", 3],
    ["mixed", "standard", 5],
    ["mixed", "rush", 3],
  ] as const)("%s + %s -> %i", (production, prio, days) => {
    expect(slaBusinessDays(production, prio, DEFAULT_RULES)).toBe(days);
  });

  it("uses the edited day counts and divisor", () => {
    const rules: Rules = { ...DEFAULT_RULES, stockBusinessDays: 3, customBusinessDays: 7, rushDivisor: 3 };
    expect(slaBusinessDays("stock", "rush", rules)).toBe(1);
    expect(slaBusinessDays("custom", "rush", rules)).toBe(3);
    expect(slaBusinessDays("custom", "standard", rules)).toBe(7);
  });
});

describe("due date (addBusinessDays)", () => {
  it.each([
    // [case, processed (UTC), days, tz, holidays, due (UTC)]
    ["Monday + 2 keeps the time of day", "2026-11-16T15:00:00Z", 2, NY, [], "2026-11-18T15:00:00Z"],
    ["Friday + 2 skips the weekend", "2026-11-20T15:00:00Z", 2, NY, [], "2026-11-24T15:00:00Z"],
    ["Friday + 1 (rush stock) is Monday", "2026-11-20T15:00:00Z", 1, NY, [], "2026-11-23T15:00:00Z"],
    ["Saturday starts Monday 00:00", "2026-11-21T15:00:00Z", 2, NY, [], "2026-11-25T05:00:00Z"],
    ["Sunday starts Monday 00:00", "2026-11-22T23:00:00Z", 1, NY, [], "2026-11-24T05:00:00Z"],
    ["Monday + 5 (custom) is next Monday", "2026-11-16T15:00:00Z", 5, NY, [], "2026-11-23T15:00:00Z"],
    ["Monday + 3 (rush custom) is Thursday", "2026-11-16T15:00:00Z", 3, NY, [], "2026-11-19T15:00:00Z"],
    ["0 days on a business day is now", "2026-11-16T15:00:00Z", 0, NY, [], "2026-11-16T15:00:00Z"],
    ["a holiday is skipped", "2026-11-25T15:00:00Z", 2, NY, ["2026-11-26"], "2026-11-30T15:00:00Z"],
    ["processed on a holiday starts the next business day", "2026-11-26T19:00:00Z", 1, NY, ["2026-11-26", "2026-11-27"], "2026-12-01T05:00:00Z"],
    ["the shop day, not the UTC day: Monday 22:00 in New York", "2026-11-17T03:00:00Z", 2, NY, [], "2026-11-19T03:00:00Z"],
    ["DST ends over the weekend: same local time, one hour later in UTC", "2026-10-30T14:00:00Z", 2, NY, [], "2026-11-03T15:00:00Z"],
    ["DST starts over the weekend: one hour earlier in UTC", "2026-03-06T15:00:00Z", 2, NY, [], "2026-03-10T14:00:00Z"],
    ["southern hemisphere DST (Sydney, starts 4 Oct 2026)", "2026-10-01T23:00:00Z", 2, "Australia/Sydney", [], "2026-10-05T22:00:00Z"],
    ["a due time in a weekday DST gap takes the offset before it (Jerusalem, 27 Mar 2026 02:00)", "2026-03-25T00:30:00Z", 2, "Asia/Jerusalem", [], "2026-03-27T00:30:00Z"],
    ["UTC shop", "2026-11-20T23:59:59Z", 1, "UTC", [], "2026-11-23T23:59:59Z"],
  ] as const)("%s", (_name, processed, days, tz, holidays, due) => {
    expect(addBusinessDays(new Date(processed), days, tz, { ...cal, holidays: [...holidays] }).toISOString()).toBe(new Date(due).toISOString());
  });

  it("honours other weekends (Friday-Saturday)", () => {
    // Thursday 2026-11-19 10:00 in Dubai (+04) + 1 business day -> Sunday 10:00
    expect(addBusinessDays(new Date("2026-11-19T06:00:00Z"), 1, "Asia/Dubai", { weekendDays: [5, 6], holidays: [] }).toISOString()).toBe("2026-11-22T06:00:00.000Z");
  });

  it("refuses a calendar without business days", () => {
    expect(() => addBusinessDays(new Date(), 1, NY, { weekendDays: [0, 1, 2, 3, 4, 5, 6], holidays: [] })).toThrow(/every day/);
  });

  it("buckets the shop day in the shop timezone", () => {
    expect(shopDay(new Date("2026-11-17T03:00:00Z"), NY)).toBe("2026-11-16");
    expect(shopDay(new Date("2026-11-17T03:00:00Z"), "Asia/Tokyo")).toBe("2026-11-17");
  });
});

describe("classifyOrder", () => {
  it("puts the dimensions and the SLA together", () => {
    const c = classifyOrder(
      {
        processedAt: new Date("2026-11-20T15:00:00Z"),
        tags: ["rush"],
        totalPrice: 640,
        shippingCountryCode: "US",
        shippingLines: [],
        lines: [{ productTags: ["custom"], attributes: [] }, { productTags: [], attributes: [] }],
        customerTags: [],
        hasEarlierOrder: true,
        cancelledAt: null,
        financialStatus: "PAID",
        fulfillmentStatus: "UNFULFILLED",
      },
      { ...DEFAULT_RULES, holidays: ["2026-11-24"] },
      { timezone: NY, countryCode: "CA" },
    );
    expect(c).toEqual({
      productionType: "mixed",
      priority: "rush",
      valueTier: "high",
      destination: "international",
      customerType: "returning",
      status: "open",
      slaBusinessDays: 3,
      // Fri + 3 business days, skipping the weekend and Tuesday's holiday
      dueAt: new Date("2026-11-26T15:00:00Z"),
    });
  });
});
