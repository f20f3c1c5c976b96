"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { selectTenant } from "@/app/actions";
import { Select } from "@/components/ui/form";

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
      <Select
        data-testid="tenant-switcher"
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
        className="w-auto"
      >
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.role})
          </option>
        ))}
      </Select>
    </label>
  );
}
