import { createTrpcContext } from "@fanout/api/trpc";
import { getApiKeyAuth } from "./api-keys";
import { currentUser } from "./auth";
import { getEngine } from "./engine";
import { getLogger } from "./logger";
import { getPrisma } from "./prisma";
import { selectedTenantId } from "./tenant";

/** Per-request tRPC context: session user + selected tenant membership + engine/db. */
export async function createContext() {
  const user = await currentUser();
  return createTrpcContext(
    { engine: getEngine(), prisma: getPrisma(), logger: getLogger(), apiKeys: getApiKeyAuth() },
    { user: user ? { id: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin } : null, tenantId: await selectedTenantId() },
  );
}
