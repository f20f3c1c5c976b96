export interface ProgressCounts {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  dead: number;
}

/** Stacked bar: succeeded (green), dead (red), running (blue) out of total. */
export function ProgressBar({ progress }: { progress: ProgressCounts }) {
  const { total, succeeded, dead, running } = progress;
  const pct = (n: number) => (total > 0 ? (n / total) * 100 : 0);
  const done = succeeded + dead;
  return (
    <div
      role="progressbar"
      aria-label="Job progress"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${done} of ${total} items finished`}
      className="flex h-3 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div className="bg-green-500 transition-all" style={{ width: `${pct(succeeded)}%` }} />
      <div className="bg-red-500 transition-all" style={{ width: `${pct(dead)}%` }} />
      <div className="bg-blue-400 transition-all" style={{ width: `${pct(running)}%` }} />
    </div>
  );
}

const COUNTERS: { key: keyof ProgressCounts; label: string }[] = [
  { key: "total", label: "Total" },
  { key: "queued", label: "Queued" },
  { key: "running", label: "Running" },
  { key: "succeeded", label: "Succeeded" },
  { key: "failed", label: "Failed (retrying)" },
  { key: "dead", label: "Dead" },
];

export function Counters({ progress }: { progress: ProgressCounts }) {
  return (
    <dl className="grid grid-cols-3 gap-3 sm:grid-cols-6">
      {COUNTERS.map((c) => (
        <div key={c.key} className="rounded-md border border-slate-200 bg-white px-3 py-2">
          <dt className="text-xs text-slate-500">{c.label}</dt>
          <dd data-testid={`count-${c.key}`} className="text-lg font-semibold tabular-nums">{progress[c.key]}</dd>
        </div>
      ))}
    </dl>
  );
}
