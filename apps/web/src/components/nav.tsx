"use client";
// Main navigation: a sidebar from lg up, a collapsible menu below. Items follow the role
// in the selected tenant (the server enforces the same rules; this only hides dead ends).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { NavItem } from "./nav-items";
import { cn } from "./ui/cn";

function isActive(path: string, item: NavItem) {
  if (item.exact) return path === item.href || (item.href === "/jobs" && /^\/jobs\/[0-9a-f-]{36}/.test(path));
  return path === item.href || path.startsWith(item.href + "/");
}

export function Nav({ items }: { items: NavItem[] }) {
  const path = usePathname();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const links = (
    <ul className="flex flex-col gap-0.5">
      {items.map((item) => {
        const active = isActive(path, item);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "block rounded-md px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
                active ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
              )}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
  return (
    <nav aria-label="Main">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="main-nav-menu"
        onClick={() => setOpen((o) => !o)}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 lg:hidden"
      >
        {open ? "Close menu" : "Menu"}
      </button>
      <div id="main-nav-menu" className={cn("lg:block", open ? "absolute inset-x-0 top-full z-40 block border-b border-slate-200 bg-white p-3 shadow-lg" : "hidden")}>
        {links}
      </div>
    </nav>
  );
}
