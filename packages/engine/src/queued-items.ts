import { prepared, type Sql } from "./sql";

const QUEUED_ITEMS_SQL = prepared("queued_items", `SELECT coalesce(sum("totalItems" - "itemsSucceeded" - "itemsDead"), 0)::float8 AS queued,
    count(*)::int AS "liveJobs", count(*) FILTER (WHERE pool = $2)::int AS "liveInPool"
  FROM jobs WHERE "tenantId" = $1::uuid AND status IN ('queued', 'running')`);

export interface TenantBacklog {
  /** Items accepted and not finished across the tenant's live jobs. */
  queued: number;
  /** The tenant's live jobs in the pool of this submit (0: a foothold is possible). */
  liveInPool: number;
}

interface Entry extends TenantBacklog {
  liveJobs: number;
  at: number;
  pool: string;
}

const FRESH_MS = 1000;
/** Below this many live jobs the sum is cheap and its answer decides the foothold: always read it. */
const CACHE_FROM_LIVE_JOBS = 50;

/**
 * The max-queued-items check sums a tenant's live jobs on every submit; with thousands
 * of them in flight that sum is the most expensive statement of a submit. For a tenant
 * with a large backlog the answer is reused for a second, plus what this process
 * accepted since (so it only errs towards refusing, by work finished meanwhile). Small
 * backlogs are always read fresh: they are cheap, near an idle tenant's foothold, and
 * near the limit a stale answer would be noticed.
 */
export class QueuedItemsCache {
  private readonly entries = new Map<string, Entry>();

  async get(sql: Sql, tenantId: string, pool: string, maxQueued: number): Promise<TenantBacklog> {
    const e = this.entries.get(tenantId);
    const usable = e && e.pool === pool && Date.now() - e.at < FRESH_MS && e.liveJobs >= CACHE_FROM_LIVE_JOBS && e.queued < maxQueued / 2;
    if (usable) return { queued: e.queued, liveInPool: e.liveInPool };
    const [row] = await sql.query<Omit<Entry, "at" | "pool">>(QUEUED_ITEMS_SQL, [tenantId, pool]);
    const fresh = { queued: row?.queued ?? 0, liveJobs: row?.liveJobs ?? 0, liveInPool: row?.liveInPool ?? 0, at: Date.now(), pool };
    if (this.entries.size > 10_000) this.entries.clear(); // bounded: tenants come and go
    this.entries.set(tenantId, fresh);
    return fresh;
  }

  /** A job this process accepted: counted until the next fresh read. */
  accepted(tenantId: string, items: number): void {
    const e = this.entries.get(tenantId);
    if (e) {
      e.queued += items;
      e.liveJobs++;
      e.liveInPool++;
    }
  }
}
