// Live job updates for the dashboard. One Redis subscriber per web process listens on the
// engine's per-job channel (published on every task commit and status change) for the jobs
// someone is watching; on a message it reads the job once (at most every THROTTLE_MS per
// job, trailing edge so the last change is never lost) and fans the view out to every
// viewer of that job. Postgres load is per watched job, never per viewer; a slow safety
// refresh covers a missed message (pub/sub is at-most-once).
import type { Redis } from "ioredis";
import type { JobView } from "@fanout/engine";

export type JobListener = (job: JobView) => void;

const THROTTLE_MS = 200;
const SAFETY_REFRESH_MS = 5_000;
const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

interface Watched {
  tenantId: string;
  listeners: Set<JobListener>;
  last: JobView | null;
  lastLoadAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  dueAt: number;
  loading: boolean;
  dirty: boolean;
}

export interface JobEventHub {
  /** Calls `listener` with the current view now and after every change; returns the unsubscribe. */
  watch(tenantId: string, jobId: string, listener: JobListener): Promise<() => void>;
  /** Jobs watched and viewers connected (for tests and logs). */
  stats(): { jobs: number; viewers: number; loads: number };
}

export function createJobEventHub(deps: {
  subscriber: () => Redis;
  channel: (jobId: string) => string;
  load: (tenantId: string, jobId: string) => Promise<JobView>;
  onError?: (err: unknown, jobId: string) => void;
}): JobEventHub {
  const watched = new Map<string, Watched>();
  const byChannel = new Map<string, string>();
  let sub: Redis | null = null;
  let loads = 0;

  const connection = () => {
    if (sub) return sub;
    sub = deps.subscriber();
    sub.on("message", (channel: string) => {
      const jobId = byChannel.get(channel);
      if (jobId) schedule(jobId);
    });
    return sub;
  };

  async function refresh(jobId: string) {
    const w = watched.get(jobId);
    if (!w) return;
    if (w.loading) {
      w.dirty = true;
      return;
    }
    w.loading = true;
    w.dirty = false;
    try {
      loads++;
      const view = await deps.load(w.tenantId, jobId);
      w.last = view;
      w.lastLoadAt = Date.now();
      for (const l of w.listeners) {
        try {
          l(view);
        } catch (err) {
          deps.onError?.(err, jobId);
        }
      }
    } catch (err) {
      deps.onError?.(err, jobId);
    } finally {
      w.loading = false;
      if (w.dirty) schedule(jobId);
    }
  }

  function schedule(jobId: string, delay?: number) {
    const w = watched.get(jobId);
    if (!w) return;
    const wait = delay ?? Math.max(0, w.lastLoadAt + THROTTLE_MS - Date.now());
    // A pending read that comes sooner wins; a change pulls a slow safety refresh forward.
    if (w.timer) {
      if (w.dueAt <= Date.now() + wait) return;
      clearTimeout(w.timer);
    }
    w.dueAt = Date.now() + wait;
    w.timer = setTimeout(() => {
      w.timer = null;
      void refresh(jobId).then(() => {
        const cur = watched.get(jobId);
        // Safety net while the job can still change: one read per job every few seconds.
        if (cur && !cur.timer && cur.last && !TERMINAL.has(cur.last.status)) schedule(jobId, SAFETY_REFRESH_MS);
      });
    }, wait);
  }

  return {
    async watch(tenantId, jobId, listener) {
      let w = watched.get(jobId);
      if (!w) {
        w = { tenantId, listeners: new Set(), last: null, lastLoadAt: 0, timer: null, dueAt: 0, loading: false, dirty: false };
        watched.set(jobId, w);
        const channel = deps.channel(jobId);
        byChannel.set(channel, jobId);
        await connection().subscribe(channel);
      }
      w.listeners.add(listener);
      // The first viewer loads; later ones get the shared view (fresh within the safety period).
      if (w.last && Date.now() - w.lastLoadAt < SAFETY_REFRESH_MS) listener(w.last);
      else await refresh(jobId);
      if (!w.timer && w.last && !TERMINAL.has(w.last.status)) schedule(jobId, SAFETY_REFRESH_MS);
      return () => {
        const cur = watched.get(jobId);
        if (!cur) return;
        cur.listeners.delete(listener);
        if (cur.listeners.size > 0) return;
        if (cur.timer) clearTimeout(cur.timer);
        watched.delete(jobId);
        const channel = deps.channel(jobId);
        byChannel.delete(channel);
        sub?.unsubscribe(channel).catch(() => {});
      };
    },
    stats: () => ({ jobs: watched.size, viewers: [...watched.values()].reduce((a, w) => a + w.listeners.size, 0), loads }),
  };
}
