"use client";
// The job's tasks, a page at a time (cursor = next seq): never more than PAGE rows read
// or rendered, however many tasks the job has.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { duration, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const PAGE = 25;
const TONE: Record<string, Tone> = { pending: "neutral", queued: "neutral", running: "blue", backoff: "amber", done: "green", cancelled: "amber" };

export function TasksTable({ id }: { id: string }) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const tasks = useQuery({ ...trpc.jobs.tasks.queryOptions({ id, limit: PAGE, cursor }), placeholderData: keepPreviousData });
  if (tasks.isPending) return <TableSkeleton rows={5} cols={6} />;
  if (tasks.isError) return <ErrorState error={tasks.error} onRetry={() => tasks.refetch()} title="Could not load tasks" />;
  if (tasks.data.data.length === 0) return <EmptyState title="No tasks" />;
  return (
    <div>
      <Table label="Tasks">
        <THead>
          <tr><TH>Task</TH><TH>Items</TH><TH>Status</TH><TH>Attempt</TH><TH>Worker</TH><TH>Duration</TH><TH>Last error</TH></tr>
        </THead>
        <tbody>
          {tasks.data.data.map((t) => (
            <TR key={t.seq} data-testid="task-row">
              <TD className="tabular-nums">#{t.seq}</TD>
              <TD className="tabular-nums text-slate-700">{num(t.firstIndex)}–{num(t.firstIndex + t.itemCount - 1)}</TD>
              <TD><Badge tone={TONE[t.status] ?? "neutral"}>{t.status}</Badge></TD>
              <TD className="tabular-nums">{t.attempt}</TD>
              <TD className="max-w-48 truncate font-mono text-xs" title={t.workerId ?? undefined}>{t.workerId ?? "—"}</TD>
              <TD className="tabular-nums">{duration(t.durationMs)}</TD>
              <TD className="max-w-80 truncate text-xs text-red-700" title={t.lastError ?? undefined}>{t.lastError ?? ""}</TD>
            </TR>
          ))}
        </tbody>
      </Table>
      <nav aria-label="Tasks pagination" className="mt-3 flex items-center justify-end gap-2 text-sm">
        <span className="mr-auto text-slate-600">Page {cursors.length}</span>
        <Button size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>Previous</Button>
        <Button size="sm" disabled={!tasks.data.nextCursor} onClick={() => tasks.data.nextCursor && setCursors((c) => [...c, tasks.data.nextCursor!])}>Next</Button>
      </nav>
    </div>
  );
}
