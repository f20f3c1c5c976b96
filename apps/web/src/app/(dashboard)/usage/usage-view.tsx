"use client";
// The tenant's usage against each quota: gauges for now, and per-minute series over the
// last hour with the limit drawn in.
import { useQuery } from "@tanstack/react-query";
import { ChartFrame, TimeAreaChart } from "@/components/charts/charts";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Gauge } from "@/components/ui/gauge";
import { PageHeader } from "@/components/ui/page-header";
import { PageSkeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import { clockTime, num } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

export function UsageView() {
  const trpc = useTRPC();
  const usage = useQuery({ ...trpc.usage.current.queryOptions(), refetchInterval: 5_000 });
  if (usage.isPending) return <PageSkeleton title="Loading usage" />;
  if (usage.isError) return <ErrorState error={usage.error} onRetry={() => usage.refetch()} title="Could not load usage" />;
  const { quota, now, series } = usage.data;
  const data = series.map((p) => ({
    label: clockTime(p.at),
    concurrency: Math.round(p.concurrency * 10) / 10,
    queuedItems: p.queuedItems,
    submitsPerSec: Math.round(p.submitsPerSec * 100) / 100,
    itemsPerSec: Math.round(p.itemsPerSec * 100) / 100,
  }));
  const peak = (k: "concurrency" | "queuedItems" | "submitsPerSec" | "itemsPerSec") => Math.max(0, ...data.map((d) => d[k]));
  return (
    <div className="space-y-5">
      <PageHeader id="usage-heading" title="Usage" description="Your tenant against its quota. Ask a platform administrator to raise a limit." />
      <Card aria-labelledby="now-heading">
        <CardHeader id="now-heading" title="Right now" description={`${num(now.activeJobs)} active jobs · fair-share weight ${quota.weight}`} />
        <CardBody className="grid gap-6 sm:grid-cols-3">
          <Gauge label="Concurrent tasks" value={now.concurrency} max={quota.maxConcurrent} />
          <Gauge label="Queued items" value={now.queuedItems} max={quota.maxQueuedItems} format={(n) => num(n)} />
          <Gauge label="Submit rate" value={Math.round(now.submitsPerSec * 100) / 100} max={quota.submitRatePerSec} format={(n) => num(n, 2)} unit="/s" />
        </CardBody>
      </Card>
      <Card aria-labelledby="hour-heading">
        <CardHeader id="hour-heading" title="Last hour" description="Per minute. Queued items are reconstructed from submits and finished tasks (approximate)." />
        <CardBody className="grid gap-6 lg:grid-cols-2">
          <ChartFrame title="Concurrent tasks" summary={`Peak ${num(peak("concurrency"), 1)} of ${num(quota.maxConcurrent)} allowed`}>
            <TimeAreaChart data={data} series={[{ key: "concurrency", name: "tasks" }]} limit={quota.maxConcurrent <= peak("concurrency") * 4 ? { value: quota.maxConcurrent, label: "limit" } : undefined} />
          </ChartFrame>
          <ChartFrame title="Queued items" summary={`Peak ${num(peak("queuedItems"))} of ${num(quota.maxQueuedItems)} allowed`}>
            <TimeAreaChart data={data} series={[{ key: "queuedItems", name: "items", color: "#d97706" }]} />
          </ChartFrame>
          <ChartFrame title="Submits per second" summary={`Peak ${num(peak("submitsPerSec"), 2)}/s of ${num(quota.submitRatePerSec, 2)}/s (burst ${num(quota.submitBurst)})`}>
            <TimeAreaChart data={data} series={[{ key: "submitsPerSec", name: "jobs/s", color: "#0891b2" }]} limit={quota.submitRatePerSec <= peak("submitsPerSec") * 4 ? { value: quota.submitRatePerSec, label: "rate" } : undefined} />
          </ChartFrame>
          <ChartFrame title="Items finished per second" summary={`Peak ${num(peak("itemsPerSec"), 2)}/s`}>
            <TimeAreaChart data={data} series={[{ key: "itemsPerSec", name: "items/s", color: "#16a34a" }]} />
          </ChartFrame>
        </CardBody>
      </Card>
    </div>
  );
}
