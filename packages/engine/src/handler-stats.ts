import type { EngineContext } from "./context";

const statsKey = (ctx: EngineContext) => `${ctx.prefix}:{stats}:handler-item-us`;

/** Mean observed microseconds per item for a handler, as workers last reported it. */
// Workers publish the means every few seconds, so a submit may reuse a read for a second.
const observed = new WeakMap<EngineContext, Map<string, { at: number; v: Promise<number | undefined> }>>();

export function observedItemMicros(ctx: EngineContext, handler: string): Promise<number | undefined> {
  let byHandler = observed.get(ctx);
  if (!byHandler) observed.set(ctx, (byHandler = new Map()));
  const hit = byHandler.get(handler);
  if (hit && Date.now() - hit.at < 1000) return hit.v;
  const v = ctx.redis.hget(statsKey(ctx), handler).then(
    (s) => (s !== null && Number.isFinite(Number(s)) && Number(s) > 0 ? Number(s) : undefined),
    () => undefined,
  );
  byHandler.set(handler, { at: Date.now(), v });
  return v;
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

  record(handler: string, items: number, elapsedMs: number): void {
    if (items <= 0) return;
    const us = (elapsedMs * 1000) / items;
    const prev = this.mean.get(handler);
    this.mean.set(handler, prev === undefined ? us : prev * 0.8 + us * 0.2);
    this.dirty = true;
  }

  async flush(ctx: EngineContext): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const fields = [...this.mean].flatMap(([h, us]) => [h, us.toFixed(3)]);
    if (fields.length > 0) await ctx.redis.hset(statsKey(ctx), ...fields);
  }
}
