// A half-ring gauge for "used of limit"; the reading is in text too (role="img" label).
import type { ReactNode } from "react";
import { cn } from "./cn";

export function Gauge({ label, value, max, format = (n) => n.toLocaleString(), unit = "" }: { label: string; value: number; max: number; format?: (n: number) => string; unit?: string }) {
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const pct = Math.round((max > 0 ? value / max : 0) * 100);
  const r = 40;
  const length = Math.PI * r;
  const color = ratio >= 0.9 ? "stroke-red-500" : ratio >= 0.7 ? "stroke-amber-500" : "stroke-indigo-500";
  const text = `${label}: ${format(value)}${unit} of ${format(max)}${unit} (${pct}%)`;
  return (
    <figure className="flex flex-col items-center" role="img" aria-label={text}>
      <svg viewBox="0 0 100 56" className="w-40" aria-hidden>
        <path d="M10 50 A40 40 0 0 1 90 50" fill="none" strokeWidth="10" strokeLinecap="round" className="stroke-slate-200" />
        {ratio > 0 && (
          <path d="M10 50 A40 40 0 0 1 90 50" fill="none" strokeWidth="10" strokeLinecap="round" className={cn(color, "transition-all")}
            strokeDasharray={`${length * ratio} ${length}`} />
        )}
        <text x="50" y="46" textAnchor="middle" className="fill-slate-900 text-[15px] font-semibold">{pct}%</text>
      </svg>
      <figcaption className="mt-1 text-center text-sm">
        <span className="block font-medium text-slate-900">{label}</span>
        <span className="tabular-nums text-slate-600">{format(value)}{unit} / {format(max)}{unit}</span>
      </figcaption>
    </figure>
  );
}

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd data-testid={testId} className="text-lg font-semibold tabular-nums text-slate-900">{value}</dd>
      {hint && <dd className="text-xs text-slate-600">{hint}</dd>}
    </div>
  );
}
