// Minimal read-only views; the quota and capacity issues flesh these out.
import { platformAdminProcedure, router, tenantProcedure } from "../init";

export const quotasRouter = router({
  mine: tenantProcedure.query(async ({ ctx }) => {
    const q = await ctx.prisma.quota.findUnique({ where: { tenantId: ctx.tenantId } });
    if (!q) return null;
    return { ...q, maxQueuedItems: Number(q.maxQueuedItems) };
  }),
});

export const workersRouter = router({
  // Workers are shared infrastructure, not tenant data: platform admins only.
  list: platformAdminProcedure.query(({ ctx }) =>
    ctx.prisma.workerHeartbeat.findMany({
      where: { lastSeenAt: { gte: new Date(Date.now() - 60_000) } },
      orderBy: { id: "asc" },
      take: 200,
    }),
  ),
});
