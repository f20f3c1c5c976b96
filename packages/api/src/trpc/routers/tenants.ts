// The signed-in user's tenants (switcher) and the selected tenant's settings: its name and
// members. Admins and owners manage settings; only owners grant or take away `owner`, and
// the last owner cannot be removed or demoted. Every change is audit-logged.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { membershipSetSchema } from "@fanout/validators";
import { authedProcedure, roleProcedure, router, type RoleName } from "../init";

const manage = roleProcedure("admin");

export const tenantsRouter = router({
  mine: authedProcedure.query(({ ctx }) => ({
    current: ctx.membership?.tenantId ?? null,
    memberships: ctx.memberships,
    isPlatformAdmin: ctx.user.isPlatformAdmin,
  })),

  settings: manage.query(async ({ ctx }) => {
    const tenant = await ctx.prisma.tenant.findUniqueOrThrow({
      where: { id: ctx.tenantId },
      select: { id: true, slug: true, name: true, status: true, paused: true, createdAt: true },
    });
    const members = await ctx.prisma.membership.findMany({
      where: { tenantId: ctx.tenantId },
      select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
      orderBy: { createdAt: "asc" },
      take: 500,
    });
    return { tenant, members: members.map((m) => ({ ...m.user, role: m.role as RoleName, since: m.createdAt })), myRole: ctx.membership.role };
  }),

  rename: manage
    .input(z.object({ name: z.string().trim().min(1, "name must not be empty").max(200, "name must be at most 200 characters") }))
    .mutation(async ({ ctx, input }) => {
      await ctx.prisma.$transaction([
        ctx.prisma.tenant.update({ where: { id: ctx.tenantId }, data: { name: input.name } }),
        ctx.prisma.auditLog.create({
          data: { tenantId: ctx.tenantId, actorId: ctx.user.id, actorKind: "user", action: "tenant.rename", target: ctx.membership.slug, details: { name: input.name } },
        }),
      ]);
      return { name: input.name };
    }),

  /** Add an existing user by email, or change a member's role. */
  setMember: manage.input(membershipSetSchema).mutation(async ({ ctx, input }) => {
    const user = await ctx.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (!user) throw new TRPCError({ code: "NOT_FOUND", message: `No user with the email ${input.email}; a platform administrator can create one.` });
    const current = await ctx.prisma.membership.findUnique({ where: { userId_tenantId: { userId: user.id, tenantId: ctx.tenantId } } });
    const touchesOwner = input.role === "owner" || current?.role === "owner";
    if (touchesOwner && ctx.membership.role !== "owner") {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can grant or change the owner role." });
    }
    if (current?.role === "owner" && input.role !== "owner") await assertAnotherOwner(ctx.prisma, ctx.tenantId, user.id);
    await ctx.prisma.$transaction([
      ctx.prisma.membership.upsert({
        where: { userId_tenantId: { userId: user.id, tenantId: ctx.tenantId } },
        create: { userId: user.id, tenantId: ctx.tenantId, role: input.role },
        update: { role: input.role },
      }),
      ctx.prisma.auditLog.create({
        data: {
          tenantId: ctx.tenantId, actorId: ctx.user.id, actorKind: "user", action: current ? "member.role" : "member.add",
          target: input.email, details: { role: input.role, ...(current ? { from: current.role } : {}) },
        },
      }),
    ]);
    return { email: input.email, role: input.role, added: !current };
  }),

  removeMember: manage.input(z.object({ userId: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    const m = await ctx.prisma.membership.findUnique({
      where: { userId_tenantId: { userId: input.userId, tenantId: ctx.tenantId } },
      include: { user: { select: { email: true } } },
    });
    if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "That user is not a member of this tenant." });
    if (m.role === "owner") {
      if (ctx.membership.role !== "owner") throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can remove an owner." });
      await assertAnotherOwner(ctx.prisma, ctx.tenantId, input.userId);
    }
    await ctx.prisma.$transaction([
      ctx.prisma.membership.delete({ where: { userId_tenantId: { userId: input.userId, tenantId: ctx.tenantId } } }),
      ctx.prisma.auditLog.create({
        data: { tenantId: ctx.tenantId, actorId: ctx.user.id, actorKind: "user", action: "member.remove", target: m.user.email, details: { role: m.role } },
      }),
    ]);
    return { removed: true };
  }),
});

async function assertAnotherOwner(prisma: import("../../types").Db, tenantId: string, userId: string) {
  const others = await prisma.membership.count({ where: { tenantId, role: "owner", userId: { not: userId } } });
  if (others === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "A tenant needs at least one owner; make someone else owner first." });
}
