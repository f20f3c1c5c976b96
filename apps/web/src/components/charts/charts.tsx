"use client";
// Thin wrappers over recharts 3 with the kit's look: responsive width, fixed height,
// readable axis ticks, and a caption so every chart has a text equivalent.
import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";

const TICK = { fill: "#475569", fontSize: 12 };
export const COLORS = ["#4f46e5", "#0891b2", "#d97706", "#dc2626", "#16a34a", "#9333ea"];

export function ChartFrame({ title, summary, children, height = 200 }: { title: string; summary: ReactNode; children: ReactNode; height?: number }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-2">
        <span className="block text-sm font-medium text-slate-800">{title}</span>
        <span className="block text-xs text-slate-600">{summary}</span>
      </figcaption>
      <div style={{ height }} aria-hidden>{children}</div>
    </figure>
  );
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface SeriesSpec<T> { key: string; name: string; color?: string; dashed?: boolean }

export function TimeAreaChart<T extends { label: string }>({ data, series, unit, limit }: { data: T[]; series: SeriesSpec<T>[]; unit?: string; limit?: { value: number; label: string } }) {
  return (
    <AreaChart responsive data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} style={{ width: "100%", height: "100%" }} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
      <XAxis dataKey="label" tick={TICK} minTickGap={24} />
      <YAxis tick={TICK} width={56} unit={unit} allowDecimals />
      <Tooltip />
      {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
      {limit && <ReferenceLine y={limit.value} stroke="#dc2626" strokeDasharray="4 4" label={{ value: limit.label, fill: "#b91c1c", fontSize: 11, position: "insideTopRight" }} />}
      {series.map((s, i) => (
        <Area key={s.key} type="monotone" dataKey={s.key} name={s.name} isAnimationActive={false}
          stroke={s.color ?? COLORS[i % COLORS.length]} fill={s.color ?? COLORS[i % COLORS.length]} fillOpacity={0.15} strokeWidth={2} />
      ))}
    </AreaChart>
  );
}

export function TimeLineChart<T extends { label: string }>({ data, series, unit }: { data: T[]; series: SeriesSpec<T>[]; unit?: string }) {
  return (
    <LineChart responsive data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} style={{ width: "100%", height: "100%" }} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
      <XAxis dataKey="label" tick={TICK} minTickGap={24} />
      <YAxis tick={TICK} width={64} unit={unit} />
      <Tooltip />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      {series.map((s, i) => (
        <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} dot={{ r: 2 }} connectNulls isAnimationActive={false}
          stroke={s.color ?? COLORS[i % COLORS.length]} strokeWidth={2} strokeDasharray={s.dashed ? "4 4" : undefined} />
      ))}
    </LineChart>
  );
}

export function SimpleBarChart<T extends { label: string }>({ data, series, stacked }: { data: T[]; series: SeriesSpec<T>[]; stacked?: boolean }) {
  return (
    <BarChart responsive data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} style={{ width: "100%", height: "100%" }} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey="label" tick={TICK} interval="preserveStartEnd" />
      <YAxis tick={TICK} width={56} allowDecimals={false} />
      <Tooltip />
      {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
      {series.map((s, i) => (
        <Bar key={s.key} dataKey={s.key} name={s.name} stackId={stacked ? "a" : undefined} fill={s.color ?? COLORS[i % COLORS.length]} isAnimationActive={false} radius={stacked ? 0 : [3, 3, 0, 0]} />
      ))}
    </BarChart>
  );
}
