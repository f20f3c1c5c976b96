"use client";
// Results in item order, a page at a time through the engine, with downloads of the whole
// set streamed by /api/jobs/{id}/results (JSON or NDJSON).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc";

const PAGE = 50;

function show(value: unknown): string {
  const s = typeof value === "string" ? value : JSON.stringify(value) ?? "undefined";
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

export function ResultsPreview({ id }: { id: string }) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const results = useQuery({ ...trpc.jobs.results.queryOptions({ id, limit: PAGE, cursor }), placeholderData: keepPreviousData });
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <p className="mr-auto text-sm text-slate-600">In item order; {PAGE} per page.</p>
        <a className={buttonClass("secondary", "sm")} href={`/api/jobs/${id}/results?format=ndjson`} download>Download NDJSON</a>
        <a className={buttonClass("secondary", "sm")} href={`/api/jobs/${id}/results?format=json`} download>Download JSON</a>
      </div>
      {results.isPending ? <TableSkeleton rows={5} cols={3} /> : results.isError ? (
        <ErrorState error={results.error} onRetry={() => results.refetch()} title="Could not load results" />
      ) : results.data.data.length === 0 ? (
        <EmptyState title="No results yet">Results appear here as tasks finish.</EmptyState>
      ) : (
        <Table label="Results">
          <THead><tr><TH className="w-20">Index</TH><TH className="w-28">Status</TH><TH>Output / error</TH></tr></THead>
          <tbody>
            {results.data.data.map((r) => (
              <TR key={r.index} data-testid="result-row">
                <TD className="tabular-nums">{r.index}</TD>
                <TD className={r.status === "dead" ? "text-red-700" : "text-green-800"}>{r.status}</TD>
                <TD data-testid="result-output" className="font-mono text-xs break-all">{r.status === "dead" ? r.error : show(r.output)}</TD>
              </TR>
            ))}
          </tbody>
        </Table>
      )}
      <nav aria-label="Results pagination" className="mt-3 flex items-center justify-end gap-2 text-sm">
        <span className="mr-auto text-slate-600">Page {cursors.length}</span>
        <Button size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>Previous</Button>
        <Button size="sm" disabled={!results.data?.nextCursor} onClick={() => results.data?.nextCursor && setCursors((c) => [...c, results.data!.nextCursor!])}>Next</Button>
      </nav>
    </div>
  );
}
