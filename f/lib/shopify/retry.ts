// Our retry policy for Admin API calls. @shopify/admin-api-client does not
// retry THROTTLED (it arrives with HTTP 200), reads Retry-After as
// milliseconds (Shopify/shopify-app-js#3364) and never retries 500/502, so
// every call goes through `nextAttempt` instead.

export interface AttemptResult {
  /** HTTP status, or undefined when the request never got a response. */
  status?: number;
  /** GraphQL error codes from a 200 body. */
  codes?: string[];
  retryAfterSeconds?: number;
  cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable?: number; restoreRate?: number } };
  networkError?: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1: share of each delay that is random, so parallel callers spread out. */
  jitter: number;
}

export const DEFAULT_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, jitter: 0.25 };

export type Decision = { retry: false } | { retry: true; delayMs: number; reason: string };

/** Whether to retry after attempt number `attempt` (1-based), and how long to wait. */
export function nextAttempt(r: AttemptResult, attempt: number, policy = DEFAULT_POLICY, random = Math.random): Decision {
  const reason = transientReason(r);
  if (!reason || attempt >= policy.maxAttempts) return { retry: false };
  let delay: number;
  if (reason === "THROTTLED" && r.cost?.throttleStatus?.restoreRate) {
    // Wait until the bucket holds what the query asked for.
    const { currentlyAvailable = 0, restoreRate } = r.cost.throttleStatus;
    const need = (r.cost.requestedQueryCost ?? 50) - currentlyAvailable;
    delay = Math.max(250, (need / restoreRate) * 1000);
  } else if (r.retryAfterSeconds !== undefined) {
    delay = r.retryAfterSeconds * 1000;
  } else {
    delay = policy.baseDelayMs * 2 ** (attempt - 1);
  }
  delay = Math.min(policy.maxDelayMs, delay);
  delay = delay * (1 - policy.jitter) + delay * policy.jitter * random();
  return { retry: true, delayMs: Math.round(delay), reason };
}

function transientReason(r: AttemptResult): string | undefined {
  if (r.networkError !== undefined) return `network error (${r.networkError})`;
  if (r.status === 429) return "HTTP 429";
  if (r.status !== undefined && r.status >= 500) return `HTTP ${r.status}`;
  if (r.codes?.includes("THROTTLED")) return "THROTTLED";
  if (r.codes?.includes("INTERNAL_SERVER_ERROR")) return "INTERNAL_SERVER_ERROR";
  return undefined;
}
