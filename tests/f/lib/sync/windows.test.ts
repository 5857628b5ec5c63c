// Half-open updated_at windows: where they start and end, how they split.
import { describe, expect, it } from "vitest";
import { planWindow, sameWindow, splitWindow, updatedAtFilter } from "../../../../f/lib/sync/windows.ts";

const NOW = Date.parse("2026-11-28T03:00:00.700Z");
const HOUR = 3_600_000;

describe("planWindow", () => {
  it("starts at watermark - overlap and ends at now - skew, in whole seconds", () => {
    expect(planWindow({ now: NOW, skewMs: 120_000, overlapMs: HOUR, watermark: new Date("2026-11-27T03:00:05.250Z"), earliest: null })).toEqual({
      start: "2026-11-27T02:00:05Z",
      end: "2026-11-28T02:58:00Z",
    });
  });

  it("a first run or a full refresh starts at the resource's first record; since overrides both", () => {
    const earliest = new Date("2025-01-02T03:04:05Z");
    expect(planWindow({ now: NOW, overlapMs: HOUR, watermark: null, earliest })?.start).toBe("2025-01-02T03:04:05Z");
    expect(planWindow({ now: NOW, overlapMs: HOUR, watermark: new Date("2026-11-01T00:00:00Z"), earliest, fullRefresh: true })?.start).toBe("2025-01-02T03:04:05Z");
    expect(planWindow({ now: NOW, overlapMs: HOUR, watermark: new Date("2026-11-01T00:00:00Z"), earliest, since: new Date("2026-06-01T00:00:00Z") })?.start).toBe("2026-06-01T00:00:00Z");
  });

  it("nothing to export: an empty resource, or a start at or after the end", () => {
    expect(planWindow({ now: NOW, overlapMs: HOUR, watermark: null, earliest: null })).toBeNull();
    expect(planWindow({ now: NOW, overlapMs: 0, watermark: null, earliest: null, since: new Date(NOW) })).toBeNull();
  });
});

describe("splitWindow", () => {
  it("halves a window at a whole second, the halves sharing the midpoint (half-open, no gap, no overlap)", () => {
    const [a, b] = splitWindow({ start: "2026-11-01T00:00:00Z", end: "2026-11-01T00:00:03Z" }, 0)!;
    expect(a).toEqual({ start: "2026-11-01T00:00:00Z", end: "2026-11-01T00:00:01Z" });
    expect(b).toEqual({ start: "2026-11-01T00:00:01Z", end: "2026-11-01T00:00:03Z" });
  });

  it("refuses windows narrower than the minimum and unwindowed snapshots", () => {
    expect(splitWindow({ start: "2026-11-01T00:00:00Z", end: "2026-11-01T00:00:59Z" }, 60_000)).toBeNull();
    expect(splitWindow({ start: null, end: null })).toBeNull();
  });
});

describe("filters", () => {
  it("is Shopify's search syntax with an inclusive start and an exclusive end", () => {
    expect(updatedAtFilter({ start: "2026-11-27T00:00:00Z", end: "2026-11-28T00:00:00Z" })).toBe("updated_at:>='2026-11-27T00:00:00Z' AND updated_at:<'2026-11-28T00:00:00Z'");
    expect(() => updatedAtFilter({ start: null, end: null })).toThrow(/both window bounds/);
  });

  it("compares windows by instant, whatever their representation", () => {
    expect(sameWindow({ start: new Date("2026-11-27T00:00:00Z"), end: null }, { start: "2026-11-27T00:00:00.000Z", end: null })).toBe(true);
    expect(sameWindow({ start: "2026-11-27T00:00:00Z", end: null }, { start: "2026-11-27T00:00:01Z", end: null })).toBe(false);
  });
});
