export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform delay in
 * [0, min(max, base * 2^(attempt-1))]. Full jitter spreads a burst of failures so
 * retries do not arrive in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * exp);
}
