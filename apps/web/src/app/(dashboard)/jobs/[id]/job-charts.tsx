"use client";
// The job's charts, loaded only in the browser (recharts stays out of the first load):
// throughput over time and the distributions of task run time and queue wait, from the
// server's bounded sample (jobs.stats).
import { useQuery } from "@tanstack/react-query";
import { ChartFrame, SimpleBarChart, TimeAreaChart } from "@/components/charts/charts";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import { clockTime, duration, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

export default function JobCharts({ id, live }: { id: string; live: boolean }) {
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.jobs.stats.queryOptions({ id }), refetchInterval: live ? 3_000 : false });
  if (stats.isPending) return <div className="grid gap-4 lg:grid-cols-3"><Skeleton className="h-56" /><Skeleton className="h-56" /><Skeleton className="h-56" /></div>;
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => stats.refetch()} title="Could not load the charts" />;
  const s = stats.data;
  const throughput = s.throughput.map((p) => ({ label: clockTime(p.at, s.bucketSeconds < 60), itemsPerSec: Math.round(p.itemsPerSec * 10) / 10 }));
  const sampled = s.sample.step > 1 ? ` Estimated from ${num(s.sample.sampled)} of ${num(s.sample.taskCount)} tasks.` : "";
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <ChartFrame title="Throughput" summary={`Items finished per second, ${s.bucketSeconds} s buckets; now ≈ ${num(s.recentItemsPerSec, 1)}/s.${sampled}`}>
        <TimeAreaChart data={throughput} series={[{ key: "itemsPerSec", name: "items/s" }]} />
      </ChartFrame>
      <ChartFrame title="Task run time" summary={`p50 ${duration(s.runMs.p50)} · p90 ${duration(s.runMs.p90)} · p99 ${duration(s.runMs.p99)}`}>
        <SimpleBarChart data={s.runHistogram.map((b) => ({ label: b.label, tasks: b.count }))} series={[{ key: "tasks", name: "tasks", color: "#0891b2" }]} />
      </ChartFrame>
      <ChartFrame title="Queue wait" summary={`From submit to first start: p50 ${duration(s.waitMs.p50)} · p90 ${duration(s.waitMs.p90)} · p99 ${duration(s.waitMs.p99)}`}>
        <SimpleBarChart data={s.waitHistogram.map((b) => ({ label: b.label, tasks: b.count }))} series={[{ key: "tasks", name: "tasks", color: "#d97706" }]} />
      </ChartFrame>
    </div>
  );
}

