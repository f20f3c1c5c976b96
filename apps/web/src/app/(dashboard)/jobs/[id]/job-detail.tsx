"use client";
// The job page: header and controls, why it is waiting, live progress with ETA, charts
// (loaded after first paint) and tabs for tasks, results and dead letters.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState } from "react";
import type { JobView } from "@fanout/engine";
import { Counters, ProgressBar } from "@/components/progress";
import { StatusChip } from "@/components/status-chip";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs } from "@/components/ui/tabs";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/errors";
import { dateTime, duration, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { DeadLetters } from "./dead-letters";
import { ResultCard } from "./result-card";
import { ResultsPreview } from "./results-preview";
import { TasksTable } from "./tasks-table";
import { useEta, useLiveJob, useNow, useSettled, type LiveState } from "./use-live-job";

const JobCharts = dynamic(() => import("./job-charts"), {
  ssr: false,
  loading: () => <div className="grid gap-4 lg:grid-cols-3"><Skeleton className="h-56" /><Skeleton className="h-56" /><Skeleton className="h-56" /></div>,
});

const LIVE_TEXT: Record<LiveState, string> = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", finished: "Finished" };

function Controls({ job, canWrite }: { job: JobView; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const opts = (done: string) => ({
    onSuccess: (view: JobView) => {
      qc.setQueryData(trpc.jobs.get.queryKey({ id: job.id }), (old: JobView | undefined) => ({ ...old, ...view }));
      void qc.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
      toast.success(done);
    },
    onError: (e: unknown) => toast.error(errorMessage(e)),
  });
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ ...opts("Job cancelled."), onSettled: () => setConfirmCancel(false) }));
  const pause = useMutation(trpc.jobs.pause.mutationOptions(opts("Job paused: nothing new starts until you resume.")));
  const resume = useMutation(trpc.jobs.resume.mutationOptions(opts("Job resumed.")));
  const redrive = useMutation(trpc.jobs.redrive.mutationOptions(opts("Failed items sent back to work.")));
  if (!canWrite) return null;
  const active = job.status === "queued" || job.status === "running";
  return (
    <div className="flex flex-wrap gap-2">
      {active && (job.paused
        ? <Button onClick={() => resume.mutate({ id: job.id })} disabled={resume.isPending}>Resume</Button>
        : <Button onClick={() => pause.mutate({ id: job.id })} disabled={pause.isPending}>Pause</Button>)}
      {job.progress.dead > 0 && job.status !== "cancelled" && (
        <Button onClick={() => redrive.mutate({ id: job.id })} disabled={redrive.isPending}>Retry failed ({num(job.progress.dead)})</Button>
      )}
      {active && <Button variant="danger" onClick={() => setConfirmCancel(true)}>Cancel job</Button>}
      <ConfirmDialog open={confirmCancel} title="Cancel this job?" confirmLabel="Cancel job" variant="danger" pending={cancel.isPending}
        onClose={() => setConfirmCancel(false)} onConfirm={() => cancel.mutate({ id: job.id })}>
        Queued and running work stops; finished results are kept. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}

export function JobDetail({ initial, canWrite }: { initial: JobView; canWrite: boolean }) {
  const { job, terminal, live } = useLiveJob(initial.id, initial);
  const p = job.progress;
  const { rate, etaMs } = useEta(job, !terminal);
  const waiting = useSettled(job.waiting ?? null, 1_500);
  // Times and elapsed are rendered only in the browser: its clock and time zone, not the server's.
  const now = useNow(1_000, !terminal);
  const elapsed = now !== null && job.startedAt ? (job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.startedAt) : null;
  const at = (iso: string | null | undefined) => (now === null ? "…" : dateTime(iso));

  return (
    <section aria-labelledby="job-heading" className="space-y-5">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 id="job-heading" className="text-2xl font-semibold tracking-tight break-all text-slate-900">{job.name}</h1>
            <StatusChip status={job.status} paused={job.paused} />
            <span className="text-xs text-slate-600" aria-live="polite" data-testid="live-state">
              <span aria-hidden className={live === "live" ? "text-green-600" : "text-slate-500"}>● </span>{LIVE_TEXT[live]}
            </span>
          </div>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <span className="font-mono">{job.id}</span>
            <CopyButton value={job.id} label="Copy id" />
          </div>
        </div>
        <Controls job={job} canWrite={canWrite} />
      </div>

      {waiting && (
        <div role="status" data-testid="waiting-reason" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">Why isn&apos;t it running? <code className="ml-1 rounded bg-amber-100 px-1 font-mono text-xs">{waiting.reason}</code></p>
          <p>{waiting.message}{waiting.estimatedStartAt && <> Expected to start around {at(waiting.estimatedStartAt)}.</>}</p>
        </div>
      )}

      <Card aria-labelledby="progress-heading">
        <CardHeader id="progress-heading" title="Progress"
          actions={<span className="text-sm tabular-nums text-slate-700">{num(p.succeeded + p.dead)} / {num(p.total)} items ({p.total ? Math.floor(((p.succeeded + p.dead) / p.total) * 100) : 0}%)</span>} />
        <CardBody className="space-y-4">
          <ProgressBar progress={p} />
          <Counters progress={p} />
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
            <div><dt className="text-slate-600">Throughput</dt><dd className="tabular-nums font-medium">{rate > 0 ? `${num(rate, 1)} items/s` : "—"}</dd></div>
            <div><dt className="text-slate-600">ETA</dt><dd data-testid="eta" className="tabular-nums font-medium">{terminal ? "done" : etaMs !== null ? duration(etaMs) : "—"}</dd></div>
            <div><dt className="text-slate-600">Elapsed</dt><dd className="tabular-nums font-medium">{duration(elapsed)}</dd></div>
            <div><dt className="text-slate-600">Tasks</dt><dd className="tabular-nums font-medium">{num(job.taskCount)} × up to {num(job.chunkSize)}</dd></div>
          </dl>
        </CardBody>
      </Card>

      {job.result && <ResultCard result={job.result} />}

      <Card aria-labelledby="details-heading">
        <CardHeader id="details-heading" title="Details" />
        <CardBody>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm lg:grid-cols-4">
            <div><dt className="text-slate-600">Handler</dt><dd className="font-mono">{job.handler}</dd></div>
            <div><dt className="text-slate-600">Input</dt><dd>{job.input.kind === "items" ? `${num(job.input.count)} items` : `range ${num(job.input.from)} … ${num(job.input.to - 1)}`}</dd></div>
            <div><dt className="text-slate-600">Priority / attempts / timeout</dt><dd>{job.priority} / {job.maxAttempts} / {num(job.timeoutMs)} ms</dd></div>
            <div><dt className="text-slate-600">Pool</dt><dd className="font-mono">{job.pool}</dd></div>
            <div><dt className="text-slate-600">Created</dt><dd>{at(job.createdAt)}</dd></div>
            <div><dt className="text-slate-600">Started</dt><dd>{at(job.startedAt)}</dd></div>
            <div><dt className="text-slate-600">Finished</dt><dd>{at(job.finishedAt)}</dd></div>
            <div><dt className="text-slate-600">Labels</dt><dd className="flex flex-wrap gap-1">{Object.keys(job.labels).length ? Object.entries(job.labels).map(([k, v]) => <Badge key={k} tone="indigo">{k}={v}</Badge>) : "—"}</dd></div>
          </dl>
        </CardBody>
      </Card>

      <Card aria-labelledby="charts-heading">
        <CardHeader id="charts-heading" title="Charts" description="Aggregated on the server from at most 5,000 of the job's tasks." />
        <CardBody><JobCharts id={job.id} live={!terminal} /></CardBody>
      </Card>

      <Card>
        <CardBody>
          <Tabs label="Job data" tabs={[
            { id: "results", title: "Results", content: <ResultsPreview id={job.id} /> },
            { id: "tasks", title: `Tasks (${num(job.taskCount)})`, content: <TasksTable id={job.id} /> },
            { id: "dead", title: `Dead letters (${num(p.dead)})`, content: <DeadLetters id={job.id} canWrite={canWrite} /> },
          ]} />
        </CardBody>
      </Card>
    </section>
  );
}
