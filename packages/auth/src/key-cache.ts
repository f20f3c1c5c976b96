// API-key authentication for the REST hot path: the key row is read over a plain pg pool
// (Prisma costs ~0.7 ms of client CPU per query, and its relation select took two queries)
// and verified keys are kept in memory for a few seconds, so a client sending thousands of
// requests a second costs one lookup per key per TTL instead of one per request.
//
// Revocation must still apply at once in every web process: whoever revokes a key (or
// suspends a tenant) publishes on a Redis channel and every process drops the entry. The
// TTL is the backstop for a missed message; while the subscription is down nothing is
// served from the cache. Only the SHA-256 of a key is ever held, never the secret.
import { createHash, timingSafeEqual } from "node:crypto";
import { parseApiKey } from "./api-keys";
import { LAST_USED_RESOLUTION_MS, type ApiKeyPrincipal } from "./authenticate";

/** The slice of a pg Pool used here (structural, so @fanout/auth needs no pg import). */
export interface SqlPool {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: any[] }>;
}

/** The slice of ioredis used here: publish on the main connection, a duplicate to subscribe. */
export interface RedisPubSub {
  publish(channel: string, message: string): Promise<unknown>;
  duplicate(): RedisSubscriber;
}
export interface RedisSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  quit(): Promise<unknown>;
}

/** What changed: one key (revoked), or every key of a tenant (suspended, resumed). */
export type ApiKeyChange = { keyId: string } | { tenantId: string };

export interface ApiKeyAuthOptions {
  pool: SqlPool;
  redis: RedisPubSub;
  /** Pub/sub channel shared by every process of one deployment (e.g. `<queue prefix>:api-keys`). */
  channel: string;
  /** How long a verified key is trusted without a lookup (default 5 s). */
  ttlMs?: number;
  /** Clock (tests). */
  now?: () => number;
  /** Called when a background write or the subscription fails (never with a secret). */
  onError?: (err: unknown, what: string) => void;
}

export interface ApiKeyAuth {
  /** The key's principal, or null when malformed, unknown, wrong, revoked, expired or its tenant is suspended. */
  authenticate(rawKey: string): Promise<ApiKeyPrincipal | null>;
  /** Drops this process's entries at once, then tells every other process (awaits the publish). */
  changed(change: ApiKeyChange): Promise<void>;
  /** Resolves once invalidations are being received (the cache is only used from then on). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  id: string;
  tenantId: string;
  scopes: string[];
  hash: Buffer;
  /** Trusted until this time (ms): the TTL, or the key's expiry if sooner. */
  until: number;
  /** Last lastUsedAt written or read (ms), to write it at most once a minute. */
  lastUsedAt: number;
}

interface KeyRow {
  id: string;
  tenantId: string;
  hash: string;
  scopes: string[];
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  tenantStatus: string;
}

const KEY_BY_PREFIX = {
  name: "fanout_api_key_by_prefix",
  text: `SELECT k.id, k."tenantId", k.hash, k.scopes, k."revokedAt", k."expiresAt", k."lastUsedAt", t.status::text AS "tenantStatus"
    FROM api_keys k JOIN tenants t ON t.id = k."tenantId" WHERE k.prefix = $1`,
};
// The guard keeps other processes (each throttling on its own) from writing in the same minute.
const TOUCH = {
  name: "fanout_api_keys_touch",
  text: `UPDATE api_keys k SET "lastUsedAt" = u.at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
    WHERE k.id = u.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" <= u.at - make_interval(secs => $3::float8 / 1000))`,
};

const MAX_ENTRIES = 10_000;
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function createApiKeyAuth(opts: ApiKeyAuthOptions): ApiKeyAuth {
  const ttlMs = opts.ttlMs ?? 5000;
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? (() => {});
  const cache = new Map<string, Entry>(); // by key prefix (unique, not secret)
  const inflight = new Map<string, { gen: number; p: Promise<KeyRow | undefined> }>();
  // Bumped by every invalidation: a lookup that started before one must not cache its
  // (possibly pre-revocation) row.
  let generation = 0;
  let live = false;
  let closed = false;

  const drop = (change?: ApiKeyChange) => {
    generation++;
    if (!change) return cache.clear();
    for (const [prefix, e] of cache) {
      if ("keyId" in change ? e.id === change.keyId : e.tenantId === change.tenantId) cache.delete(prefix);
    }
  };

  // --- invalidation channel -------------------------------------------------------------
  const sub = opts.redis.duplicate();
  const subscribe = () =>
    sub.subscribe(opts.channel).then(
      () => { if (!closed) { drop(); live = true; } }, // anything cached before may have missed a message
      (err) => onError(err, "api key invalidation subscribe"),
    );
  let subscribed = subscribe();
  sub.on("message", (channel: string, message: string) => {
    if (channel !== opts.channel) return;
    try {
      const change = JSON.parse(message) as Partial<{ keyId: string; tenantId: string }>;
      if (typeof change.keyId === "string") drop({ keyId: change.keyId });
      else if (typeof change.tenantId === "string") drop({ tenantId: change.tenantId });
      else drop();
    } catch {
      drop();
    }
  });
  // Messages published while disconnected are lost: stop trusting the cache until resubscribed.
  let lost = false;
  sub.on("close", () => { live = false; lost = true; drop(); });
  sub.on("ready", () => {
    if (!lost || closed) return;
    lost = false;
    subscribed = subscribe();
  });
  sub.on("error", (err: unknown) => onError(err, "api key invalidation subscriber"));

  // --- lastUsedAt: written in the background, one statement for whatever accumulated -----
  const pendingTouch = new Map<string, number>();
  let touching = false;
  const flushTouches = async () => {
    touching = true;
    while (pendingTouch.size && !closed) {
      const batch = [...pendingTouch];
      pendingTouch.clear();
      await opts.pool
        .query({ ...TOUCH, values: [batch.map(([id]) => id), batch.map(([, at]) => new Date(at)), LAST_USED_RESOLUTION_MS] })
        .catch((err) => onError(err, "api key lastUsedAt update"));
    }
    touching = false;
  };
  const touch = (id: string, at: number) => {
    pendingTouch.set(id, at);
    if (!touching) setImmediate(() => void flushTouches());
  };

  // --- lookup ---------------------------------------------------------------------------
  const lookup = (prefix: string): Promise<KeyRow | undefined> => {
    // Concurrent misses for one key (a cold cache under load) share a single query, but
    // never one that started before an invalidation: it may have read the row before it.
    const joined = inflight.get(prefix);
    if (joined && joined.gen === generation) return joined.p;
    const p = opts.pool.query({ ...KEY_BY_PREFIX, values: [prefix] }).then((r) => r.rows[0] as KeyRow | undefined);
    const mine = { gen: generation, p };
    inflight.set(prefix, mine);
    void p.finally(() => { if (inflight.get(prefix) === mine) inflight.delete(prefix); }).catch(() => {});
    return p;
  };

  const principal = (e: Entry, t: number): ApiKeyPrincipal => {
    if (t - e.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      e.lastUsedAt = t;
      touch(e.id, t);
    }
    return { keyId: e.id, tenantId: e.tenantId, scopes: e.scopes };
  };

  async function authenticate(rawKey: string): Promise<ApiKeyPrincipal | null> {
    const key = rawKey.trim();
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const digest = sha256(key);
    const cached = cache.get(parsed.prefix);
    if (cached && live && now() < cached.until) {
      // The prefix is public: the secret must still match, in constant time.
      return timingSafeEqual(digest, cached.hash) ? principal(cached, now()) : null;
    }
    const gen = generation;
    const row = await lookup(parsed.prefix);
    if (!row) return null;
    const hash = Buffer.from(row.hash, "hex");
    if (hash.length !== digest.length || !timingSafeEqual(digest, hash)) return null;
    const t = now();
    const expires = row.expiresAt ? row.expiresAt.getTime() : Infinity;
    if (row.revokedAt || expires <= t || row.tenantStatus !== "active") {
      cache.delete(parsed.prefix);
      return null;
    }
    const entry: Entry = { id: row.id, tenantId: row.tenantId, scopes: row.scopes, hash, until: Math.min(t + ttlMs, expires), lastUsedAt: row.lastUsedAt?.getTime() ?? -Infinity };
    if (live && gen === generation) {
      if (cache.size >= MAX_ENTRIES) cache.clear(); // a bound, not an LRU: real deployments have far fewer live keys
      cache.set(parsed.prefix, entry);
    }
    return principal(entry, t);
  }

  return {
    authenticate,
    async changed(change) {
      drop(change);
      await opts.redis.publish(opts.channel, JSON.stringify(change));
    },
    async ready() {
      await subscribed;
    },
    async close() {
      closed = true;
      live = false;
      cache.clear();
      await sub.quit().catch(() => {});
    },
  };
}
