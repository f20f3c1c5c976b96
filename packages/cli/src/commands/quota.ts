import type { PrismaClient, Quota } from "@fanout/db";
import { usageError } from "../errors";
import { audit, findTenant } from "./shared";

export interface QuotaChanges {
  weight?: number;
  maxConcurrent?: number;
  maxQueued?: number;
  /** Jobs a tenant may submit per second. */
  submitRate?: number;
  maxItems?: number;
}

const INT4_MAX = 2_147_483_647;
const LIMITS: Record<keyof QuotaChanges, { flag: string; min: number; max: number; integer: boolean }> = {
  weight: { flag: "--weight", min: 1, max: 10_000, integer: true },
  maxConcurrent: { flag: "--max-concurrent", min: 1, max: INT4_MAX, integer: true },
  maxQueued: { flag: "--max-queued", min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  submitRate: { flag: "--submit-rate", min: 0.001, max: 1_000_000, integer: false },
  maxItems: { flag: "--max-items", min: 1, max: INT4_MAX, integer: true },
};

/** Parses a CLI option value strictly ("10", "2.5"; not "10abc", "", "1e3" for integers). */
export function parseNumberOption(key: keyof QuotaChanges, raw: string): number {
  const { flag, min, max, integer } = LIMITS[key];
  const ok = integer ? /^\d+$/.test(raw.trim()) : /^\d+(\.\d+)?$/.test(raw.trim());
  const n = Number(raw);
  if (!ok || !Number.isFinite(n)) throw usageError(`${flag} must be ${integer ? "a whole number" : "a number"}, got '${raw}'`);
  if (n < min || n > max) throw usageError(`${flag} must be between ${min} and ${max}, got ${raw}`);
  return n;
}

/** Sets some quota limits for a tenant (creating its quota row if needed) and audits the change. */
export async function setQuota(prisma: PrismaClient, input: { tenant: string } & QuotaChanges): Promise<Quota> {
  const changes: QuotaChanges = {};
  for (const key of Object.keys(LIMITS) as Array<keyof QuotaChanges>) {
    const v = input[key];
    if (v !== undefined) changes[key] = parseNumberOption(key, String(v));
  }
  if (Object.keys(changes).length === 0) {
    throw usageError(`nothing to set: pass at least one of ${Object.values(LIMITS).map((l) => l.flag).join(", ")}`);
  }
  const data = {
    ...(changes.weight !== undefined ? { weight: changes.weight } : {}),
    ...(changes.maxConcurrent !== undefined ? { maxConcurrent: changes.maxConcurrent } : {}),
    ...(changes.maxQueued !== undefined ? { maxQueuedItems: BigInt(changes.maxQueued) } : {}),
    ...(changes.submitRate !== undefined ? { submitRatePerSec: changes.submitRate } : {}),
    ...(changes.maxItems !== undefined ? { maxItemsPerJob: changes.maxItems } : {}),
  };
  return prisma.$transaction(async (tx) => {
    const tenant = await findTenant(tx, input.tenant);
    const quota = await tx.quota.upsert({ where: { tenantId: tenant.id }, create: { tenantId: tenant.id, ...data }, update: data });
    await audit(tx, { tenantId: tenant.id, action: "quota.set", target: tenant.slug, details: { ...changes } });
    return quota;
  });
}
