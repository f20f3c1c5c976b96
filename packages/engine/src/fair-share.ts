export interface TenantDemand {
  tenantId: string;
  weight: number;
  /** Tasks of this tenant admitted and not yet finished. */
  inflight: number;
  /** Tasks ready to admit. */
  ready: number;
  /** The tenant's concurrency quota (tasks). */
  maxConcurrent: number;
}

/**
 * Weighted fair share by water-filling: each free slot goes to the tenant with the
 * lowest (inflight + granted) / weight that still has ready work and quota headroom.
 * Capacity nobody else wants is lent to whoever has work; as tasks finish, freed slots
 * flow to the tenant furthest below its share, so a flood never starves a newcomer.
 */
export function allocateSlots(tenants: TenantDemand[], free: number): Map<string, number> {
  const grants = new Map<string, number>();
  // Foothold: a tenant with nothing in flight gets one task even when the pool is full.
  // The pool overshoots by at most one task per idle tenant, and that task travels on the
  // pool's foothold lane (lanes.ts), ahead of everything in the main queue: a newcomer
  // never waits for a flood to drain before it is even admitted.
  for (const t of tenants) {
    if (t.inflight === 0 && t.ready > 0 && t.weight > 0 && t.maxConcurrent > 0) {
      grants.set(t.tenantId, 1);
      free--;
    }
  }
  const live = tenants.filter((t) => t.weight > 0 && t.ready > (grants.get(t.tenantId) ?? 0) && t.inflight + (grants.get(t.tenantId) ?? 0) < t.maxConcurrent);
  let left = Math.max(0, Math.floor(free));
  while (left > 0 && live.length > 0) {
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < live.length; i++) {
      const t = live[i]!;
      const score = (t.inflight + (grants.get(t.tenantId) ?? 0) + 1) / t.weight;
      if (score < bestScore || (score === bestScore && t.tenantId < live[best]!.tenantId)) {
        best = i;
        bestScore = score;
      }
    }
    const t = live[best]!;
    const granted = (grants.get(t.tenantId) ?? 0) + 1;
    grants.set(t.tenantId, granted);
    left--;
    if (granted >= t.ready || t.inflight + granted >= t.maxConcurrent) live.splice(best, 1);
  }
  return grants;
}
