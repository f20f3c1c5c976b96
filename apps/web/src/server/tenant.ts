// The tenant switcher's choice lives in a cookie; it is only a preference; every
// request re-checks membership (createTrpcContext) before acting on it.
import { cookies } from "next/headers";

export const TENANT_COOKIE = "fanout_tenant";

export async function selectedTenantId(): Promise<string | null> {
  return (await cookies()).get(TENANT_COOKIE)?.value ?? null;
}
