import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { SignOutButton } from "@/components/sign-out-button";
import { TenantSwitcher } from "@/components/tenant-switcher";
import { currentUser } from "@/server/auth";
import { getPrisma } from "@/server/prisma";
import { selectedTenantId } from "@/server/tenant";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const memberships = await getPrisma().membership.findMany({
    where: { userId: user.id, tenant: { status: "active" } },
    include: { tenant: { select: { id: true, name: true, slug: true } } },
    orderBy: { createdAt: "asc" },
  });
  const wanted = await selectedTenantId();
  const current = memberships.find((m) => m.tenantId === wanted) ?? memberships[0];
  const tenants = memberships.map((m) => ({ id: m.tenantId, name: m.tenant.name, slug: m.tenant.slug, role: m.role }));

  return (
    <Providers>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href="/jobs" className="text-lg font-semibold text-indigo-700">Fanout</Link>
          <nav aria-label="Main" className="flex gap-3 text-sm">
            <Link href="/jobs" className="rounded px-2 py-1 hover:bg-slate-100">Jobs</Link>
            <Link href="/jobs/new" className="rounded px-2 py-1 hover:bg-slate-100">New job</Link>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            {tenants.length > 1 && current ? (
              <TenantSwitcher tenants={tenants} current={current.tenantId} />
            ) : current ? (
              <span className="text-slate-600">{current.tenant.name}</span>
            ) : null}
            <span className="hidden text-slate-500 sm:inline">{user.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">
        {current ? children : <p role="alert">Your account is not a member of any active tenant. Ask an administrator to add you.</p>}
      </main>
    </Providers>
  );
}
