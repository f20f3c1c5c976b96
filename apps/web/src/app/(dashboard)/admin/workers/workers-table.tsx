"use client";
// Live workers from worker_heartbeats, refreshed every 2 s: host, pid, pool, slots,
// running tasks and heartbeat age; a worker silent for over a minute shows as stale.
import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { dateTime, duration, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

export function WorkersTable() {
  const trpc = useTRPC();
  const workers = useQuery({ ...trpc.admin.workers.queryOptions(), refetchInterval: 2_000 });
  const live = workers.data?.workers.filter((w) => w.live).length ?? 0;
  return (
    <div className="space-y-5">
      <PageHeader id="workers-heading" title="Workers" description={workers.data ? `${live} live of ${workers.data.workers.length} known, in ${workers.data.pools.length} pools.` : "Loading…"} />
      {workers.isError && <ErrorState error={workers.error} onRetry={() => workers.refetch()} title="Could not load workers" />}
      <Card>
        {workers.isPending ? <TableSkeleton rows={4} cols={7} /> : !workers.data?.workers.length ? <EmptyState title="No workers have reported yet" /> : (
          <Table label="Workers">
            <THead><tr><TH>Worker</TH><TH>Host / pid</TH><TH>Pool</TH><TH>Running / slots</TH><TH>Last heartbeat</TH><TH>Up since</TH><TH>Liveness</TH></tr></THead>
            <tbody>
              {workers.data.workers.map((w) => (
                <TR key={w.id} data-testid="worker-row">
                  <TD className="max-w-64 truncate font-mono text-xs" title={w.id}>{w.id}</TD>
                  <TD className="font-mono text-xs">{w.host} / {w.pid}</TD>
                  <TD className="font-mono">{w.pool}{w.handlers.length > 0 && <div className="text-xs text-slate-600">{w.handlers.join(", ")}</div>}</TD>
                  <TD className="tabular-nums">
                    {num(w.running)} / {num(w.concurrency)}
                    <div className="mt-1 h-1 w-20 overflow-hidden rounded-full bg-slate-200" aria-hidden><div className="h-full bg-indigo-500" style={{ width: `${w.concurrency ? (w.running / w.concurrency) * 100 : 0}%` }} /></div>
                  </TD>
                  <TD className="tabular-nums">{duration(w.heartbeatAgeSec * 1000)} ago</TD>
                  <TD className="whitespace-nowrap">{dateTime(w.startedAt)}</TD>
                  <TD><Badge tone={w.live ? "green" : "red"} dot>{w.live ? "live" : "stale"}</Badge></TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
