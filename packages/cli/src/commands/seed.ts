import type { PrismaClient } from "@fanout/db";
import { DEFAULT_SCOPES, generateApiKey, hashPassword, randomBase62 } from "@fanout/auth";
import { audit } from "./shared";

export const DEMO_TENANT_SLUG = "demo";
export const ADMIN_EMAIL = "admin@fanout.local";

export interface SeedResult {
  adminEmail: string;
  adminPassword: string;
  /** A new key for the demo tenant, made on every run (older "demo" keys stay valid). */
  apiKey: string;
  tenantSlug: string;
}

/**
 * Idempotent demo data: tenant `demo` with a default quota, platform admin
 * admin@fanout.local as its owner, and a fresh demo API key. The admin password is
 * `adminPassword`, else FANOUT_ADMIN_PASSWORD, else generated; it is (re)set every run.
 */
export async function seedDemo(prisma: PrismaClient, opts: { adminPassword?: string } = {}): Promise<SeedResult> {
  const adminPassword = opts.adminPassword || process.env.FANOUT_ADMIN_PASSWORD || randomBase62(16);
  const passwordHash = await hashPassword(adminPassword);
  const { key, prefix, hash } = generateApiKey();
  await prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.upsert({
      where: { slug: DEMO_TENANT_SLUG },
      create: { slug: DEMO_TENANT_SLUG, name: "Demo" },
      update: {},
    });
    await tx.quota.upsert({ where: { tenantId: tenant.id }, create: { tenantId: tenant.id }, update: {} });
    const user = await tx.user.upsert({
      where: { email: ADMIN_EMAIL },
      create: { email: ADMIN_EMAIL, name: "Admin", passwordHash, isPlatformAdmin: true },
      update: { passwordHash, isPlatformAdmin: true },
    });
    await tx.membership.upsert({
      where: { userId_tenantId: { userId: user.id, tenantId: tenant.id } },
      create: { userId: user.id, tenantId: tenant.id, role: "owner" },
      update: { role: "owner" },
    });
    const row = await tx.apiKey.create({
      data: { tenantId: tenant.id, name: "demo", prefix, hash, scopes: [...DEFAULT_SCOPES], createdById: user.id },
    });
    await audit(tx, { tenantId: tenant.id, action: "seed.demo", target: DEMO_TENANT_SLUG, details: { adminEmail: ADMIN_EMAIL, apiKeyId: row.id, prefix } });
  });
  return { adminEmail: ADMIN_EMAIL, adminPassword, apiKey: key, tenantSlug: DEMO_TENANT_SLUG };
}
