import type { PrismaClient } from "@fanout/db";

export interface TenantQuota {
  weight: number;
  maxConcurrent: number;
  maxQueuedItems: number;
  submitRatePerSec: number;
  submitBurst: number;
  maxItemsPerJob: number;
  maxPayloadBytes: number;
  minPriority: number;
  maxPriority: number;
}

/** Applies to tenants without a quota row (kept equal to the schema's column defaults). */
export const DEFAULT_QUOTA: TenantQuota = {
  weight: 1,
  maxConcurrent: 64,
  maxQueuedItems: 10_000_000,
  submitRatePerSec: 50,
  submitBurst: 100,
  maxItemsPerJob: 1_000_000,
  maxPayloadBytes: 10 * 1024 * 1024,
  minPriority: 0,
  maxPriority: 10,
};

export async function loadQuota(prisma: PrismaClient, tenantId: string): Promise<TenantQuota> {
  const q = await prisma.quota.findUnique({ where: { tenantId } });
  if (!q) return DEFAULT_QUOTA;
  return { ...q, maxQueuedItems: Number(q.maxQueuedItems) };
}

/**
 * Per-process quota cache: submits read a tenant's quota without a query, and a change
 * (CLI, admin API) still takes effect within `ttlMs`.
 */
export class QuotaCache {
  private readonly entries = new Map<string, { quota: TenantQuota; at: number }>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMs = 1000,
  ) {}

  /** Forget a tenant's cached quota (this process changed it; others catch up within ttlMs). */
  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
  }

  async get(tenantId: string): Promise<TenantQuota> {
    const hit = this.entries.get(tenantId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.quota;
    const quota = await loadQuota(this.prisma, tenantId);
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(tenantId, { quota, at: Date.now() });
    return quota;
  }
}
