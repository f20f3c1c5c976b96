// API keys of the selected tenant. Admins and owners manage them; the secret is returned
// once on creation and only its hash is stored (@fanout/auth). Changes are audit-logged.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ALL_SCOPES, generateApiKey, type Scope } from "@fanout/auth";
import { roleProcedure, router } from "../init";

export const API_KEY_SCOPES = ALL_SCOPES as readonly [Scope, ...Scope[]];

const createInput = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(100, "name must be at most 100 characters"),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "choose at least one scope").max(API_KEY_SCOPES.length),
  expiresAt: z.date().optional(),
});

const manage = roleProcedure("admin");

export const apiKeysRouter = router({
  list: manage.query(({ ctx }) =>
    ctx.prisma.apiKey.findMany({
      where: { tenantId: ctx.tenantId },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
      orderBy: { createdAt: "desc" },
    }),
  ),

  create: manage.input(createInput).mutation(async ({ ctx, input }) => {
    const generated = generateApiKey();
    const scopes = [...new Set(input.scopes)];
    const key = await ctx.prisma.$transaction(async (tx) => {
      const row = await tx.apiKey.create({
        data: {
          tenantId: ctx.tenantId,
          name: input.name,
          prefix: generated.prefix,
          hash: generated.hash,
          scopes,
          createdById: ctx.user.id,
          expiresAt: input.expiresAt ?? null,
        },
        select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true },
      });
      await tx.auditLog.create({
        data: { tenantId: ctx.tenantId, actorId: ctx.user.id, actorKind: "user", action: "api_key.create", target: row.id, details: { name: row.name, scopes } },
      });
      return row;
    });
    // The only time the secret leaves the server.
    return { ...key, secret: generated.key };
  }),

  revoke: manage.input(z.object({ id: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    const now = new Date();
    const res = await ctx.prisma.apiKey.updateMany({
      where: { id: input.id, tenantId: ctx.tenantId, revokedAt: null },
      data: { revokedAt: now },
    });
    if (res.count === 0) {
      const exists = await ctx.prisma.apiKey.findFirst({ where: { id: input.id, tenantId: ctx.tenantId }, select: { id: true } });
      if (!exists) throw new TRPCError({ code: "NOT_FOUND", message: "No API key with that id exists in this tenant." });
      return { id: input.id, revokedAt: null, alreadyRevoked: true };
    }
    await ctx.prisma.auditLog.create({
      data: { tenantId: ctx.tenantId, actorId: ctx.user.id, actorKind: "user", action: "api_key.revoke", target: input.id },
    });
    return { id: input.id, revokedAt: now, alreadyRevoked: false };
  }),
});
