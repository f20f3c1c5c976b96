"use client";
// Tenant settings for admins and owners: the tenant's name and its members' roles (only
// owners grant or change `owner`; the server enforces it and keeps at least one owner).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { ROLE_NAMES } from "@fanout/validators";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { PageSkeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/errors";
import { dateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

type Role = (typeof ROLE_NAMES)[number];

export function TenantSettings() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const settings = useQuery(trpc.tenants.settings.queryOptions());
  const [name, setName] = useState("");
  const [invite, setInvite] = useState<{ email: string; role: Role }>({ email: "", role: "member" });
  useEffect(() => { if (settings.data) setName(settings.data.tenant.name); }, [settings.data]);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.tenants.pathKey() });
  const err = (e: unknown) => toast.error(errorMessage(e));
  const rename = useMutation(trpc.tenants.rename.mutationOptions({ onSuccess: () => { toast.success("Tenant renamed."); void refresh(); router.refresh(); }, onError: err }));
  const setMember = useMutation(trpc.tenants.setMember.mutationOptions({
    onSuccess: (r) => { toast.success(r.added ? `${r.email} added as ${r.role}.` : `${r.email} is now ${r.role}.`); setInvite({ email: "", role: "member" }); void refresh(); },
    onError: err,
  }));
  const remove = useMutation(trpc.tenants.removeMember.mutationOptions({ onSuccess: () => { toast.success("Member removed."); void refresh(); }, onError: err }));

  if (settings.isPending) return <PageSkeleton title="Loading settings" />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => settings.refetch()} title="Could not load settings" />;
  const { tenant, members, myRole } = settings.data;
  const roles = myRole === "owner" ? ROLE_NAMES : ROLE_NAMES.filter((r) => r !== "owner");

  return (
    <div className="space-y-5">
      <PageHeader id="settings-heading" title="Settings" description={<>Tenant <span className="font-mono">{tenant.slug}</span> · created {dateTime(tenant.createdAt)}</>} />
      <Card aria-labelledby="general-heading">
        <CardHeader id="general-heading" title="General" />
        <CardBody>
          <form className="flex flex-wrap items-end gap-3" onSubmit={(e: FormEvent) => { e.preventDefault(); rename.mutate({ name }); }}>
            <Field id="tenant-name" label="Tenant name" className="min-w-64 flex-1"><Input id="tenant-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} /></Field>
            <Button type="submit" variant="primary" disabled={rename.isPending || !name.trim() || name === tenant.name}>Save</Button>
          </form>
        </CardBody>
      </Card>
      <Card aria-labelledby="members-heading">
        <CardHeader id="members-heading" title="Members" description="Viewers read; members submit and control jobs; admins and owners also manage keys and settings." />
        <CardBody>
          <form className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e: FormEvent) => { e.preventDefault(); setMember.mutate(invite); }}>
            <Field id="invite-email" label="Add an existing user by email" className="min-w-64 flex-1">
              <Input id="invite-email" type="email" value={invite.email} onChange={(e) => setInvite({ ...invite, email: e.target.value })} />
            </Field>
            <Field id="invite-role" label="Role">
              <Select id="invite-role" value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.target.value as Role })}>
                {roles.map((r) => <option key={r} value={r}>{r}</option>)}
              </Select>
            </Field>
            <Button type="submit" disabled={setMember.isPending || !invite.email}>Add member</Button>
          </form>
        </CardBody>
        <Table label="Members">
          <THead><tr><TH>User</TH><TH>Role</TH><TH>Member since</TH><TH><span className="sr-only">Actions</span></TH></tr></THead>
          <tbody>
            {members.map((m) => (
              <TR key={m.id}>
                <TD><div className="font-medium">{m.email}</div>{m.name && <div className="text-xs text-slate-600">{m.name}</div>}</TD>
                <TD>
                  {m.role === "owner" && myRole !== "owner" ? <Badge tone="indigo">owner</Badge> : (
                    <Select aria-label={`Role of ${m.email}`} value={m.role} className="w-32" onChange={(e) => setMember.mutate({ email: m.email, role: e.target.value as Role })}>
                      {roles.map((r) => <option key={r} value={r}>{r}</option>)}
                    </Select>
                  )}
                </TD>
                <TD className="whitespace-nowrap">{dateTime(m.since)}</TD>
                <TD>{(m.role !== "owner" || myRole === "owner") && <Button size="sm" variant="danger" onClick={() => remove.mutate({ userId: m.id })}>Remove</Button>}</TD>
              </TR>
            ))}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
