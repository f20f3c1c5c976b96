"use client";
// Tenants: create, suspend/reactivate, pause or resume all of a tenant's work, and a link
// to each tenant's quota. Every action is audit-logged by the server.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { tenantCreateSchema } from "@fanout/validators";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Checkbox, describedBy, Field, Input } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/errors";
import { num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

function CreateTenant() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const [join, setJoin] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation(trpc.admin.createTenant.mutationOptions({
    onSuccess: (t) => {
      toast.success(`Tenant ${t.slug} created.`);
      setSlug(""); setName(""); setErrors({});
      void qc.invalidateQueries({ queryKey: trpc.admin.pathKey() });
    },
    onError: (e) => setErrors({ form: errorMessage(e) }),
  }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = tenantCreateSchema.safeParse({ slug, name, joinAsOwner: join });
    if (!r.success) return setErrors(Object.fromEntries(r.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message])));
    setErrors({});
    create.mutate(r.data);
  };
  return (
    <Card aria-labelledby="create-tenant-heading">
      <CardHeader id="create-tenant-heading" title="Create a tenant" />
      <CardBody>
        <form onSubmit={submit} noValidate className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto_auto]">
          <Field id="tenant-slug" label="Slug" error={errors.slug} hint="Lowercase letters, digits, hyphens.">
            <Input id="tenant-slug" value={slug} onChange={(e) => setSlug(e.target.value)} {...describedBy("tenant-slug", errors.slug, true)} />
          </Field>
          <Field id="tenant-name" label="Name" error={errors.name}>
            <Input id="tenant-name" value={name} onChange={(e) => setName(e.target.value)} {...describedBy("tenant-name", errors.name)} />
          </Field>
          <Checkbox className="sm:mt-8" label="Make me owner" checked={join} onChange={(e) => setJoin(e.target.checked)} />
          <Button type="submit" variant="primary" className="sm:mt-6" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create tenant"}</Button>
          {errors.form && <p role="alert" className="text-sm text-red-700 sm:col-span-4">{errors.form}</p>}
        </form>
      </CardBody>
    </Card>
  );
}

type Pending = { slug: string; kind: "suspend" | "activate" | "pause" | "unpause" } | null;

export function TenantsAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const tenants = useQuery({ ...trpc.admin.tenants.queryOptions(), refetchInterval: 10_000 });
  const [pending, setPending] = useState<Pending>(null);
  const done = (msg: string) => ({
    onSuccess: () => { toast.success(msg); setPending(null); void qc.invalidateQueries({ queryKey: trpc.admin.pathKey() }); },
    onError: (e: unknown) => toast.error(errorMessage(e)),
  });
  const setStatus = useMutation(trpc.admin.setStatus.mutationOptions(done("Tenant status changed.")));
  const setPaused = useMutation(trpc.admin.setPaused.mutationOptions(done("Tenant work updated.")));
  const confirm = () => {
    if (!pending) return;
    if (pending.kind === "suspend" || pending.kind === "activate") setStatus.mutate({ slug: pending.slug, status: pending.kind === "suspend" ? "suspended" : "active" });
    else setPaused.mutate({ slug: pending.slug, paused: pending.kind === "pause" });
  };
  const TEXT = {
    suspend: ["Suspend this tenant?", "Its API keys stop working, its members lose access and nothing of it is admitted.", "Suspend"],
    activate: ["Reactivate this tenant?", "Its API keys and members get access again.", "Reactivate"],
    pause: ["Pause all of this tenant's work?", "Nothing new is admitted; running tasks finish. Jobs show the reason.", "Pause all work"],
    unpause: ["Resume this tenant's work?", "Admission starts again at once.", "Resume work"],
  } as const;

  return (
    <div className="space-y-5">
      <PageHeader id="tenants-heading" title="Tenants & quotas" description="Suspend a tenant, pause all of its work, or edit its quota." />
      <CreateTenant />
      {tenants.isError && <ErrorState error={tenants.error} onRetry={() => tenants.refetch()} title="Could not load tenants" />}
      <Card>
        {tenants.isPending ? <TableSkeleton rows={4} cols={6} /> : !tenants.data?.length ? <EmptyState title="No tenants yet" /> : (
          <Table label="Tenants">
            <THead><tr><TH>Tenant</TH><TH>State</TH><TH>Members</TH><TH>Active jobs</TH><TH>Queued items</TH><TH><span className="sr-only">Actions</span></TH></tr></THead>
            <tbody>
              {tenants.data.map((t) => (
                <TR key={t.id} data-testid="tenant-row">
                  <TD><div className="font-medium">{t.name}</div><div className="font-mono text-xs text-slate-600">{t.slug}</div></TD>
                  <TD><div className="flex flex-wrap gap-1">
                    <Badge tone={t.status === "active" ? "green" : "red"}>{t.status}</Badge>
                    {t.paused && <Badge tone="amber">work paused</Badge>}
                  </div></TD>
                  <TD className="tabular-nums">{t.members}</TD>
                  <TD className="tabular-nums">{num(t.activeJobs)}</TD>
                  <TD className="tabular-nums">{num(t.queuedItems)}</TD>
                  <TD>
                    <div className="flex flex-wrap justify-end gap-2">
                      <Link href={`/admin/tenants/${t.slug}`} className="inline-flex h-8 items-center rounded-md px-2.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50">Quota</Link>
                      <Button size="sm" onClick={() => setPending({ slug: t.slug, kind: t.paused ? "unpause" : "pause" })}>{t.paused ? "Resume work" : "Pause work"}</Button>
                      <Button size="sm" variant={t.status === "active" ? "danger" : "secondary"} onClick={() => setPending({ slug: t.slug, kind: t.status === "active" ? "suspend" : "activate" })}>
                        {t.status === "active" ? "Suspend" : "Reactivate"}
                      </Button>
                    </div>
                  </TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <ConfirmDialog open={!!pending} title={pending ? TEXT[pending.kind][0] : ""} confirmLabel={pending ? TEXT[pending.kind][2] : ""}
        variant={pending?.kind === "suspend" || pending?.kind === "pause" ? "danger" : "primary"} pending={setStatus.isPending || setPaused.isPending}
        onClose={() => setPending(null)} onConfirm={confirm}>
        {pending && <><span className="font-mono">{pending.slug}</span>: {TEXT[pending.kind][1]}</>}
      </ConfirmDialog>
    </div>
  );
}
