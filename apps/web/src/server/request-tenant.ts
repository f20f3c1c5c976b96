// Route handlers outside tRPC (live events, downloads) resolve the caller the same way the
// tRPC context does: the session's user, and the selected tenant only if they belong to it.
import { createContext } from "./trpc";

export type TenantCaller = { userId: string; tenantId: string; role: string };

const problem = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });

export async function requireTenantCaller(): Promise<TenantCaller | Response> {
  const ctx = await createContext();
  if (!ctx.user) return problem(401, "unauthorized", "Sign in first.");
  if (!ctx.membership) return problem(403, "forbidden", "You are not a member of any active tenant.");
  return { userId: ctx.user.id, tenantId: ctx.membership.tenantId, role: ctx.membership.role };
}

export const notFoundResponse = () => problem(404, "not_found", "No job with that id exists in this tenant.");

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
