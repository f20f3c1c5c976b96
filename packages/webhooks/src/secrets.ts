// Per-tenant webhook signing secrets. A signing key must be *used*, not just compared, so
// it cannot be stored as a hash: it is encrypted at rest with AES-256-GCM under the server
// key (FANOUT_SECRET_KEY), authenticated so a tampered row fails to decrypt instead of
// signing with garbage.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@fanout/db";

const VERSION = "v1";

/** Any server key string → a 256-bit AES key. The key itself is random (config checks its length). */
export function deriveKey(serverKey: string): Buffer {
  return createHash("sha256").update(`fanout-webhook-secrets:${serverKey}`).digest();
}

export function encryptSecret(plain: string, serverKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(serverKey), iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(":");
}

export function decryptSecret(stored: string, serverKey: string): string {
  const [version, iv, tag, ct] = stored.split(":");
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error("unrecognised webhook secret format");
  const decipher = createDecipheriv("aes-256-gcm", deriveKey(serverKey), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

/**
 * The tenant's secret, created on first use. Two first uses racing both try a conditional
 * write; the loser re-reads the winner's secret, so every caller signs with the same key.
 */
export async function tenantWebhookSecret(prisma: PrismaClient, tenantId: string, serverKey: string): Promise<string> {
  const t = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { webhookSecretEnc: true } });
  if (t.webhookSecretEnc) return decryptSecret(t.webhookSecretEnc, serverKey);
  const secret = newWebhookSecret();
  const { count } = await prisma.tenant.updateMany({ where: { id: tenantId, webhookSecretEnc: null }, data: { webhookSecretEnc: encryptSecret(secret, serverKey) } });
  if (count === 1) return secret;
  return tenantWebhookSecret(prisma, tenantId, serverKey);
}
