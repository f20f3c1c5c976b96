import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Nav } from "@/components/nav";
import { navItems } from "@/components/nav-items";
import { Providers } from "@/components/providers";
import { SignOutButton } from "@/components/sign-out-button";
import { TenantSwitcher } from "@/components/tenant-switcher";
import { dashboardSession } from "@/server/session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await dashboardSession();
  if (!session) redirect("/login");
  const { user, memberships, current } = session;
  const tenants = memberships.map((m) => ({ id: m.tenantId, name: m.tenant.name, slug: m.tenant.slug, role: m.role }));
  const items = navItems(current?.role ?? null, user.isPlatformAdmin);

  return (
    <Providers>
      <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2.5">
          <Link href="/jobs" className="flex items-center gap-2 text-lg font-semibold text-indigo-700">
            <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">F</span>
            Fanout
          </Link>
          <div className="ml-auto flex flex-wrap items-center gap-3 text-sm">
            {tenants.length > 1 && current ? (
              <TenantSwitcher tenants={tenants} current={current.tenantId} />
            ) : current ? (
              <span className="text-slate-700">{current.tenant.name} <span className="text-slate-600">({current.role})</span></span>
            ) : null}
            <span className="hidden text-slate-600 md:inline" data-testid="user-email">{user.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <div className="lg:flex lg:min-h-[calc(100vh-53px)]">
        <aside className="relative border-b border-slate-200 bg-white px-3 py-2 lg:w-56 lg:shrink-0 lg:border-r lg:border-b-0 lg:py-4">
          <div className="lg:sticky lg:top-[69px]">
            <Nav items={items} />
          </div>
        </aside>
        <main id="content" className="min-w-0 flex-1 px-4 py-6 lg:px-8">
          <div className="mx-auto max-w-6xl">
            {current || user.isPlatformAdmin ? children : (
              <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-amber-900">
                Your account is not a member of any active tenant. Ask an administrator to add you.
              </p>
            )}
          </div>
        </main>
      </div>
    </Providers>
  );
}
