// The signed-in user and their selected tenant for server components, read once per
// request (React cache) however many layouts and pages ask.
import { cache } from "react";
import { currentUser } from "./auth";
import { getPrisma } from "./prisma";
import { selectedTenantId } from "./tenant";

export const dashboardSession = cache(async () => {
  const user = await currentUser();
  if (!user) return null;
  const memberships = await getPrisma().membership.findMany({
    where: { userId: user.id, tenant: { status: "active" } },
    include: { tenant: { select: { id: true, name: true, slug: true } } },
    orderBy: { createdAt: "asc" },
  });
  const wanted = await selectedTenantId();
  const current = memberships.find((m) => m.tenantId === wanted) ?? memberships[0] ?? null;
  return { user, memberships, current, role: current?.role ?? null };
});

export const canWrite = (role: string | null) => role === "member" || role === "admin" || role === "owner";
export const canManage = (role: string | null) => role === "admin" || role === "owner";
