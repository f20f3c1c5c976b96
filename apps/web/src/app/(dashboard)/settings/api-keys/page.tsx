import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { canManage, dashboardSession } from "@/server/session";
import { ApiKeys } from "./api-keys";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const session = await dashboardSession();
  if (!canManage(session?.role ?? null)) forbidden();
  return <ApiKeys tenantName={session!.current!.tenant.name} />;
}
