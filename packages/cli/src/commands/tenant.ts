import type { PrismaClient, Tenant } from "@fanout/db";
import { CliError, usageError } from "../errors";
import { audit, isUniqueViolation } from "./shared";

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Creates a tenant (with a default quota row) and audits it. */
export async function createTenant(prisma: PrismaClient, input: { slug: string; name?: string }): Promise<Tenant> {
  const slug = input.slug.trim();
  if (!SLUG_RE.test(slug)) {
    throw usageError(`invalid tenant slug '${slug}': use 1-63 lowercase letters, digits and inner hyphens`);
  }
  const name = input.name?.trim() || slug;
  if (name.length > 200) throw usageError("tenant name is longer than 200 characters");
  try {
    return await prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { slug, name, quota: { create: {} } } });
      await audit(tx, { tenantId: tenant.id, action: "tenant.create", target: slug, details: { name } });
      return tenant;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new CliError(`tenant '${slug}' already exists`);
    throw err;
  }
}
