"use client";
// Edit one tenant's quota. Validated here with the shared schema (ranges and minPriority ≤
// maxPriority), again on the server; only changed fields are sent; each save writes an
// audit entry, listed below, and the engine applies it on its next round (< 1 s).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { quotaFieldsSchema, quotaProblems, type QuotaFields } from "@fanout/validators";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { describedBy, Field, Input } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { PageSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { errorMessage, fanoutError } from "@/lib/errors";
import { dateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const FIELDS: { key: keyof QuotaFields; label: string; hint: string; step?: string }[] = [
  { key: "maxConcurrent", label: "Max concurrent tasks", hint: "Tasks admitted or running at once." },
  { key: "maxQueuedItems", label: "Max queued items", hint: "Unfinished items across active jobs." },
  { key: "submitRatePerSec", label: "Submit rate (jobs/s)", hint: "Token bucket refill rate.", step: "any" },
  { key: "submitBurst", label: "Submit burst", hint: "Token bucket size." },
  { key: "weight", label: "Fair-share weight", hint: "Share of capacity relative to other tenants." },
  { key: "maxItemsPerJob", label: "Max items per job", hint: "Larger jobs are refused with 422." },
  { key: "maxPayloadBytes", label: "Max payload (bytes)", hint: "Largest submit body." },
  { key: "minPriority", label: "Min priority", hint: "0 to 10." },
  { key: "maxPriority", label: "Max priority", hint: "0 to 10." },
];

export function QuotaEditor({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const quota = useQuery(trpc.admin.quota.queryOptions({ slug }));
  const audit = useQuery(trpc.admin.audit.queryOptions({ tenant: slug, action: "quota.", limit: 10 }));
  const [form, setForm] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (quota.data) setForm(Object.fromEntries(FIELDS.map((f) => [f.key, String(quota.data[f.key])])));
  }, [quota.data]);
  const save = useMutation(trpc.admin.updateQuota.mutationOptions({
    onSuccess: () => {
      toast.success("Quota saved; it applies within a second.");
      void qc.invalidateQueries({ queryKey: trpc.admin.pathKey() });
    },
    onError: (e) => {
      const body = fanoutError(e);
      setErrors({ [body?.field?.replace(/^changes\./, "") ?? "form"]: body?.message ?? errorMessage(e) });
    },
  }));

  if (quota.isPending) return <PageSkeleton title="Loading quota" />;
  if (quota.isError) return <ErrorState error={quota.error} onRetry={() => quota.refetch()} title={`Could not load the quota of ${slug}`} />;
  const q = quota.data;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const values = Object.fromEntries(FIELDS.map((f) => [f.key, form[f.key]?.trim() === "" ? NaN : Number(form[f.key])]));
    const parsed = quotaFieldsSchema.safeParse(values);
    if (!parsed.success) return setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
    const cross = quotaProblems(parsed.data);
    if (cross.length) return setErrors(Object.fromEntries(cross.map((p) => [p.field, p.message])));
    const changes = Object.fromEntries(FIELDS.filter((f) => parsed.data[f.key] !== q[f.key]).map((f) => [f.key, parsed.data[f.key]]));
    setErrors({});
    if (Object.keys(changes).length === 0) return toast.info("Nothing changed.");
    save.mutate({ slug, changes });
  };

  return (
    <div className="space-y-5">
      <PageHeader id="quota-heading" title={`Quota of ${q.tenant.name}`} description={<>Tenant <span className="font-mono">{q.tenant.slug}</span> · last changed {dateTime(q.updatedAt)}</>}
        actions={<Link href="/admin/tenants" className="text-sm font-medium text-indigo-700 hover:underline">All tenants</Link>} />
      <Card>
        <CardBody>
          <form onSubmit={submit} noValidate className="space-y-5">
            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {FIELDS.map((f) => (
                <Field key={f.key} id={`quota-${f.key}`} label={f.label} hint={f.hint} error={errors[f.key]}>
                  <Input id={`quota-${f.key}`} type="number" step={f.step ?? "1"} value={form[f.key] ?? ""}
                    onChange={(e) => setForm((s) => ({ ...s, [f.key]: e.target.value }))} {...describedBy(`quota-${f.key}`, errors[f.key], true)} />
                </Field>
              ))}
            </div>
            {errors.form && <p role="alert" className="text-sm text-red-700">{errors.form}</p>}
            <Button type="submit" variant="primary" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save quota"}</Button>
          </form>
        </CardBody>
      </Card>
      <Card aria-labelledby="quota-audit-heading">
        <CardHeader id="quota-audit-heading" title="Recent quota changes" />
        {audit.isError ? <CardBody><ErrorState error={audit.error} onRetry={() => audit.refetch()} /></CardBody> : !audit.data?.data.length ? <EmptyState title="No changes yet" /> : (
          <Table label="Recent quota changes">
            <THead><tr><TH>When</TH><TH>Who</TH><TH>Changes</TH></tr></THead>
            <tbody>
              {audit.data.data.map((a) => (
                <TR key={a.id} data-testid="quota-audit-row">
                  <TD className="whitespace-nowrap">{dateTime(a.at)}</TD>
                  <TD>{a.actor}</TD>
                  <TD className="font-mono text-xs">{Object.entries((a.details.changes ?? {}) as Record<string, { from: unknown; to: unknown }>).map(([k, v]) => `${k}: ${v.from} → ${v.to}`).join(", ") || "—"}</TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
