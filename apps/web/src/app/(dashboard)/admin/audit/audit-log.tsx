"use client";
// Every admin action, newest first, filtered by tenant and action prefix, paged by cursor.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { dateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

function details(d: Record<string, unknown>): string {
  const changes = d.changes as Record<string, { from: unknown; to: unknown }> | undefined;
  if (changes) return Object.entries(changes).map(([k, v]) => `${k}: ${v.from} → ${v.to}`).join(", ");
  const s = JSON.stringify(d);
  return s === "{}" ? "" : s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

export function AuditLog() {
  const trpc = useTRPC();
  const [tenant, setTenant] = useState("");
  const [action, setAction] = useState("");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const tenants = useQuery(trpc.admin.tenants.queryOptions());
  const log = useQuery({
    ...trpc.admin.audit.queryOptions({ tenant: tenant || undefined, action: action.trim() || undefined, limit: 50, cursor: cursors[cursors.length - 1] }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const reset = () => setCursors([undefined]);
  return (
    <div className="space-y-5">
      <PageHeader id="audit-heading" title="Audit log" description="Who changed what: tenants, quotas, members, API keys." />
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="text-sm"><span className="mb-1 block text-slate-700">Tenant</span>
          <Select value={tenant} onChange={(e) => { setTenant(e.target.value); reset(); }}>
            <option value="">All tenants</option>
            {tenants.data?.map((t) => <option key={t.slug} value={t.slug}>{t.slug}</option>)}
          </Select>
        </label>
        <label className="text-sm"><span className="mb-1 block text-slate-700">Action starts with</span>
          <Input value={action} placeholder="quota." onChange={(e) => { setAction(e.target.value); reset(); }} />
        </label>
      </div>
      {log.isError && <ErrorState error={log.error} onRetry={() => log.refetch()} title="Could not load the audit log" />}
      <Card>
        {log.isPending ? <TableSkeleton rows={6} cols={5} /> : !log.data?.data.length ? <EmptyState title="No entries" /> : (
          <Table label="Audit log">
            <THead><tr><TH>When</TH><TH>Actor</TH><TH>Action</TH><TH>Tenant</TH><TH>Target</TH><TH>Details</TH></tr></THead>
            <tbody>
              {log.data.data.map((a) => (
                <TR key={a.id} data-testid="audit-row">
                  <TD className="whitespace-nowrap">{dateTime(a.at)}</TD>
                  <TD className="max-w-48 truncate" title={a.actor}>{a.actor}</TD>
                  <TD className="font-mono text-xs">{a.action}</TD>
                  <TD className="font-mono text-xs">{a.tenant ?? "—"}</TD>
                  <TD className="max-w-40 truncate font-mono text-xs" title={a.target ?? undefined}>{a.target ?? ""}</TD>
                  <TD className="max-w-md font-mono text-xs break-words">{details(a.details)}</TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <nav aria-label="Audit log pagination" className="flex justify-end gap-2">
        <Button size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>Newer</Button>
        <Button size="sm" disabled={!log.data?.nextCursor} onClick={() => log.data?.nextCursor && setCursors((c) => [...c, log.data!.nextCursor!])}>Older</Button>
      </nav>
    </div>
  );
}
