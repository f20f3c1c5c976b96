// Tenant-facing view of the webhook outbox (GET /api/v1/webhooks/deliveries).
import type { PrismaClient } from "@fanout/db";
import type { WebhookDeliveryBody } from "@fanout/validators";
import { DEFAULT_MAX_ATTEMPTS } from "./dispatcher";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Newest first; the cursor is the last id seen (ids only grow). */
export async function listDeliveries(
  prisma: PrismaClient,
  tenantId: string,
  q: { limit: number; cursor?: string; jobId?: string },
  maxAttempts = DEFAULT_MAX_ATTEMPTS,
): Promise<{ data: WebhookDeliveryBody[]; nextCursor: string | null }> {
  const before = q.cursor && /^\d{1,19}$/.test(q.cursor) ? BigInt(q.cursor) : undefined;
  const rows = await prisma.webhookDelivery.findMany({
    where: { tenantId, ...(q.jobId ? { jobId: q.jobId } : {}), ...(before !== undefined ? { id: { lt: before } } : {}) },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => {
      const status = r.deliveredAt ? "delivered" : r.attempts >= maxAttempts ? "failed" : "pending";
      return {
        id: String(r.id),
        jobId: r.jobId,
        event: r.event,
        url: r.url,
        status,
        attempts: r.attempts,
        lastStatus: r.lastStatus,
        lastError: r.lastError,
        nextAttemptAt: status === "pending" ? iso(r.nextAttemptAt) : null,
        deliveredAt: iso(r.deliveredAt),
        createdAt: r.createdAt.toISOString(),
      };
    }),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null,
  };
}
