import type { EngineContext } from "./context";

const statsKey = (ctx: EngineContext) => `${ctx.prefix}:{stats}:handler-item-us`;

/** Mean observed microseconds per item for a handler, as workers last reported it. */
// Workers publish the means every few seconds, so a submit or an admission round may reuse
// a read for a second. "Never observed" is re-read sooner (200 ms): workers publish a
// handler's first mean as soon as they have it, and until admission sees it nothing of
// that handler is bundled (bundle.ts).
const observed = new WeakMap<EngineContext, Map<string, { at: number; ttl: number; v: Promise<number | undefined> }>>();

export function observedItemMicros(ctx: EngineContext, handler: string): Promise<number | undefined> {
  let byHandler = observed.get(ctx);
  if (!byHandler) observed.set(ctx, (byHandler = new Map()));
  const hit = byHandler.get(handler);
  if (hit && Date.now() - hit.at < hit.ttl) return hit.v;
  const entry = { at: Date.now(), ttl: 1000, v: Promise.resolve<number | undefined>(undefined) };
  entry.v = ctx.redis.hget(statsKey(ctx), handler).then(
    (s) => (s !== null && Number.isFinite(Number(s)) && Number(s) > 0 ? Number(s) : undefined),
    () => undefined,
  ).then((v) => {
    if (v === undefined) entry.ttl = 200;
    return v;
  });
  byHandler.set(handler, entry);
  return entry.v;
}

/** Every handler's observed mean, for the backlog-in-seconds gauge. */
export async function allItemMicros(ctx: EngineContext): Promise<Map<string, number>> {
  const all = await ctx.redis.hgetall(statsKey(ctx)).catch(() => ({}) as Record<string, string>);
  return new Map(Object.entries(all).map(([h, v]) => [h, Number(v)]).filter(([, v]) => Number.isFinite(v as number)) as [string, number][]);
}

/**
 * Workers keep an exponentially weighted mean per handler and publish it every few
 * seconds, so chunk sizing follows what handlers really cost without a write per task.
 */
export class HandlerTimings {
  private readonly mean = new Map<string, number>();
  private dirty = false;
  private flushedAt = 0;
  private readonly warm = new Set<string>();

  /**
   * Answers true when the means are worth publishing now rather than at the next heartbeat
   * (every leaseMs/3, 10 s by default): at most once a second while tasks run, so admission,
   * which bundles a handler's tasks only once it has seen a short mean (bundle.ts), sees a
   * fresh deployment's handlers within a second or two. A handler's first run in a process
   * is left out: it pays for compiling the run path (noop: ~0.3 ms, then a few µs), and as
   * the first published mean it could keep a handler unbundled for a second.
   */
  record(handler: string, items: number, elapsedMs: number): boolean {
    if (items <= 0) return false;
    if (!this.warm.has(handler)) {
      this.warm.add(handler);
      return false;
    }
    const us = (elapsedMs * 1000) / items;
    const prev = this.mean.get(handler);
    this.mean.set(handler, prev === undefined ? us : prev * 0.8 + us * 0.2);
    this.dirty = true;
    return Date.now() - this.flushedAt >= 1000;
  }

  async flush(ctx: EngineContext): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.flushedAt = Date.now();
    const fields = [...this.mean].flatMap(([h, us]) => [h, us.toFixed(3)]);
    if (fields.length > 0) await ctx.redis.hset(statsKey(ctx), ...fields);
  }
}
