"use client";
// Users: create a user with a first password, and give or take a role in a tenant.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ROLE_NAMES, userCreateSchema } from "@fanout/validators";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Checkbox, describedBy, Field, Input, Select } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

export function UsersAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const users = useQuery(trpc.admin.users.queryOptions());
  const tenants = useQuery(trpc.admin.tenants.queryOptions());
  const [u, setU] = useState({ email: "", name: "", password: "", isPlatformAdmin: false });
  const [m, setM] = useState({ email: "", slug: "", role: "member" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const createUser = useMutation(trpc.admin.createUser.mutationOptions({
    onSuccess: (r) => { toast.success(`User ${r.email} created.`); setU({ email: "", name: "", password: "", isPlatformAdmin: false }); void refresh(); },
    onError: (e) => setErrors({ user: errorMessage(e) }),
  }));
  const setMembership = useMutation(trpc.admin.setMembership.mutationOptions({
    onSuccess: (r) => { toast.success(r.role ? `${r.email} is now ${r.role} in ${r.slug}.` : `${r.email} removed from ${r.slug}.`); void refresh(); },
    onError: (e) => setErrors({ membership: errorMessage(e) }),
  }));
  const submitUser = (e: FormEvent) => {
    e.preventDefault();
    const r = userCreateSchema.safeParse({ ...u, name: u.name || undefined });
    if (!r.success) return setErrors(Object.fromEntries(r.error.issues.map((i) => [`u-${String(i.path[0])}`, i.message])));
    setErrors({});
    createUser.mutate(r.data);
  };
  const submitMembership = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    const slug = m.slug || tenants.data?.[0]?.slug || "";
    setMembership.mutate({ email: m.email, slug, role: m.role === "none" ? null : (m.role as (typeof ROLE_NAMES)[number]) });
  };

  return (
    <div className="space-y-5">
      <PageHeader id="users-heading" title="Users" description="People who can sign in, and their roles per tenant." />
      <div className="grid gap-5 lg:grid-cols-2">
        <Card aria-labelledby="new-user-heading">
          <CardHeader id="new-user-heading" title="Create a user" />
          <CardBody>
            <form onSubmit={submitUser} noValidate className="space-y-3">
              <Field id="u-email" label="Email" error={errors["u-email"]}><Input id="u-email" type="email" value={u.email} onChange={(e) => setU({ ...u, email: e.target.value })} {...describedBy("u-email", errors["u-email"])} /></Field>
              <Field id="u-name" label="Name (optional)"><Input id="u-name" value={u.name} onChange={(e) => setU({ ...u, name: e.target.value })} /></Field>
              <Field id="u-password" label="First password" error={errors["u-password"]} hint="At least 12 characters; share it privately.">
                <Input id="u-password" type="password" autoComplete="new-password" value={u.password} onChange={(e) => setU({ ...u, password: e.target.value })} {...describedBy("u-password", errors["u-password"], true)} />
              </Field>
              <Checkbox label="Platform administrator" checked={u.isPlatformAdmin} onChange={(e) => setU({ ...u, isPlatformAdmin: e.target.checked })} />
              {errors.user && <p role="alert" className="text-sm text-red-700">{errors.user}</p>}
              <Button type="submit" variant="primary" disabled={createUser.isPending}>Create user</Button>
            </form>
          </CardBody>
        </Card>
        <Card aria-labelledby="membership-heading">
          <CardHeader id="membership-heading" title="Set a role in a tenant" />
          <CardBody>
            <form onSubmit={submitMembership} noValidate className="space-y-3">
              <Field id="m-email" label="User email"><Input id="m-email" type="email" value={m.email} onChange={(e) => setM({ ...m, email: e.target.value })} /></Field>
              <Field id="m-tenant" label="Tenant">
                <Select id="m-tenant" value={m.slug} onChange={(e) => setM({ ...m, slug: e.target.value })}>
                  {tenants.data?.map((t) => <option key={t.slug} value={t.slug}>{t.name} ({t.slug})</option>)}
                </Select>
              </Field>
              <Field id="m-role" label="Role">
                <Select id="m-role" value={m.role} onChange={(e) => setM({ ...m, role: e.target.value })}>
                  {ROLE_NAMES.map((r) => <option key={r} value={r}>{r}</option>)}
                  <option value="none">remove from tenant</option>
                </Select>
              </Field>
              {errors.membership && <p role="alert" className="text-sm text-red-700">{errors.membership}</p>}
              <Button type="submit" variant="primary" disabled={setMembership.isPending}>Save role</Button>
            </form>
          </CardBody>
        </Card>
      </div>
      {users.isError && <ErrorState error={users.error} onRetry={() => users.refetch()} title="Could not load users" />}
      <Card>
        {users.isPending ? <TableSkeleton rows={3} cols={3} /> : (
          <Table label="Users">
            <THead><tr><TH>User</TH><TH>Tenants</TH><TH>Platform admin</TH></tr></THead>
            <tbody>
              {users.data?.map((x) => (
                <TR key={x.id} data-testid="user-row">
                  <TD><div className="font-medium">{x.email}</div>{x.name && <div className="text-xs text-slate-600">{x.name}</div>}</TD>
                  <TD><div className="flex flex-wrap gap-1">{x.memberships.length ? x.memberships.map((mm) => <Badge key={mm.tenant.slug}>{mm.tenant.slug}: {mm.role}</Badge>) : <span className="text-slate-600">none</span>}</div></TD>
                  <TD>{x.isPlatformAdmin ? <Badge tone="indigo">yes</Badge> : "no"}</TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
