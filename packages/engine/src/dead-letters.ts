import type { PrismaClient } from "@fanout/db";
import type { RedriveFilter } from "./control";
import { findJob } from "./queries";

export interface DeadLetterGroup {
  fingerprint: string;
  count: number;
  sampleError: string;
  firstIndex: number;
  maxAttempts: number;
}

/** 10,000 failures of one cause show as one row. */
export async function deadLetterGroups(prisma: PrismaClient, tenantId: string, jobId: string): Promise<DeadLetterGroup[]> {
  await findJob(prisma, tenantId, jobId);
  return prisma.$queryRawUnsafe<DeadLetterGroup[]>(
    `SELECT fingerprint, count(*)::int AS count, min(error) AS "sampleError", min("itemIndex") AS "firstIndex", max(attempts) AS "maxAttempts"
     FROM dead_letters WHERE "jobId" = $1::uuid AND "tenantId" = $2::uuid AND "discardedAt" IS NULL
     GROUP BY fingerprint ORDER BY count(*) DESC, fingerprint`,
    jobId,
    tenantId,
  );
}

/** Discard acknowledges dead items without re-running them; they stay dead in the results. */
export async function discardDeadLetters(prisma: PrismaClient, tenantId: string, jobId: string, filter: RedriveFilter = {}): Promise<number> {
  await findJob(prisma, tenantId, jobId);
  const { count } = await prisma.deadLetter.updateMany({
    where: {
      jobId,
      tenantId,
      discardedAt: null,
      ...(filter.fingerprint ? { fingerprint: filter.fingerprint } : {}),
      ...(filter.indexes ? { itemIndex: { in: filter.indexes } } : {}),
    },
    data: { discardedAt: new Date() },
  });
  return count;
}
