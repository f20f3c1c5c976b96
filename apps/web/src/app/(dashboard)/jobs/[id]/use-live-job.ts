"use client";
// The job, kept live by server-sent events (/api/jobs/{id}/events): every change the
// engine publishes arrives as a new view and replaces the cached query, so the page never
// polls for progress. Tables and charts under it refresh on changes, at most every 2 s.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { JobView } from "@fanout/engine";
import { useTRPC } from "@/lib/trpc";

export const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
export type LiveState = "connecting" | "live" | "reconnecting" | "finished";

const DEPENDENT_REFRESH_MS = 2_000;
const LIVE_RATE_WINDOW_MS = 15_000;

export function useLiveJob(id: string, initial: JobView) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.jobs.get.queryKey({ id });
  const job = useQuery({ ...trpc.jobs.get.queryOptions({ id }), initialData: initial, staleTime: Infinity });
  const terminal = TERMINAL.has(job.data.status);
  const [live, setLive] = useState<LiveState>(terminal ? "finished" : "connecting");
  const lastRefresh = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const watched = useRef(false);

  useEffect(() => {
    if (terminal) {
      setLive("finished");
      // Finished while we watched: the last change may have cancelled a pending refresh, so
      // show the final tables and charts (not on a page opened on a finished job).
      if (watched.current) {
        for (const k of [trpc.jobs.tasks.pathKey(), trpc.jobs.results.pathKey(), trpc.jobs.deadLetterGroups.pathKey(), trpc.jobs.stats.pathKey()]) {
          void queryClient.invalidateQueries({ queryKey: k });
        }
      }
      return;
    }
    watched.current = true;
    const refreshDependents = () => {
      const run = () => {
        lastRefresh.current = Date.now();
        pending.current = null;
        for (const k of [trpc.jobs.tasks.pathKey(), trpc.jobs.results.pathKey(), trpc.jobs.deadLetterGroups.pathKey()]) {
          void queryClient.invalidateQueries({ queryKey: k });
        }
      };
      if (pending.current) return;
      const wait = Math.max(0, lastRefresh.current + DEPENDENT_REFRESH_MS - Date.now());
      pending.current = setTimeout(run, wait);
    };
    setLive("connecting");
    const es = new EventSource(`/api/jobs/${id}/events`);
    es.addEventListener("job", (e) => {
      const view = JSON.parse((e as MessageEvent<string>).data) as JobView;
      queryClient.setQueryData(key, view);
      setLive("live");
      refreshDependents();
    });
    es.addEventListener("end", () => {
      es.close();
      setLive("finished");
      refreshDependents();
      void queryClient.invalidateQueries({ queryKey: trpc.jobs.stats.queryKey({ id }) });
    });
    es.onerror = () => setLive(es.readyState === EventSource.CLOSED ? "finished" : "reconnecting");
    return () => {
      es.close();
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
    // key/trpc are stable for a given id.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, terminal]);

  return { job: job.data, terminal, live };
}

/**
 * Throughput and ETA. While the job runs they come from the live updates themselves (items
 * finished over the last ~15 s of events), so the ETA moves with the progress bar; the
 * server's sampled rate (jobs.stats) fills in before there are two events, and once done.
 */
export function useEta(job: JobView, live: boolean) {
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.jobs.stats.queryOptions({ id: job.id }), refetchInterval: live ? 3_000 : false });
  const samples = useRef<{ t: number; done: number }[]>([]);
  const done = job.progress.succeeded + job.progress.dead;
  const now = Date.now();
  const last = samples.current[samples.current.length - 1];
  if (!last || last.done !== done) samples.current = [...samples.current.filter((x) => now - x.t <= LIVE_RATE_WINDOW_MS), { t: now, done }];
  const first = samples.current[0]!;
  const newest = samples.current[samples.current.length - 1]!;
  const liveRate = newest.t - first.t >= 1_000 ? ((newest.done - first.done) * 1000) / (newest.t - first.t) : 0;
  const rate = live && liveRate > 0 ? liveRate : (stats.data?.recentItemsPerSec ?? 0);
  const remaining = job.progress.total - done;
  return { rate, etaMs: live && rate > 0 ? (remaining / rate) * 1000 : null };
}

/**
 * A value that must hold for `ms` before it shows (null hides at once). Between two task
 * runs a busy job is briefly "waiting for a worker"; the banner appears only when it lasts.
 */
export function useSettled<T>(value: T | null, ms: number): T | null {
  const [shown, setShown] = useState<T | null>(null);
  const present = value !== null;
  useEffect(() => {
    if (!present) return setShown(null);
    const t = setTimeout(() => setShown(value), ms);
    return () => clearTimeout(t);
    // Restart the clock only when the value appears or disappears, not on every update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [present, ms]);
  return present && shown !== null ? value : null;
}

/**
 * The current time, null during the server render and hydration (so time-dependent text
 * never mismatches the server's HTML), then ticking every `ms` while `ticking`.
 */
export function useNow(ms: number, ticking: boolean): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, ticking]);
  return now;
}
