"use client";
// The jobs list: status chips, handler/label/date filters and search kept in the URL (so a
// filtered view can be shared and survives reload), cursor pagination, refreshed every 5 s.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { JOB_STATUSES, type JobStatusName } from "@fanout/validators";
import { ProgressBar } from "@/components/progress";
import { StatusChip } from "@/components/status-chip";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/form";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { cn } from "@/components/ui/cn";
import { dateTime, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const PAGE_SIZE = 20;
const FILTERS = ["status", "handler", "label", "from", "to", "q"] as const;

/** A yyyy-mm-dd from a date input as the start of that local day, in ISO. */
const dayStart = (d: string, plusDays = 0) => {
  const [y, m, day] = d.split("-").map(Number);
  return new Date(y!, m! - 1, day! + plusDays).toISOString();
};

export function JobsList({ canSubmit }: { canSubmit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ""])) as Record<(typeof FILTERS)[number], string>;
  const [labelDraft, setLabelDraft] = useState(f.label);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];

  const setFilter = (k: (typeof FILTERS)[number], v: string) => {
    const next = new URLSearchParams(params.toString());
    if (v) next.set(k, v);
    else next.delete(k);
    setCursors([undefined]);
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: false });
  };
  const labelValid = !f.label || /^[^=]+=.*$/.test(f.label);
  const input = {
    status: (f.status || undefined) as JobStatusName | undefined,
    handler: f.handler || undefined,
    label: labelValid && f.label ? f.label : undefined,
    createdFrom: f.from ? dayStart(f.from) : undefined,
    createdTo: f.to ? dayStart(f.to, 1) : undefined,
    q: f.q.trim() || undefined,
    limit: PAGE_SIZE,
    cursor,
  };
  const jobs = useQuery({ ...trpc.jobs.list.queryOptions(input), placeholderData: keepPreviousData, refetchInterval: 5_000 });
  const handlers = useQuery(trpc.jobs.handlers.queryOptions());
  const filtered = FILTERS.some((k) => f[k]);

  return (
    <section aria-labelledby="jobs-heading">
      <PageHeader id="jobs-heading" title="Jobs" description="Every job of this tenant, newest first."
        actions={canSubmit && <ButtonLink href="/jobs/new" variant="primary">New job</ButtonLink>} />

      <div role="group" aria-label="Filter by status" className="mb-3 flex flex-wrap gap-1.5">
        {(["", ...JOB_STATUSES] as const).map((s) => (
          <button key={s || "all"} type="button" aria-pressed={f.status === s} onClick={() => setFilter("status", s)}
            className={cn("rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-indigo-600",
              f.status === s ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50")}>
            {s || "All"}
          </button>
        ))}
      </div>

      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <label className="text-sm lg:col-span-2">
          <span className="mb-1 block text-slate-700">Search</span>
          <Input type="search" value={f.q} maxLength={200} placeholder="Name or job id" onChange={(e) => setFilter("q", e.target.value)} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-700">Handler</span>
          <Select value={f.handler} onChange={(e) => setFilter("handler", e.target.value)}>
            <option value="">Any handler</option>
            {(handlers.data ?? []).concat(f.handler && !handlers.data?.includes(f.handler) ? [f.handler] : []).map((h) => <option key={h} value={h}>{h}</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-700">Label</span>
          <Input value={labelDraft} placeholder="env=prod" aria-invalid={!labelValid || undefined} aria-describedby={!labelValid ? "label-filter-error" : undefined}
            onChange={(e) => setLabelDraft(e.target.value)} onBlur={() => setFilter("label", labelDraft.trim())}
            onKeyDown={(e) => e.key === "Enter" && setFilter("label", labelDraft.trim())} />
          {!labelValid && <span id="label-filter-error" className="mt-1 block text-xs text-red-700">Use key=value</span>}
        </label>
        <div className="grid grid-cols-2 gap-2 text-sm sm:col-span-2 lg:col-span-2">
          <label><span className="mb-1 block text-slate-700">From</span><Input type="date" value={f.from} onChange={(e) => setFilter("from", e.target.value)} /></label>
          <label><span className="mb-1 block text-slate-700">To</span><Input type="date" value={f.to} onChange={(e) => setFilter("to", e.target.value)} /></label>
        </div>
      </div>

      {jobs.isError && <div className="mb-3"><ErrorState error={jobs.error} onRetry={() => jobs.refetch()} title="Could not load jobs" /></div>}

      <Card>
        {jobs.isPending ? <TableSkeleton rows={6} cols={5} /> : jobs.data && jobs.data.data.length === 0 ? (
          filtered ? (
            <EmptyState title="No jobs match these filters" action={<Button onClick={() => { setLabelDraft(""); router.replace(pathname); }}>Clear filters</Button>} />
          ) : (
            <EmptyState title="No jobs yet" action={canSubmit && <ButtonLink href="/jobs/new" variant="primary">Submit your first job</ButtonLink>}>
              Submit one from the form, or POST to <code className="font-mono">/api/v1/jobs</code> with an API key.
            </EmptyState>
          )
        ) : (
          <Table label="Jobs">
            <THead>
              <tr><TH>Name</TH><TH>Handler</TH><TH>Status</TH><TH className="w-36">Progress</TH><TH>Labels</TH><TH>Created</TH></tr>
            </THead>
            <tbody>
              {jobs.data?.data.map((job) => (
                <TR key={job.id} data-testid="job-row" className="hover:bg-slate-50">
                  <TD>
                    <Link href={`/jobs/${job.id}`} className="font-medium text-indigo-700 hover:underline">{job.name}</Link>
                    <div className="font-mono text-xs text-slate-600">{job.id}</div>
                  </TD>
                  <TD className="font-mono">{job.handler}</TD>
                  <TD><StatusChip status={job.status} paused={job.paused} /></TD>
                  <TD>
                    <ProgressBar progress={job.progress} size="sm" />
                    <div className="mt-1 text-xs tabular-nums text-slate-600">{num(job.progress.succeeded + job.progress.dead)} / {num(job.progress.total)}</div>
                  </TD>
                  <TD>
                    <div className="flex max-w-56 flex-wrap gap-1">
                      {Object.entries(job.labels).slice(0, 4).map(([k, v]) => (
                        <button key={k} type="button" onClick={() => { setLabelDraft(`${k}=${v}`); setFilter("label", `${k}=${v}`); }} title="Filter by this label">
                          <Badge tone="indigo">{k}={v}</Badge>
                        </button>
                      ))}
                    </div>
                  </TD>
                  <TD className="whitespace-nowrap text-slate-600"><time dateTime={job.createdAt}>{dateTime(job.createdAt)}</time></TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      <nav aria-label="Pagination" className="mt-3 flex items-center justify-end gap-2 text-sm">
        <span className="mr-auto text-slate-600">Page {cursors.length}</span>
        <Button size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>Previous</Button>
        <Button size="sm" disabled={!jobs.data?.nextCursor} onClick={() => jobs.data?.nextCursor && setCursors((c) => [...c, jobs.data!.nextCursor!])}>Next</Button>
      </nav>
    </section>
  );
}
