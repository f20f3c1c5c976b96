import { Gauge } from "prom-client";
import type { EngineContext } from "./context";
import type { EngineMetrics } from "./metrics";

interface PoolTenantRow {
  pool: string;
  tenant: string;
  depth: number;
  oldest: number | null;
  inflight: number;
  ready_items: number;
}

/**
 * Cluster-wide gauges read from Postgres at scrape time: queue depth and age, in-flight
 * work, the autoscaling signal (backlog in seconds per pool), usage against quota and
 * worker liveness. Registered only where asked (web, scheduler), not on every worker.
 */
export function registerClusterGauges(ctx: EngineContext, metrics: EngineMetrics, itemMicros: () => Promise<Map<string, number>>): void {
  const registers = [metrics.registry];
  const depth = new Gauge({ name: "fanout_queue_depth", help: "Tasks waiting (pending, queued or in retry backoff) by pool and tenant.", labelNames: ["pool", "tenant"], registers });
  const oldest = new Gauge({ name: "fanout_oldest_waiting_seconds", help: "Age of the oldest waiting task by pool and tenant.", labelNames: ["pool", "tenant"], registers });
  const inflight = new Gauge({ name: "fanout_inflight_tasks", help: "Tasks admitted and not finished, by pool and tenant.", labelNames: ["pool", "tenant"], registers });
  const backlog = new Gauge({ name: "fanout_backlog_seconds", help: "Autoscaling signal: waiting work in seconds of the pool's live capacity.", labelNames: ["pool"], registers });
  const usage = new Gauge({ name: "fanout_tenant_usage_ratio", help: "Tenant usage divided by its quota, by resource.", labelNames: ["tenant", "resource"], registers });
  const live = new Gauge({ name: "fanout_workers_live", help: "Workers with a heartbeat in the last two lease periods, by pool.", labelNames: ["pool"], registers });
  const slots = new Gauge({ name: "fanout_pool_slots", help: "Task slots of live workers, by pool.", labelNames: ["pool"], registers });
  const heartbeatAge = new Gauge({ name: "fanout_worker_heartbeat_age_seconds", help: "Seconds since each known worker's last heartbeat.", labelNames: ["worker", "pool"], registers });
  const redisUsed = new Gauge({ name: "fanout_redis_used_memory_bytes", help: "Redis used_memory (INFO memory).", registers });
  const redisMax = new Gauge({ name: "fanout_redis_maxmemory_bytes", help: "Redis maxmemory; 0 means no limit.", registers });

  const collect = async () => {
    const [rows, workers, tenants, micros] = await Promise.all([
      ctx.prisma.$queryRawUnsafe<PoolTenantRow[]>(
        `SELECT t.pool, tn.slug AS tenant,
                count(*) FILTER (WHERE t.status IN ('pending', 'queued', 'backoff'))::int AS depth,
                extract(epoch FROM now() - min(t."createdAt") FILTER (WHERE t.status IN ('pending', 'queued', 'backoff')))::float8 AS oldest,
                count(*) FILTER (WHERE t.status IN ('queued', 'running'))::int AS inflight,
                coalesce(sum(CASE WHEN cardinality(t."pendingIdx") = 0 THEN t."itemCount" ELSE cardinality(t."pendingIdx") END)
                  FILTER (WHERE t.status IN ('pending', 'queued', 'backoff')), 0)::float8 AS ready_items
         FROM tasks t JOIN tenants tn ON tn.id = t."tenantId" JOIN jobs j ON j.id = t."jobId" AND j.status IN ('queued', 'running')
         WHERE t.status IN ('pending', 'queued', 'running', 'backoff') GROUP BY t.pool, tn.slug`,
      ),
      ctx.prisma.workerHeartbeat.findMany(),
      ctx.prisma.$queryRawUnsafe<{ tenant: string; running: number; max_concurrent: number | null; queued_items: number; max_queued: number | null }[]>(
        `SELECT tn.slug AS tenant,
                (SELECT count(*) FROM tasks t WHERE t."tenantId" = tn.id AND t.status IN ('queued', 'running'))::int AS running,
                q."maxConcurrent" AS max_concurrent,
                (SELECT coalesce(sum("totalItems" - "itemsSucceeded" - "itemsDead"), 0) FROM jobs j
                  WHERE j."tenantId" = tn.id AND j.status IN ('queued', 'running'))::float8 AS queued_items,
                q."maxQueuedItems"::float8 AS max_queued
         FROM tenants tn LEFT JOIN quotas q ON q."tenantId" = tn.id`,
      ),
      itemMicros(),
    ]);
    const info = await ctx.redis.info("memory").catch(() => "");
    const field = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, "m").exec(info)?.[1] ?? NaN);
    if (Number.isFinite(field("used_memory"))) redisUsed.set(field("used_memory"));
    if (Number.isFinite(field("maxmemory"))) redisMax.set(field("maxmemory"));
    depth.reset();
    oldest.reset();
    inflight.reset();
    backlog.reset();
    live.reset();
    slots.reset();
    heartbeatAge.reset();
    usage.reset();
    const liveCutoff = Date.now() - ctx.leaseMs * 2;
    const poolSlots = new Map<string, number>();
    for (const w of workers) {
      heartbeatAge.set({ worker: w.id, pool: w.pool }, (Date.now() - w.lastSeenAt.getTime()) / 1000);
      if (w.lastSeenAt.getTime() < liveCutoff) continue;
      live.inc({ pool: w.pool });
      poolSlots.set(w.pool, (poolSlots.get(w.pool) ?? 0) + w.concurrency);
    }
    for (const [pool, n] of poolSlots) slots.set({ pool }, n);
    const backlogItems = new Map<string, number>();
    for (const r of rows) {
      depth.set({ pool: r.pool, tenant: r.tenant }, r.depth);
      oldest.set({ pool: r.pool, tenant: r.tenant }, r.oldest ?? 0);
      inflight.set({ pool: r.pool, tenant: r.tenant }, r.inflight);
      backlogItems.set(r.pool, (backlogItems.get(r.pool) ?? 0) + r.ready_items);
    }
    // Without per-pool handler mix, use the mean observed item time (1 ms when unknown).
    const known = [...micros.values()];
    const meanUs = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1000;
    for (const [pool, items] of backlogItems) {
      const capacity = poolSlots.get(pool) ?? 0;
      backlog.set({ pool }, capacity > 0 ? (items * meanUs) / 1e6 / capacity : items > 0 ? Number.POSITIVE_INFINITY : 0);
    }
    for (const t of tenants) {
      if (t.max_concurrent) usage.set({ tenant: t.tenant, resource: "concurrency" }, t.running / t.max_concurrent);
      if (t.max_queued) usage.set({ tenant: t.tenant, resource: "queued_items" }, t.queued_items / t.max_queued);
    }
  };
  // prom-client calls collect() on every gauge; one shared promise per scrape is enough.
  let pending: Promise<void> | null = null;
  const once = () => (pending ??= collect().finally(() => setTimeout(() => (pending = null), 100)));
  for (const g of [depth, oldest, inflight, backlog, usage, live, slots, heartbeatAge, redisUsed, redisMax]) {
    (g as unknown as { collect: () => Promise<void> }).collect = once;
  }
}
