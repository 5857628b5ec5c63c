// Retry delays exactly as Windmill computes them (windmill-common flows.rs
// `Retry::interval`): constant attempts first, then exponential ones of
// multiplier * seconds ^ (previous attempts + 1), jittered by up to
// random_factor percent up or down, in whole seconds.
import type { RetrySpec } from "./types.ts";

/** Windmill caps any retry wait at 6 hours. */
const MAX_RETRY_INTERVAL_S = 6 * 3600;

/**
 * Seconds to wait before the next attempt after `previousAttempts` failed
 * retries (0 after the first failure), or undefined when retries are used up.
 */
export function retryDelaySeconds(retry: RetrySpec | undefined, previousAttempts: number, random: () => number = Math.random): number | undefined {
  const constant = { attempts: retry?.constant?.attempts ?? 0, seconds: retry?.constant?.seconds ?? 0 };
  const exp = {
    attempts: retry?.exponential?.attempts ?? 0,
    multiplier: retry?.exponential?.multiplier ?? 1,
    seconds: retry?.exponential?.seconds ?? 0,
    random_factor: retry?.exponential?.random_factor ?? 0,
  };
  if (previousAttempts < constant.attempts) return Math.min(constant.seconds, MAX_RETRY_INTERVAL_S);
  if (previousAttempts - constant.attempts >= exp.attempts) return undefined;
  let secs = exp.multiplier * exp.seconds ** (previousAttempts + 1);
  if (exp.random_factor > 0) {
    // rand::random_range(0..min(rf, 100)) then + or - that percentage, integer arithmetic
    const component = Math.floor(random() * Math.min(exp.random_factor, 100));
    const shift = Math.floor((secs * component) / 100);
    secs = random() < 0.5 ? secs + shift : Math.max(0, secs - shift);
  }
  return Math.min(secs, MAX_RETRY_INTERVAL_S);
}

export function maxAttempts(retry: RetrySpec | undefined): number {
  return (retry?.constant?.attempts ?? 0) + (retry?.exponential?.attempts ?? 0);
}
