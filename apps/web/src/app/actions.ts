"use server";
import { cookies } from "next/headers";
import { currentUser } from "@/server/auth";
import { getPrisma } from "@/server/prisma";
import { TENANT_COOKIE } from "@/server/tenant";

/** Remember the tenant the switcher selected, if the user belongs to it. */
export async function selectTenant(tenantId: string): Promise<{ ok: boolean }> {
  const user = await currentUser();
  if (!user || typeof tenantId !== "string" || tenantId.length > 64) return { ok: false };
  const membership = await getPrisma().membership.findFirst({
    where: { userId: user.id, tenantId, tenant: { status: "active" } },
    select: { tenantId: true },
  });
  if (!membership) return { ok: false };
  (await cookies()).set(TENANT_COOKIE, tenantId, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365 });
  return { ok: true };
}
