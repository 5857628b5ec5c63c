// Splitting a backfill range into half-open windows.
import { describe, expect, it } from "vitest";
import { splitRange } from "../../../../f/lib/backfill/plan.ts";

describe("splitRange", () => {
  it("covers [from, to) with consecutive windows, the last one shorter", () => {
    expect(splitRange("2026-01-01T00:00:00Z", "2026-01-08T12:00:00Z", 72)).toEqual([
      { start: "2026-01-01T00:00:00Z", end: "2026-01-04T00:00:00Z" },
      { start: "2026-01-04T00:00:00Z", end: "2026-01-07T00:00:00Z" },
      { start: "2026-01-07T00:00:00Z", end: "2026-01-08T12:00:00Z" },
    ]);
  });

  it("is empty for an empty range and one window for a range narrower than a window", () => {
    expect(splitRange("2026-01-02", "2026-01-02", 24)).toEqual([]);
    expect(splitRange("2026-01-01T00:00:00.700Z", "2026-01-01T06:00:00Z", 24)).toEqual([{ start: "2026-01-01T00:00:00Z", end: "2026-01-01T06:00:00Z" }]);
  });
});
