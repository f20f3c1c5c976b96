// Small statistics helpers: medians and ranges over runs, nearest-rank percentiles over samples.
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100): p99 of 200 samples is the 198th smallest. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

export function summarize(xs: number[] | undefined): Summary | null {
  const v = (xs ?? []).filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** Fixed decimals for small numbers, thousands separators for big ones. */
export function fmt(v: number | undefined, decimals = 1): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (v !== 0 && Math.abs(v) < 10 ** -decimals) return v.toPrecision(2); // 0.0039, not 0.00
  return v.toFixed(decimals);
}

export function fmtSummary(s: Summary | null, decimals = 1, unit = ""): string {
  if (!s) return "–";
  const u = unit ? ` ${unit}` : "";
  if (s.n === 1 || s.min === s.max) return `${fmt(s.median, decimals)}${u}`;
  return `${fmt(s.median, decimals)}${u} (${fmt(s.min, decimals)}–${fmt(s.max, decimals)})`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
