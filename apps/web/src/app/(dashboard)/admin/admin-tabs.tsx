"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const TABS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/tenants", label: "Tenants & quotas" },
  { href: "/admin/workers", label: "Workers" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/audit", label: "Audit log" },
];

export function AdminTabs() {
  const path = usePathname();
  return (
    <nav aria-label="Admin console" className="mt-1 flex gap-1 overflow-x-auto border-b border-slate-200">
      {TABS.map((t) => {
        const active = t.href === "/admin" ? path === "/admin" : path.startsWith(t.href);
        return (
          <Link key={t.href} href={t.href} aria-current={active ? "page" : undefined}
            className={cn("-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-indigo-600",
              active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900")}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
