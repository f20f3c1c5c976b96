import type { PrismaClient } from "@fanout/db";
import { usageError } from "../errors";
import { audit, findTenant } from "./shared";

/**
 * Operator-only exception to the webhook SSRF guard: lets a tenant's callbackUrl point at
 * private, loopback or link-local hosts (an on-premise receiver). Audited, since it opens
 * our internal network to that tenant's callbacks.
 */
export async function setPrivateCallbacks(prisma: PrismaClient, input: { tenant: string; value: string }): Promise<boolean> {
  const v = input.value.toLowerCase();
  if (!["on", "off", "true", "false"].includes(v)) throw usageError(`expected on or off, got '${input.value}'`);
  const allow = v === "on" || v === "true";
  return prisma.$transaction(async (tx) => {
    const t = await findTenant(tx, input.tenant);
    await tx.tenant.update({ where: { id: t.id }, data: { allowPrivateCallbacks: allow } });
    await audit(tx, { tenantId: t.id, action: "tenant.private_callbacks", target: t.slug, details: { from: t.allowPrivateCallbacks, to: allow } });
    return allow;
  });
}
