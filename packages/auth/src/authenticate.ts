// Resolves a raw API key to its tenant and scopes.
import type { PrismaClient } from "@fanout/db";
import { parseApiKey, verifyApiKeyHash } from "./api-keys";

export interface ApiKeyPrincipal {
  keyId: string;
  tenantId: string;
  scopes: string[];
}

/** lastUsedAt is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The key's principal, or null when the key is malformed, unknown, wrong, revoked, expired,
 * or its tenant is suspended. Refreshes lastUsedAt (at most once a minute) in the background.
 */
export async function authenticateApiKey(
  prisma: Pick<PrismaClient, "apiKey">,
  rawKey: string,
  now: Date = new Date(),
): Promise<ApiKeyPrincipal | null> {
  const parsed = parseApiKey(rawKey);
  if (!parsed) return null;
  const row = await prisma.apiKey.findUnique({
    where: { prefix: parsed.prefix },
    select: {
      id: true, tenantId: true, hash: true, scopes: true, revokedAt: true, expiresAt: true, lastUsedAt: true,
      tenant: { select: { status: true } },
    },
  });
  if (!row || !verifyApiKeyHash(rawKey.trim(), row.hash)) return null;
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.tenant.status !== "active") return null;

  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Not awaited: the caller never waits on this write. The guard keeps concurrent
    // requests (and other instances) from all writing in the same minute.
    void prisma.apiKey
      .updateMany({
        where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] },
        data: { lastUsedAt: now },
      })
      .catch(() => {});
  }
  return { keyId: row.id, tenantId: row.tenantId, scopes: row.scopes };
}
