// API keys of the selected tenant. Admins and owners manage them; the secret is returned
// once on creation and only its hash is stored (@fanout/auth). Changes are audit-logged.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ALL_SCOPES, generateApiKey, SCOPES, type ApiKeyChange, type Scope } from "@fanout/auth";
import { roleProcedure, router, type TrpcDeps } from "../init";

export const API_KEY_SCOPES = ALL_SCOPES as readonly [Scope, ...Scope[]];

const createInput = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(100, "name must be at most 100 characters"),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "choose at least one scope").max(API_KEY_SCOPES.length),
  expiresAt: z.date().optional(),
});

const manage = roleProcedure("admin");

/**
 * Tells every process's API-key cache (ctx.apiKeys) about a change. A failed publish is
 * logged, not thrown: the change is committed, and caches expire it within their TTL anyway.
 */
export async function keyChanged(ctx: TrpcDeps, change: ApiKeyChange): Promise<void> {
  try {
    await ctx.apiKeys?.changed(change);
  } catch (err) {
    ctx.logger.warn({ err, ...change }, "could not broadcast an API key change; other processes apply it within seconds");
  }
}

/** The `admin` scope reaches every tenant (e.g. /api/v1/admin/…): only platform admins grant it. */
const grantable = (isPlatformAdmin: boolean): Scope[] => API_KEY_SCOPES.filter((s) => isPlatformAdmin || s !== SCOPES.admin);

export const apiKeysRouter = router({
  /** Scopes the caller may put on a new key. */
  grantableScopes: manage.query(({ ctx }) => grantable(ctx.user.isPlatformAdmin)),

  list: manage.query(async ({ ctx }) => {
    const keys = await ctx.prisma.apiKey.findMany({
      where: { tenantId: ctx.tenantId },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, createdById: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
      orderBy: { createdAt: "desc" },
      take: 500,
    });
    const creatorIds = [...new Set(keys.map((k) => k.createdById).filter((id): id is string => !!id))];
    const creators = creatorIds.length
      ? await ctx.prisma.user.findMany({ where: { id: { in: creatorIds } }, select: { id: true, email: true } })
      : [];
    const emails = new Map(creators.map((u) => [u.id, u.email]));
    return keys.map(({ createdById, ...k }) => ({ ...k, createdBy: createdById ? (emails.get(createdById) ?? null) : null }));
  }),

  create: manage.input(createInput).mutation(async ({ ctx, input }) => {
    const scopes = [...new Set(input.scopes)];
    const refused = scopes.filter((s) => !grantable(ctx.user.isPlatformAdmin).includes(s));
    if (refused.length) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Only platform administrators may grant the ${refused.join(", ")} scope.` });
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The expiry must be in the future." });
    }
    const generated = generateApiKey();
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
    // Before answering: once the dashboard says "revoked", no web process accepts the key.
    await keyChanged(ctx, { keyId: input.id });
    await ctx.prisma.auditLog.create({
      data: { tenantId: ctx.tenantId, actorId: ctx.user.id, actorKind: "user", action: "api_key.revoke", target: input.id },
    });
    return { id: input.id, revokedAt: now, alreadyRevoked: false };
  }),
});
