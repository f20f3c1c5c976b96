// The admin console (platform administrators only; every procedure is gated on the
// server by platformAdminProcedure). Tenants, quotas, users, workers, cluster charts and
// the audit log. Every change writes an audit entry.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hashPassword } from "@fanout/auth";
import { quotaUpdateSchema, ROLE_NAMES, tenantCreateSchema, tenantSlugSchema, userCreateSchema } from "@fanout/validators";
import { clusterStats, listWorkers } from "../../dashboard/cluster";
import { getTenantQuota, updateTenantQuota } from "../../dashboard/quota-admin";
import { platformAdminProcedure as admin, router, type TrpcContext } from "../init";
import { keyChanged } from "./apiKeys";

const slugInput = z.object({ slug: tenantSlugSchema });

function audit(ctx: TrpcContext & { user: { id: string } }, tenantId: string | null, action: string, target: string, details: Record<string, unknown> = {}) {
  return ctx.prisma.auditLog.create({ data: { tenantId, actorId: ctx.user.id, actorKind: "user", action, target, details: details as object } });
}

async function tenantOr404(ctx: TrpcContext, slug: string) {
  const t = await ctx.prisma.tenant.findUnique({ where: { slug } });
  if (!t) throw new TRPCError({ code: "NOT_FOUND", message: `No tenant with the slug ${slug}.` });
  return t;
}

const isUnique = (e: unknown) => (e as { code?: string } | null)?.code === "P2002";

export const adminRouter = router({
  tenants: admin.query(async ({ ctx }) => {
    const tenants = await ctx.prisma.tenant.findMany({
      orderBy: { createdAt: "asc" },
      take: 500,
      select: { id: true, slug: true, name: true, status: true, paused: true, createdAt: true, _count: { select: { memberships: true } } },
    });
    const load = await ctx.prisma.$queryRawUnsafe<{ tenantId: string; active: number; queued: number }[]>(
      `SELECT "tenantId", count(*)::int AS active, coalesce(sum("totalItems" - "itemsSucceeded" - "itemsDead"), 0)::float8 AS queued
       FROM jobs WHERE status IN ('queued', 'running') GROUP BY "tenantId"`,
    );
    const byTenant = new Map(load.map((l) => [l.tenantId, l]));
    return tenants.map(({ _count, ...t }) => ({ ...t, members: _count.memberships, activeJobs: byTenant.get(t.id)?.active ?? 0, queuedItems: byTenant.get(t.id)?.queued ?? 0 }));
  }),

  createTenant: admin.input(tenantCreateSchema).mutation(async ({ ctx, input }) => {
    try {
      return await ctx.prisma.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({ data: { slug: input.slug, name: input.name, quota: { create: {} } } });
        if (input.joinAsOwner) await tx.membership.create({ data: { userId: ctx.user.id, tenantId: tenant.id, role: "owner" } });
        await tx.auditLog.create({
          data: { tenantId: tenant.id, actorId: ctx.user.id, actorKind: "user", action: "tenant.create", target: tenant.slug, details: { name: tenant.name, joinAsOwner: input.joinAsOwner } },
        });
        return { id: tenant.id, slug: tenant.slug, name: tenant.name };
      });
    } catch (e) {
      if (isUnique(e)) throw new TRPCError({ code: "CONFLICT", message: `A tenant with the slug ${input.slug} already exists.` });
      throw e;
    }
  }),

  /** Suspend: API keys and dashboard access stop working and nothing is admitted. */
  setStatus: admin.input(slugInput.extend({ status: z.enum(["active", "suspended"]) })).mutation(async ({ ctx, input }) => {
    const t = await tenantOr404(ctx, input.slug);
    await ctx.prisma.$transaction([
      ctx.prisma.tenant.update({ where: { id: t.id }, data: { status: input.status } }),
      audit(ctx, t.id, input.status === "suspended" ? "tenant.suspend" : "tenant.resume", t.slug, { from: t.status }),
    ]);
    await keyChanged(ctx, { tenantId: t.id }); // a suspended tenant's keys stop working at once
    return { slug: t.slug, status: input.status };
  }),

  /** Pause all work: admission stops; queued tasks go back to pending (engine.setTenantPaused). */
  setPaused: admin.input(slugInput.extend({ paused: z.boolean() })).mutation(async ({ ctx, input }) => {
    const t = await tenantOr404(ctx, input.slug);
    await ctx.engine.setTenantPaused(t.id, input.paused);
    await audit(ctx, t.id, input.paused ? "tenant.pause" : "tenant.unpause", t.slug);
    return { slug: t.slug, paused: input.paused };
  }),

  quota: admin.input(slugInput).query(({ ctx, input }) => getTenantQuota(ctx.prisma, input.slug)),

  updateQuota: admin
    .input(slugInput.extend({ changes: quotaUpdateSchema }))
    .mutation(async ({ ctx, input }) => {
      const q = await updateTenantQuota(ctx.prisma, input.slug, input.changes, { kind: "user", id: ctx.user.id });
      ctx.engine.quotaChanged?.(q.tenant.id);
      return q;
    }),

  users: admin.query(({ ctx }) =>
    ctx.prisma.user.findMany({
      orderBy: { createdAt: "asc" },
      take: 500,
      select: {
        id: true, email: true, name: true, isPlatformAdmin: true, createdAt: true,
        memberships: { select: { role: true, tenant: { select: { slug: true } } } },
      },
    }),
  ),

  createUser: admin.input(userCreateSchema).mutation(async ({ ctx, input }) => {
    try {
      const user = await ctx.prisma.user.create({
        data: { email: input.email, name: input.name || null, passwordHash: await hashPassword(input.password), isPlatformAdmin: input.isPlatformAdmin },
        select: { id: true, email: true },
      });
      await audit(ctx, null, "user.create", user.email, { isPlatformAdmin: input.isPlatformAdmin });
      return user;
    } catch (e) {
      if (isUnique(e)) throw new TRPCError({ code: "CONFLICT", message: `A user with the email ${input.email} already exists.` });
      throw e;
    }
  }),

  setMembership: admin
    .input(z.object({ email: z.email().transform((e) => e.toLowerCase()), slug: tenantSlugSchema, role: z.enum(ROLE_NAMES).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const t = await tenantOr404(ctx, input.slug);
      const user = await ctx.prisma.user.findUnique({ where: { email: input.email } });
      if (!user) throw new TRPCError({ code: "NOT_FOUND", message: `No user with the email ${input.email}.` });
      const key = { userId_tenantId: { userId: user.id, tenantId: t.id } };
      if (input.role === null) await ctx.prisma.membership.deleteMany({ where: { userId: user.id, tenantId: t.id } });
      else await ctx.prisma.membership.upsert({ where: key, create: { userId: user.id, tenantId: t.id, role: input.role }, update: { role: input.role } });
      await audit(ctx, t.id, input.role ? "member.set" : "member.remove", input.email, { role: input.role });
      return { email: input.email, slug: t.slug, role: input.role };
    }),

  workers: admin.query(({ ctx }) => listWorkers(ctx.prisma)),

  cluster: admin.query(({ ctx }) => clusterStats(ctx.prisma)),

  audit: admin
    .input(z.object({
      tenant: tenantSlugSchema.optional(),
      action: z.string().trim().max(100).optional(),
      limit: z.number().int().min(1).max(200).default(50),
      cursor: z.string().regex(/^\d+$/).optional(),
    }))
    .query(async ({ ctx, input }) => {
      const tenant = input.tenant ? await tenantOr404(ctx, input.tenant) : null;
      const rows = await ctx.prisma.auditLog.findMany({
        where: {
          ...(tenant ? { tenantId: tenant.id } : {}),
          ...(input.action ? { action: { startsWith: input.action } } : {}),
          ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
        },
        orderBy: { id: "desc" },
        take: input.limit + 1,
      });
      const more = rows.length > input.limit;
      const page = more ? rows.slice(0, input.limit) : rows;
      const tenantIds = [...new Set(page.map((r) => r.tenantId).filter((x): x is string => !!x))];
      const userIds = [...new Set(page.filter((r) => r.actorKind === "user" && r.actorId).map((r) => r.actorId!))].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
      const [tenants, users] = await Promise.all([
        ctx.prisma.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, slug: true } }),
        ctx.prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }),
      ]);
      const slugs = new Map(tenants.map((t) => [t.id, t.slug]));
      const emails = new Map(users.map((u) => [u.id, u.email]));
      return {
        data: page.map((r) => ({
          id: String(r.id),
          at: r.createdAt,
          tenant: r.tenantId ? (slugs.get(r.tenantId) ?? r.tenantId) : null,
          actor: r.actorKind === "user" && r.actorId ? (emails.get(r.actorId) ?? r.actorId) : `${r.actorKind}${r.actorId ? `:${r.actorId}` : ""}`,
          actorKind: r.actorKind,
          action: r.action,
          target: r.target,
          details: r.details as Record<string, unknown>,
        })),
        nextCursor: more ? String(page[page.length - 1]!.id) : null,
      };
    }),
});
