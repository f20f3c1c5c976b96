"use client";
// API keys of the selected tenant: create with name, scopes and expiry (the secret is
// shown once, with a copy button), list with prefix, last use and creator, revoke.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Checkbox, describedBy, Field, Input, Select } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/errors";
import { ago, dateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const SCOPE_HELP: Record<string, string> = {
  "jobs:read": "read jobs, results, tasks",
  "jobs:write": "submit, cancel, redrive",
  workers: "run remote workers",
  admin: "platform administration (all tenants)",
};
const EXPIRY = [{ v: "", l: "Never" }, { v: "7", l: "7 days" }, { v: "30", l: "30 days" }, { v: "90", l: "90 days" }, { v: "365", l: "1 year" }];

export function ApiKeys({ tenantName }: { tenantName: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const grantable = useQuery(trpc.apiKeys.grantableScopes.queryOptions());
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["jobs:read", "jobs:write"]);
  const [expiry, setExpiry] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const create = useMutation(trpc.apiKeys.create.mutationOptions({
    onSuccess: (k) => { setSecret({ name: k.name, key: k.secret }); setName(""); void qc.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }); },
    onError: (e) => setError(errorMessage(e)),
  }));
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({
    onSuccess: () => { toast.success("Key revoked: requests with it now get 401."); setRevoking(null); void qc.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }); },
    onError: (e) => toast.error(errorMessage(e)),
  }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError("Give the key a name, e.g. the system that will use it.");
    if (scopes.length === 0) return setError("Choose at least one scope.");
    setError(null);
    create.mutate({ name: name.trim(), scopes: scopes as never, expiresAt: expiry ? new Date(Date.now() + Number(expiry) * 86_400_000) : undefined });
  };

  return (
    <div className="space-y-5">
      <PageHeader id="keys-heading" title="API keys" description={`Keys authenticate REST calls for ${tenantName}: send them as Authorization: Bearer <key>.`} />
      {secret && (
        <div role="status" className="rounded-lg border border-green-300 bg-green-50 p-4">
          <p className="font-medium text-green-900">Key “{secret.name}” created. Copy it now: it will not be shown again.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="new-api-key" className="min-w-0 flex-1 rounded border border-green-200 bg-white px-3 py-2 font-mono text-sm break-all">{secret.key}</code>
            <CopyButton value={secret.key} label="Copy key" />
            <Button size="sm" onClick={() => setSecret(null)}>Done</Button>
          </div>
        </div>
      )}
      <Card aria-labelledby="new-key-heading">
        <CardHeader id="new-key-heading" title="Create a key" />
        <CardBody>
          <form onSubmit={submit} noValidate className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <Field id="key-name" label="Name" error={error ?? undefined}>
                <Input id="key-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="ci-pipeline" {...describedBy("key-name", error ?? undefined)} />
              </Field>
              <Field id="key-expiry" label="Expires">
                <Select id="key-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
                  {EXPIRY.map((x) => <option key={x.v} value={x.v}>{x.l}</option>)}
                </Select>
              </Field>
            </div>
            <fieldset>
              <legend className="mb-2 text-sm font-medium text-slate-800">Scopes</legend>
              <div className="flex flex-wrap gap-x-6 gap-y-2">
                {(grantable.data ?? ["jobs:read", "jobs:write"]).map((s) => (
                  <Checkbox key={s} label={<span><span className="font-mono">{s}</span> <span className="text-slate-600">— {SCOPE_HELP[s] ?? ""}</span></span>}
                    checked={scopes.includes(s)} onChange={(e) => setScopes((x) => (e.target.checked ? [...x, s] : x.filter((y) => y !== s)))} />
                ))}
              </div>
            </fieldset>
            <Button type="submit" variant="primary" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create key"}</Button>
          </form>
        </CardBody>
      </Card>
      {keys.isError && <ErrorState error={keys.error} onRetry={() => keys.refetch()} title="Could not load keys" />}
      <Card>
        {keys.isPending ? <TableSkeleton rows={3} cols={6} /> : !keys.data?.length ? <EmptyState title="No API keys yet">Create one above to call the REST API.</EmptyState> : (
          <Table label="API keys">
            <THead><tr><TH>Name</TH><TH>Prefix</TH><TH>Scopes</TH><TH>Created</TH><TH>Last used</TH><TH>Expires</TH><TH>Status</TH><TH><span className="sr-only">Actions</span></TH></tr></THead>
            <tbody>
              {keys.data.map((k) => {
                const expired = !!k.expiresAt && new Date(k.expiresAt) <= new Date();
                const state = k.revokedAt ? "revoked" : expired ? "expired" : "active";
                return (
                  <TR key={k.id} data-testid="api-key-row">
                    <TD className="font-medium">{k.name}</TD>
                    <TD className="font-mono text-xs">{k.prefix}…</TD>
                    <TD><div className="flex flex-wrap gap-1">{k.scopes.map((s) => <Badge key={s} tone={s === "admin" ? "red" : "indigo"}>{s}</Badge>)}</div></TD>
                    <TD className="whitespace-nowrap">{dateTime(k.createdAt)}<div className="text-xs text-slate-600">{k.createdBy ?? "CLI / seed"}</div></TD>
                    <TD className="whitespace-nowrap">{ago(k.lastUsedAt)}</TD>
                    <TD className="whitespace-nowrap">{k.expiresAt ? dateTime(k.expiresAt) : "never"}</TD>
                    <TD><Badge tone={state === "active" ? "green" : "neutral"}>{state}</Badge></TD>
                    <TD>{state !== "revoked" && <Button size="sm" variant="danger" onClick={() => setRevoking({ id: k.id, name: k.name })}>Revoke</Button>}</TD>
                  </TR>
                );
              })}
            </tbody>
          </Table>
        )}
      </Card>
      <ConfirmDialog open={!!revoking} title="Revoke this key?" confirmLabel="Revoke key" variant="danger" pending={revoke.isPending}
        onClose={() => setRevoking(null)} onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}>
        {revoking && <>Requests using “{revoking.name}” will get 401 at once. This cannot be undone.</>}
      </ConfirmDialog>
    </div>
  );
}
