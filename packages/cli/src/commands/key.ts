import type { PrismaClient } from "@fanout/db";
import { DEFAULT_SCOPES, generateApiKey, parseScopes, type Scope } from "@fanout/auth";
import { usageError } from "../errors";
import { audit, findTenant } from "./shared";

export interface CreatedKey {
  /** The full key: print it once; only its hash is stored. */
  key: string;
  id: string;
  prefix: string;
  tenantId: string;
  scopes: Scope[];
}

/** Creates an API key for the tenant `tenant` (slug) and audits it (never the key itself). */
export async function createApiKey(
  prisma: PrismaClient,
  input: { tenant: string; name?: string; scopes?: string | readonly string[] },
): Promise<CreatedKey> {
  let scopes: Scope[];
  try {
    scopes = input.scopes === undefined ? [...DEFAULT_SCOPES] : parseScopes(input.scopes);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const name = input.name?.trim() || "cli";
  if (name.length > 200) throw usageError("key name is longer than 200 characters");
  return prisma.$transaction(async (tx) => {
    const tenant = await findTenant(tx, input.tenant);
    const { key, prefix, hash } = generateApiKey();
    const row = await tx.apiKey.create({ data: { tenantId: tenant.id, name, prefix, hash, scopes } });
    await audit(tx, { tenantId: tenant.id, action: "api_key.create", target: row.id, details: { name, prefix, scopes } });
    return { key, id: row.id, prefix, tenantId: tenant.id, scopes };
  });
}
