"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { JOB_STATUSES, type JobStatusName } from "@fanout/validators";
import { StatusChip } from "@/components/status-chip";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

const PAGE_SIZE = 20;

export function JobsList() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<JobStatusName | "">("");
  const [q, setQ] = useState("");
  // Cursors of the pages before the current one, so "Previous" can walk back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const jobs = useQuery({
    ...trpc.jobs.list.queryOptions({ status: status || undefined, q: q.trim() || undefined, limit: PAGE_SIZE, cursor }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const resetPaging = () => setCursors([undefined]);

  return (
    <section aria-labelledby="jobs-heading">
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <h1 id="jobs-heading" className="mr-auto text-2xl font-semibold">Jobs</h1>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">Status</span>
          <select value={status} onChange={(e) => { setStatus(e.target.value as JobStatusName | ""); resetPaging(); }}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5">
            <option value="">All</option>
            {JOB_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">Search</span>
          <input type="search" value={q} maxLength={200} placeholder="Name or id"
            onChange={(e) => { setQ(e.target.value); resetPaging(); }}
            className="rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <Link href="/jobs/new" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700">
          New job
        </Link>
      </div>

      {jobs.isError && <p role="alert" className="mb-3 text-red-700">{errorMessage(jobs.error)}</p>}

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">Name</th>
              <th scope="col" className="px-3 py-2 font-medium">Handler</th>
              <th scope="col" className="px-3 py-2 font-medium">Status</th>
              <th scope="col" className="px-3 py-2 font-medium">Progress</th>
              <th scope="col" className="px-3 py-2 font-medium">Created</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data?.data.map((job) => {
              const done = job.progress.succeeded + job.progress.dead;
              return (
                <tr key={job.id} data-testid="job-row" className="border-t border-slate-100 hover:bg-slate-50">
                  <td className="px-3 py-2">
                    <Link href={`/jobs/${job.id}`} className="font-medium text-indigo-700 hover:underline">{job.name}</Link>
                    <div className="font-mono text-xs text-slate-500">{job.id}</div>
                  </td>
                  <td className="px-3 py-2 font-mono">{job.handler}</td>
                  <td className="px-3 py-2"><StatusChip status={job.status} /></td>
                  <td className="px-3 py-2 tabular-nums">{done} / {job.progress.total}</td>
                  <td className="px-3 py-2 text-slate-600">
                    <time dateTime={job.createdAt}>{new Date(job.createdAt).toLocaleString()}</time>
                  </td>
                </tr>
              );
            })}
            {jobs.data && jobs.data.data.length === 0 && (
              <tr><td colSpan={5} className="px-3 py-8 text-center text-slate-500">No jobs yet.</td></tr>
            )}
            {jobs.isPending && (
              <tr><td colSpan={5} className="px-3 py-8 text-center text-slate-500">Loading…</td></tr>
            )}
          </tbody>
        </table>
      </div>

      <nav aria-label="Pagination" className="mt-3 flex justify-end gap-2 text-sm">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}
          className="rounded-md border border-slate-300 bg-white px-3 py-1 disabled:opacity-50">Previous</button>
        <button type="button" disabled={!jobs.data?.nextCursor}
          onClick={() => jobs.data?.nextCursor && setCursors((c) => [...c, jobs.data!.nextCursor!])}
          className="rounded-md border border-slate-300 bg-white px-3 py-1 disabled:opacity-50">Next</button>
      </nav>
    </section>
  );
}
