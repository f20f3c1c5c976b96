// Reading and changing a tenant's quota by slug, shared by the admin console (tRPC) and
// `GET/PUT /api/v1/admin/tenants/{slug}/quota`. A change is validated on the merged quota,
// written with its audit entry in one transaction, and read by the engine on its next
// admission round and submit (well within a second).
import { FanoutError, notFound, quotaFieldsSchema, quotaProblems, type QuotaFields, type QuotaUpdate } from "@fanout/validators";
import { loadQuotaView, type QuotaView } from "./usage";
import type { Db } from "../types";

export interface Actor {
  kind: "user" | "api_key";
  id: string;
}

export interface TenantQuota extends QuotaView {
  tenant: { id: string; slug: string; name: string };
}

async function tenantBySlug(prisma: Pick<Db, "tenant">, slug: string) {
  const tenant = await prisma.tenant.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } });
  if (!tenant) throw notFound("tenant");
  return tenant;
}

export async function getTenantQuota(prisma: Db, slug: string): Promise<TenantQuota> {
  const tenant = await tenantBySlug(prisma, slug);
  return { tenant, ...(await loadQuotaView(prisma, tenant.id)) };
}

const fieldsOf = (q: QuotaView): QuotaFields => {
  const { updatedAt: _u, ...fields } = q;
  return fields;
};

export async function updateTenantQuota(prisma: Db, slug: string, changes: QuotaUpdate, actor: Actor): Promise<TenantQuota> {
  return prisma.$transaction(async (tx) => {
    const tenant = await tenantBySlug(tx, slug);
    // Lock the row so two concurrent edits cannot both pass the cross-field check.
    await tx.quota.upsert({ where: { tenantId: tenant.id }, create: { tenantId: tenant.id }, update: {} });
    await tx.$queryRawUnsafe(`SELECT 1 FROM quotas WHERE "tenantId" = $1::uuid FOR UPDATE`, tenant.id);
    const before = fieldsOf(await loadQuotaView(tx as unknown as Db, tenant.id));
    const merged = quotaFieldsSchema.parse({ ...before, ...changes });
    const problem = quotaProblems(merged)[0];
    if (problem) throw new FanoutError(400, "invalid_field", problem.message, problem.field);
    const changed = (Object.keys(changes) as (keyof QuotaFields)[]).filter((k) => before[k] !== merged[k]);
    const { maxQueuedItems, ...rest } = merged;
    const row = await tx.quota.update({ where: { tenantId: tenant.id }, data: { ...rest, maxQueuedItems: BigInt(maxQueuedItems) } });
    await tx.auditLog.create({
      data: {
        tenantId: tenant.id,
        actorId: actor.id,
        actorKind: actor.kind,
        action: "quota.update",
        target: tenant.slug,
        details: {
          changes: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: merged[k] }])),
        },
      },
    });
    const { tenantId: _t, ...view } = row;
    return { tenant, ...view, maxQueuedItems: Number(row.maxQueuedItems) };
  });
}
