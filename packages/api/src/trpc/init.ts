// tRPC 11 setup: context, superjson, error mapping and the authorization ladder
// (signed in → member of the selected tenant → role at least X).
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { fromZodError, type ApiErrorBody } from "@fanout/validators";
import { isFanoutError } from "../rest/http";
import type { Engine } from "@fanout/engine";
import type { ApiKeyChange } from "@fanout/auth";
import type { ApiEngine, ApiLogger, Db } from "../types";

export const ROLES = ["viewer", "member", "admin", "owner"] as const;
export type RoleName = (typeof ROLES)[number];

export interface SessionUser {
  id: string;
  email?: string | null;
  isPlatformAdmin: boolean;
}

export interface MembershipInfo {
  tenantId: string;
  slug: string;
  name: string;
  role: RoleName;
}

/** The dashboard also drives job controls, tenant pauses and live updates. */
export type DashboardEngine = ApiEngine &
  Pick<Engine, "pauseJob" | "resumeJob" | "deadLetterGroups" | "discardDeadLetters" | "redrive" | "setTenantPaused">;

export interface TrpcDeps {
  engine: DashboardEngine;
  prisma: Db;
  logger: ApiLogger;
  /**
   * Told when a key is revoked or a tenant suspended or resumed, so every process's API-key
   * cache drops it at once (@fanout/auth createApiKeyAuth). Absent: nothing caches keys.
   */
  apiKeys?: { changed(change: ApiKeyChange): Promise<void> };
}

export interface TrpcContext extends TrpcDeps {
  user: SessionUser | null;
  /** Every tenant the user belongs to (for the switcher). */
  memberships: MembershipInfo[];
  /** The tenant this request acts on: the requested one if the user belongs to it, else the first. */
  membership: MembershipInfo | null;
}

/** Build the per-request context. `tenantId` is the switcher's choice (a cookie), untrusted. */
export async function createTrpcContext(
  deps: TrpcDeps,
  opts: { user: SessionUser | null; tenantId?: string | null },
): Promise<TrpcContext> {
  if (!opts.user) return { ...deps, user: null, memberships: [], membership: null };
  const rows = await deps.prisma.membership.findMany({
    where: { userId: opts.user.id, tenant: { status: "active" } },
    include: { tenant: { select: { id: true, slug: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const memberships: MembershipInfo[] = rows.map((m) => ({
    tenantId: m.tenantId,
    slug: m.tenant.slug,
    name: m.tenant.name,
    role: m.role as RoleName,
  }));
  const membership = memberships.find((m) => m.tenantId === opts.tenantId) ?? memberships[0] ?? null;
  return { ...deps, user: opts.user, memberships, membership };
}

const STATUS_TO_CODE: Record<number, TRPCError["code"]> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
};

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // `fanout` carries the contract error body so forms can show the field at fault.
    let fanout: ApiErrorBody["error"] | null = null;
    const cause = error.cause;
    if (isFanoutError(cause)) fanout = cause.toBody().error;
    else if (cause instanceof z.ZodError) fanout = fromZodError(cause).toBody().error;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal ? "Something went wrong on our side; the error was logged." : shape.message,
      data: { ...shape.data, stack: undefined, fanout },
    };
  },
});

/** Turn FanoutErrors (engine/validators) into TRPCErrors with the matching code; log unexpected ones. */
const errorMapping = t.middleware(async ({ ctx, path, next }) => {
  const res = await next();
  if (!res.ok) {
    const cause = res.error.cause;
    if (isFanoutError(cause) && cause.status < 500) {
      throw new TRPCError({ code: STATUS_TO_CODE[cause.status] ?? "BAD_REQUEST", message: cause.message, cause });
    }
    if (res.error.code === "INTERNAL_SERVER_ERROR") ctx.logger.error({ err: cause ?? res.error, path }, "tRPC procedure failed");
  }
  return res;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(errorMapping);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { user: ctx.user } });
});

export const platformAdminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isPlatformAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "This needs a platform administrator." });
  return next();
});

export const tenantProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.membership) throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of any active tenant." });
  return next({ ctx: { membership: ctx.membership, tenantId: ctx.membership.tenantId } });
});

export const hasRole = (role: RoleName, min: RoleName) => ROLES.indexOf(role) >= ROLES.indexOf(min);

/** A tenant procedure that also needs at least `min` in the selected tenant. */
export function roleProcedure(min: RoleName) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.membership.role, min)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${min} role in ${ctx.membership.name}; you are ${ctx.membership.role}.` });
    }
    return next();
  });
}
