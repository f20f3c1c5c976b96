"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { selectTenant } from "@/app/actions";

export interface TenantOption {
  id: string;
  name: string;
  slug: string;
  role: string;
}

export function TenantSwitcher({ tenants, current }: { tenants: TenantOption[]; current: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  return (
    <label className="flex items-center gap-2">
      <span className="text-slate-600">Tenant</span>
      <select
        aria-label="Tenant"
        value={current}
        disabled={pending}
        onChange={(e) => {
          const id = e.target.value;
          startTransition(async () => {
            const res = await selectTenant(id);
            if (!res.ok) return;
            // Everything cached belongs to the previous tenant.
            queryClient.clear();
            router.push("/jobs");
            router.refresh();
          });
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1"
      >
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.role})
          </option>
        ))}
      </select>
    </label>
  );
}
