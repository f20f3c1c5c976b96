"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Counters, ProgressBar } from "@/components/progress";
import { StatusChip } from "@/components/status-chip";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { ResultsPreview } from "./results-preview";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export function JobDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Poll every second until the job is terminal (live SSE updates replace this later).
  const job = useQuery({
    ...trpc.jobs.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && TERMINAL.has(q.state.data.status) ? false : 1_000),
  });
  const me = useQuery(trpc.tenants.mine.queryOptions());
  const role = me.data?.memberships.find((m) => m.tenantId === me.data?.current)?.role;
  const canWrite = role !== undefined && role !== "viewer";
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: refresh }));
  const redrive = useMutation(trpc.jobs.redrive.mutationOptions({ onSuccess: refresh }));

  if (job.isPending) return <p>Loading…</p>;
  if (job.isError) {
    return (
      <div role="alert">
        <p className="mb-2 text-lg">{errorCode(job.error) === "NOT_FOUND" ? "No job with that id exists in this tenant." : errorMessage(job.error)}</p>
        <Link href="/jobs" className="text-indigo-700 hover:underline">Back to jobs</Link>
      </div>
    );
  }
  const j = job.data;
  const terminal = TERMINAL.has(j.status);
  const actionError = cancel.error ?? redrive.error;

  return (
    <section aria-labelledby="job-heading" className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="job-heading" className="text-2xl font-semibold">{j.name}</h1>
        <StatusChip status={j.status} />
        <div className="ml-auto flex gap-2">
          {canWrite && !terminal && (
            <button type="button" onClick={() => cancel.mutate({ id })} disabled={cancel.isPending}
              className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60">
              {cancel.isPending ? "Cancelling…" : "Cancel job"}
            </button>
          )}
          {canWrite && j.progress.dead > 0 && (
            <button type="button" onClick={() => redrive.mutate({ id })} disabled={redrive.isPending}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60">
              {redrive.isPending ? "Redriving…" : `Redrive ${j.progress.dead} dead`}
            </button>
          )}
        </div>
      </div>
      {actionError && <p role="alert" className="text-sm text-red-700">{errorMessage(actionError)}</p>}

      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-500">Id</dt><dd className="font-mono">{j.id}</dd>
        <dt className="text-slate-500">Handler</dt><dd className="font-mono">{j.handler}</dd>
        <dt className="text-slate-500">Input</dt>
        <dd>{j.input.kind === "items" ? `${j.input.count} items` : `range ${j.input.from} … ${j.input.to - 1}`} in {j.taskCount} tasks of up to {j.chunkSize}</dd>
        <dt className="text-slate-500">Priority / attempts / timeout</dt><dd>{j.priority} / {j.maxAttempts} / {j.timeoutMs} ms</dd>
        <dt className="text-slate-500">Created</dt><dd>{fmt(j.createdAt)}</dd>
        <dt className="text-slate-500">Started</dt><dd>{fmt(j.startedAt)}</dd>
        <dt className="text-slate-500">Finished</dt><dd>{fmt(j.finishedAt)}</dd>
      </dl>

      <div className="space-y-3">
        <ProgressBar progress={j.progress} />
        <Counters progress={j.progress} />
      </div>

      <ResultsPreview id={id} live={!terminal} />
    </section>
  );
}
