import { Prisma, type PrismaClient } from "@fanout/db";
import { CliError } from "../errors";

export type Db = PrismaClient | Prisma.TransactionClient;

/** The tenant with `slug`, or a CliError naming it. */
export async function findTenant(db: Db, slug: string) {
  const tenant = await db.tenant.findUnique({ where: { slug } });
  if (!tenant) throw new CliError(`unknown tenant '${slug}'`);
  return tenant;
}

/** An AuditLog row for an operator action (actorKind "cli", actor = OS user). */
export async function audit(
  db: Db,
  entry: { tenantId?: string | null; action: string; target?: string; details?: Record<string, unknown> },
) {
  await db.auditLog.create({
    data: {
      tenantId: entry.tenantId ?? null,
      actorKind: "cli",
      actorId: process.env.USER ?? process.env.LOGNAME ?? null,
      action: entry.action,
      target: entry.target ?? null,
      details: (entry.details ?? {}) as Prisma.InputJsonValue,
    },
  });
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}
