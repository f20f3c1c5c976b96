// The admin console is for platform administrators only, enforced here on the server:
// anyone else gets a 403 page (forbidden()), and every admin tRPC procedure checks again.
import { forbidden, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { dashboardSession } from "@/server/session";
import { AdminTabs } from "./admin-tabs";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await dashboardSession();
  if (!session) redirect("/login");
  if (!session.user.isPlatformAdmin) forbidden();
  return (
    <div>
      <div className="mb-5">
        <p className="text-xs font-semibold tracking-wide text-indigo-700 uppercase">Admin console</p>
        <AdminTabs />
      </div>
      {children}
    </div>
  );
}
