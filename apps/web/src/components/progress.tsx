import { Stat } from "./ui/gauge";

export interface ProgressCounts {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  dead: number;
}

/** Stacked bar: succeeded (green), dead (red), running (blue) out of total. */
export function ProgressBar({ progress, size = "lg" }: { progress: ProgressCounts; size?: "sm" | "lg" }) {
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
      className={`flex w-full overflow-hidden rounded-full bg-slate-200 ${size === "lg" ? "h-3" : "h-1.5"}`}
    >
      <div className="bg-green-500 transition-[width] duration-300" style={{ width: `${pct(succeeded)}%` }} />
      <div className="bg-red-500 transition-[width] duration-300" style={{ width: `${pct(dead)}%` }} />
      <div className="bg-blue-400 transition-[width] duration-300" style={{ width: `${pct(running)}%` }} />
    </div>
  );
}

const COUNTERS: { key: keyof ProgressCounts; label: string }[] = [
  { key: "total", label: "Total" },
  { key: "queued", label: "Queued" },
  { key: "running", label: "Running" },
  { key: "succeeded", label: "Succeeded" },
  { key: "failed", label: "Retrying" },
  { key: "dead", label: "Dead" },
];

export function Counters({ progress }: { progress: ProgressCounts }) {
  return (
    <dl className="grid grid-cols-3 gap-2 sm:grid-cols-6">
      {COUNTERS.map((c) => (
        <Stat key={c.key} label={c.label} value={progress[c.key].toLocaleString("en-US")} testId={`count-${c.key}`} />
      ))}
    </dl>
  );
}
