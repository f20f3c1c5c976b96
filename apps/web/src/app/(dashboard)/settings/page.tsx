import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { canManage, dashboardSession } from "@/server/session";
import { TenantSettings } from "./tenant-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await dashboardSession();
  if (!canManage(session?.role ?? null)) forbidden();
  return <TenantSettings />;
}
