/**
 * Memo for values that are expensive to compute and fine to serve slightly stale: a live
 * job's partial reduction costs O(its succeeded items) in Postgres, and the job page's
 * event hub reads the job up to five times a second. Per key:
 *  - one computation at a time (concurrent readers share it);
 *  - after a computation that took d ms, the value is fresh for max(minFreshMs, costFactor × d),
 *    so recomputing one key keeps at most ~1/costFactor of one Postgres backend busy;
 *  - a stale value is served at once while a refresh runs in the background, so only the
 *    first read of a key ever waits for Postgres.
 * Bounded in size: the least recently computed key is dropped first.
 */
export interface LiveCacheOptions {
  minFreshMs?: number;
  costFactor?: number;
  maxKeys?: number;
  now?: () => number;
  /** A background refresh failed (the stale value stays until the next try). */
  onError?: (err: unknown, key: string) => void;
}

interface Entry<T> {
  value?: { v: T };
  freshUntil: number;
  inflight?: Promise<T>;
}

export class LiveCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly minFreshMs: number;
  private readonly costFactor: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown, key: string) => void;

  constructor(opts: LiveCacheOptions = {}) {
    this.minFreshMs = opts.minFreshMs ?? 2_000;
    this.costFactor = opts.costFactor ?? 10;
    this.maxKeys = opts.maxKeys ?? 500;
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => {});
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value when fresh; a stale one (refreshing behind it); else waits for compute. */
  async get(key: string, compute: () => Promise<T>): Promise<T> {
    const e = this.entries.get(key);
    if (e?.value && this.now() < e.freshUntil) return e.value.v;
    if (e?.value) {
      if (!e.inflight) this.start(key, e, compute).catch((err) => this.onError(err, key));
      return e.value.v;
    }
    if (e?.inflight) return e.inflight;
    const entry: Entry<T> = { freshUntil: 0 };
    this.entries.set(key, entry);
    this.evict();
    return this.start(key, entry, compute);
  }

  /** Forget a key (its job finished: the stored final value replaces the live one). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  private start(key: string, e: Entry<T>, compute: () => Promise<T>): Promise<T> {
    const began = this.now();
    const p = compute().then(
      (v) => {
        if (this.entries.get(key) === e) {
          e.value = { v };
          e.freshUntil = this.now() + Math.max(this.minFreshMs, this.costFactor * (this.now() - began));
          // Re-insert: Map order is then "least recently computed first" for eviction.
          this.entries.delete(key);
          this.entries.set(key, e);
        }
        e.inflight = undefined;
        return v;
      },
      (err: unknown) => {
        e.inflight = undefined;
        // A first computation that failed leaves nothing to serve: forget the key.
        if (!e.value && this.entries.get(key) === e) this.entries.delete(key);
        throw err;
      },
    );
    e.inflight = p;
    return p;
  }

  private evict(): void {
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}
