import type { Redis } from "ioredis";

/** Renew only while we still hold the key, atomically. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * One active scheduler: a Redis key with a TTL. The leader renews it every ttl/3;
 * standbys try to take it on the same beat, so a dead leader is replaced within ~ttl.
 */
export class LeaderLease {
  private held = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly id: string,
    readonly ttlMs: number,
  ) {}

  get isLeader(): boolean {
    return this.held;
  }

  /** Acquire or renew; returns whether we lead after this call. */
  async tick(): Promise<boolean> {
    try {
      if (this.held) {
        this.held = (await this.redis.eval(RENEW, 1, this.key, this.id, String(this.ttlMs))) === 1;
      }
      if (!this.held) {
        this.held = (await this.redis.set(this.key, this.id, "PX", this.ttlMs, "NX")) === "OK";
      }
    } catch {
      this.held = false;
    }
    return this.held;
  }

  async release(): Promise<void> {
    if (this.held) await this.redis.eval(RELEASE, 1, this.key, this.id).catch(() => {});
    this.held = false;
  }
}
