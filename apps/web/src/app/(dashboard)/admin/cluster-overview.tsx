"use client";
// Cluster at a glance: pools and live workers, throughput, wait and run latency
// percentiles per minute, and the backlog per pool and tenant.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ChartFrame, SimpleBarChart, TimeAreaChart, TimeLineChart } from "@/components/charts/charts";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Stat } from "@/components/ui/gauge";
import { PageHeader } from "@/components/ui/page-header";
import { PageSkeleton } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { clockTime, duration, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

export function ClusterOverview() {
  const trpc = useTRPC();
  const cluster = useQuery({ ...trpc.admin.cluster.queryOptions(), refetchInterval: 5_000 });
  const workers = useQuery({ ...trpc.admin.workers.queryOptions(), refetchInterval: 3_000 });
  if (cluster.isPending || workers.isPending) return <PageSkeleton title="Loading cluster" />;
  if (cluster.isError) return <ErrorState error={cluster.error} onRetry={() => cluster.refetch()} title="Could not load the cluster" />;
  if (workers.isError) return <ErrorState error={workers.error} onRetry={() => workers.refetch()} title="Could not load workers" />;
  const c = cluster.data;
  const pools = workers.data.pools;
  const series = c.series.map((p) => ({ ...p, label: clockTime(p.at), itemsPerSec: Math.round(p.itemsPerSec * 10) / 10 }));
  const last = [...c.series].reverse().find((p) => p.tasks > 0);
  const backlog = c.backlog.slice(0, 12).map((b) => ({ label: `${b.pool} / ${b.tenant}`, waiting: b.waiting, running: b.running }));
  const totals = c.backlog.reduce((a, b) => ({ waiting: a.waiting + b.waiting, running: a.running + b.running }), { waiting: 0, running: 0 });
  // Running per pool from the tasks themselves (heartbeats report it only every few seconds).
  const runningIn = (pool: string) => c.backlog.filter((b) => b.pool === pool).reduce((a, b) => a + b.running, 0);

  return (
    <div className="space-y-5">
      <PageHeader id="admin-heading" title="Cluster" description={`Last ${c.minutes} minutes, refreshed every few seconds.`} />
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Live workers" value={num(pools.reduce((a, p) => a + p.live, 0))} hint={`${num(pools.reduce((a, p) => a + p.slots, 0))} slots`} />
        <Stat label="Running tasks" value={num(totals.running)} />
        <Stat label="Waiting tasks" value={num(totals.waiting)} />
        <Stat label="Throughput (last minute)" value={`${num(last?.itemsPerSec ?? 0, 1)}/s`} hint="items finished" />
      </dl>

      <Card aria-labelledby="pools-heading">
        <CardHeader id="pools-heading" title="Worker pools" actions={<Link href="/admin/workers" className="text-sm font-medium text-indigo-700 hover:underline">All workers</Link>} />
        <CardBody>
          {pools.length === 0 ? <EmptyState title="No workers have reported">Start one with <code className="font-mono">npm start</code> or the worker app.</EmptyState> : (
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {pools.map((p) => (
                <div key={p.pool} className="rounded-md border border-slate-200 p-3">
                  <div className="flex items-center gap-2"><span className="font-mono font-medium">{p.pool}</span>{p.stale > 0 && <Badge tone="amber">{p.stale} stale</Badge>}</div>
                  <p className="mt-1 text-sm text-slate-700">{p.live} live · {num(runningIn(p.pool))} / {num(p.slots)} slots busy</p>
                  <div className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-200" aria-hidden>
                    <div className="h-full bg-indigo-500" style={{ width: `${p.slots ? Math.min(100, (runningIn(p.pool) / p.slots) * 100) : 0}%` }} />
                  </div>
                </div>
              ))}
            </div>
          )}
        </CardBody>
      </Card>

      <Card aria-labelledby="cluster-charts-heading">
        <CardHeader id="cluster-charts-heading" title="Throughput and latency" description="From tasks finished per minute (latency from at most 5,000 recent tasks per tenant)." />
        <CardBody className="grid gap-6 lg:grid-cols-3">
          <ChartFrame title="Throughput" summary={`Items finished per second; last minute ${num(last?.itemsPerSec ?? 0, 1)}/s`}>
            <TimeAreaChart data={series} series={[{ key: "itemsPerSec", name: "items/s" }]} />
          </ChartFrame>
          <ChartFrame title="Queue wait (ms)" summary={`Latest p50 ${duration(last?.waitP50)} · p95 ${duration(last?.waitP95)} · p99 ${duration(last?.waitP99)}`}>
            <TimeLineChart data={series} series={[{ key: "waitP50", name: "p50" }, { key: "waitP95", name: "p95" }, { key: "waitP99", name: "p99", dashed: true }]} />
          </ChartFrame>
          <ChartFrame title="Run time (ms)" summary={`Latest p50 ${duration(last?.runP50)} · p95 ${duration(last?.runP95)} · p99 ${duration(last?.runP99)}`}>
            <TimeLineChart data={series} series={[{ key: "runP50", name: "p50" }, { key: "runP95", name: "p95" }, { key: "runP99", name: "p99", dashed: true }]} />
          </ChartFrame>
        </CardBody>
      </Card>

      <Card aria-labelledby="backlog-heading">
        <CardHeader id="backlog-heading" title="Backlog per pool and tenant" />
        <CardBody className="space-y-4">
          {c.backlog.length === 0 ? <EmptyState title="Nothing waiting or running" icon="✓" /> : (
            <>
              <ChartFrame title="Tasks by pool / tenant" summary={`${num(totals.waiting)} waiting, ${num(totals.running)} running`} height={220}>
                <SimpleBarChart data={backlog} stacked series={[{ key: "running", name: "running", color: "#4f46e5" }, { key: "waiting", name: "waiting", color: "#d97706" }]} />
              </ChartFrame>
              <Table label="Backlog">
                <THead><tr><TH>Pool</TH><TH>Tenant</TH><TH>Waiting tasks</TH><TH>Waiting items</TH><TH>Running</TH><TH>Oldest wait</TH></tr></THead>
                <tbody>
                  {c.backlog.map((b) => (
                    <TR key={`${b.pool}/${b.tenant}`}>
                      <TD className="font-mono">{b.pool}</TD><TD>{b.tenant}</TD><TD className="tabular-nums">{num(b.waiting)}</TD>
                      <TD className="tabular-nums">{num(b.waitingItems)}</TD><TD className="tabular-nums">{num(b.running)}</TD>
                      <TD className="tabular-nums">{b.oldestWaitSec === null ? "—" : duration(b.oldestWaitSec * 1000)}</TD>
                    </TR>
                  ))}
                </tbody>
              </Table>
            </>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
