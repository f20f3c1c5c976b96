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
