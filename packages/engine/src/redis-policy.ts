import type { Redis } from "ioredis";
import type { Logger } from "./types";

/**
 * An evicting Redis silently drops queued tasks and locks. Postgres would let the
 * reconciler recover, but only after leases lapse, so refuse to start instead.
 */
export async function assertRedisPolicy(redis: Redis, logger: Logger): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    policy = reply[1];
  } catch (err) {
    logger.warn({ err }, "could not read Redis maxmemory-policy (CONFIG disabled?); assuming noeviction");
    return;
  }
  if (policy && policy !== "noeviction") {
    throw new Error(`Redis maxmemory-policy is "${policy}"; Fanout needs "noeviction" (set maxmemory-policy noeviction in redis.conf or run CONFIG SET maxmemory-policy noeviction).`);
  }
}
