// Shapes shared by the runner, the scenarios and the report.
export interface Target {
  /** As printed, e.g. "≥ 0.5×". */
  text: string;
  /** Which median the target is judged on. */
  on: "fanout" | "ratio";
  ok(v: number): boolean;
}

export interface Metric {
  name: string;
  unit: string;
  decimals?: number;
  /** One value per run. */
  fanout: number[];
  baseline?: number[];
  /** Per run: Fanout ÷ baseline (or the ratio the metric defines, see `ratioNote`). */
  ratio?: number[];
  ratioNote?: string;
  target?: Target;
}

export interface ScenarioResult {
  id: number;
  key: string;
  title: string;
  metrics: Metric[];
  notes: string[];
  /** Per-run details for the JSON (row breakdowns, command stats...). */
  details: Record<string, unknown>[];
  error?: string;
  seconds?: number;
}

export interface BenchContext {
  runs: number;
  quick: boolean;
  /** Worker processes per Fanout cluster and tasks each runs at once; the baseline gets workers × concurrency. */
  workers: number;
  concurrency: number;
  cpuProfDir?: string;
  /** Sample pg_stat_activity during Fanout phases (diagnostics, adds load). */
  pgActivity: boolean;
  apiWorkers: number;
  rebuild: boolean;
  /** Figures later scenarios reuse from earlier ones in the same run. */
  shared: { bullRate?: number[]; idleP99?: number[]; idleP99Bull?: number[] };
  log(msg: string): void;
}

export interface Scenario {
  id: number;
  key: string;
  title: string;
  run(ctx: BenchContext, result: ScenarioResult): Promise<void>;
}

export const ge = (x: number, text = `≥ ${x}`): Omit<Target, "on"> => ({ text, ok: (v) => v >= x });
export const le = (x: number, text = `≤ ${x}`): Omit<Target, "on"> => ({ text, ok: (v) => v <= x });
export const lt = (x: number, text = `< ${x}`): Omit<Target, "on"> => ({ text, ok: (v) => v < x });
