import { describe, expect, it } from "vitest";
import { scheduleCron } from "../../../local/scheduler/cron.ts";

const next = (cron: string, tz: string, after: string, version?: string) => scheduleCron(cron, tz, version).nextRun(new Date(after))?.toISOString();

describe("schedule crons", () => {
  it("have a seconds field", () => {
    expect(next("*/15 * * * * *", "UTC", "2026-06-01T12:00:07Z")).toBe("2026-06-01T12:00:15.000Z");
    expect(next("30 0 12 * * *", "UTC", "2026-06-01T12:00:00Z")).toBe("2026-06-01T12:00:30.000Z");
  });

  it("03:00 America/New_York stays 03:00 local across both DST changes", () => {
    // EST (UTC-5) until 2026-03-08 02:00, then EDT (UTC-4) until 2026-11-01 02:00
    expect(next("0 0 3 * * *", "America/New_York", "2026-03-07T00:00:00Z")).toBe("2026-03-07T08:00:00.000Z");
    expect(next("0 0 3 * * *", "America/New_York", "2026-03-07T12:00:00Z")).toBe("2026-03-08T07:00:00.000Z");
    expect(next("0 0 3 * * *", "America/New_York", "2026-10-31T12:00:00Z")).toBe("2026-11-01T08:00:00.000Z");
  });

  it("reads the day of week as Windmill's parser does: v2 from Sunday=0, v1 (no cron_version) from Sunday=1", () => {
    // 2026-11-28 is a Saturday
    expect(next("0 0 9 * * 1", "UTC", "2026-11-28T12:00:00Z", "v2")).toBe("2026-11-30T09:00:00.000Z"); // Monday
    expect(next("0 0 9 * * 1", "UTC", "2026-11-28T12:00:00Z")).toBe("2026-11-29T09:00:00.000Z"); // Sunday
    expect(next("0 0 9 * * MON", "UTC", "2026-11-28T12:00:00Z")).toBe("2026-11-30T09:00:00.000Z");
  });

  it("refuses 5-field crons, naming the 6-field form", () => {
    expect(() => scheduleCron("0 12 * * *", "UTC")).toThrow('cron "0 12 * * *" has 5 fields; Windmill schedules need 6 (seconds first), e.g. "0 0 12 * * *"');
  });

  it("refuses bad fields and timezones", () => {
    expect(() => scheduleCron("0 0 25 * * *", "UTC")).toThrow(/cron "0 0 25 \* \* \*"/);
    expect(() => scheduleCron("0 0 3 * * *", "Europe/Atlantis")).toThrow('timezone "Europe/Atlantis" is not an IANA timezone');
  });
});

