import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, nextAttempt } from "../../../../f/lib/shopify/retry.ts";

const noJitter = { ...DEFAULT_POLICY, jitter: 0 };

describe("Shopify retry policy", () => {
  it("retries THROTTLED (HTTP 200) until the bucket holds the requested cost", () => {
    const d = nextAttempt(
      { status: 200, codes: ["THROTTLED"], cost: { requestedQueryCost: 752, throttleStatus: { currentlyAvailable: 666, restoreRate: 50 } } },
      1,
      noJitter,
    );
    expect(d).toEqual({ retry: true, delayMs: 1720, reason: "THROTTLED" });
  });

  it("honours Retry-After in seconds on 429", () => {
    expect(nextAttempt({ status: 429, retryAfterSeconds: 2 }, 1, noJitter)).toEqual({ retry: true, delayMs: 2000, reason: "HTTP 429" });
  });

  it("backs off exponentially on 5xx and network errors, capped", () => {
    const delays = [1, 2, 3, 4].map((a) => (nextAttempt({ status: 502 }, a, noJitter) as { delayMs: number }).delayMs);
    expect(delays).toEqual([500, 1000, 2000, 4000]);
    expect(nextAttempt({ networkError: "ECONNRESET" }, 1, noJitter)).toMatchObject({ retry: true, reason: "network error (ECONNRESET)" });
    expect((nextAttempt({ status: 503 }, 7, { ...noJitter, maxAttempts: 20 }) as { delayMs: number }).delayMs).toBe(30_000);
  });

  it("jitter spreads the delay below the nominal value", () => {
    const low = nextAttempt({ status: 500 }, 2, DEFAULT_POLICY, () => 0) as { delayMs: number };
    const high = nextAttempt({ status: 500 }, 2, DEFAULT_POLICY, () => 1) as { delayMs: number };
    expect(low.delayMs).toBe(750);
    expect(high.delayMs).toBe(1000);
  });

  it("does not retry real errors, or after the last attempt", () => {
    expect(nextAttempt({ status: 200, codes: ["ACCESS_DENIED"] }, 1)).toEqual({ retry: false });
    expect(nextAttempt({ status: 200, codes: [] }, 1)).toEqual({ retry: false });
    expect(nextAttempt({ status: 400 }, 1)).toEqual({ retry: false });
    expect(nextAttempt({ status: 503 }, DEFAULT_POLICY.maxAttempts)).toEqual({ retry: false });
  });
});
