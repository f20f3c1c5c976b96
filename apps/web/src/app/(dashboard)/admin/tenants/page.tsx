import type { Metadata } from "next";
import { TenantsAdmin } from "./tenants-admin";

export const metadata: Metadata = { title: "Tenants · Admin" };

export default function TenantsPage() {
  return <TenantsAdmin />;
}
