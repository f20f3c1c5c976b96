import type { Redis } from "ioredis";
import { FanoutError } from "@fanout/validators";

/**
 * Token bucket per tenant, refilled continuously at `rate` tokens/s up to `burst`.
 * Redis TIME keeps every API replica on one clock; the whole step is one script.
 */
const TAKE = `
local rate = tonumber(ARGV[1]); local burst = tonumber(ARGV[2]); local cost = tonumber(ARGV[3])
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst; local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens)}`;

export interface RateLimitPolicy {
  ratePerSec: number;
  burst: number;
}

/** IETF RateLimit / RateLimit-Policy headers (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitHeaders(policy: RateLimitPolicy, remaining: number): Record<string, string> {
  const window = Math.max(1, Math.ceil(policy.burst / policy.ratePerSec));
  const reset = Math.max(0, Math.ceil((policy.burst - remaining) / policy.ratePerSec));
  return {
    "RateLimit-Policy": `"submit";q=${policy.burst};w=${window}`,
    RateLimit: `"submit";r=${Math.floor(remaining)};t=${reset}`,
  };
}

export async function takeSubmitToken(redis: Redis, key: string, policy: RateLimitPolicy): Promise<Record<string, string>> {
  if (policy.ratePerSec <= 0) {
    throw new FanoutError(429, "submit_rate_exceeded", "Your tenant's submit rate is 0: submissions are disabled. Ask an admin to raise the quota.", undefined, { "Retry-After": "60" });
  }
  const [allowed, left] = (await redis.eval(TAKE, 1, key, String(policy.ratePerSec), String(policy.burst), "1")) as [number, string];
  const remaining = Number(left);
  const headers = rateLimitHeaders(policy, remaining);
  if (allowed !== 1) {
    const retryAfter = Math.max(1, Math.ceil((1 - remaining) / policy.ratePerSec));
    throw new FanoutError(
      429,
      "submit_rate_exceeded",
      `Too many submissions: your tenant may submit ${policy.ratePerSec} jobs/s (bursts of ${policy.burst}). Retry after ${retryAfter} s.`,
      undefined,
      { ...headers, "Retry-After": String(retryAfter) },
    );
  }
  return headers;
}
