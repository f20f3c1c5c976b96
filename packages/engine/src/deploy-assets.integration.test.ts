// deploy/ holds alert rules and a Grafana dashboard: both must parse, and every metric
// they query must be one this code actually exports.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness } from "./testing/harness";

const deploy = (p: string) => readFileSync(fileURLToPath(new URL(`../../../deploy/${p}`, import.meta.url)), "utf8");
let h: Harness;
let exported: Set<string>;

beforeAll(async () => {
  h = await createHarness();
  h.engine.metrics.enableClusterGauges();
  await h.engine.metrics.text(); // runs the scrape-time collectors once
  const names = (await h.engine.metrics.registry.getMetricsAsJSON()).flatMap((m) =>
    String(m.type) === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
  );
  exported = new Set(names);
});

afterAll(async () => {
  await h?.close();
});

const metricsIn = (expr: string) => [...expr.matchAll(/\bfanout_[a-z_]+\b/g)].map((m) => m[0]);

it("alert rules parse and use only exported metrics", () => {
  const doc = parse(deploy("prometheus/alerts.yml")) as { groups: { rules: { alert: string; expr: string; for?: string }[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);
  expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(["FanoutBacklogAgeOverSLO", "FanoutDeadLettersGrowing", "FanoutNoLiveWorkers", "FanoutReconcilerRepairing", "FanoutRedisMemoryNearLimit"]));
  for (const r of rules) {
    expect(metricsIn(r.expr).length, r.alert).toBeGreaterThan(0);
    for (const m of metricsIn(r.expr)) expect(exported.has(m), `${r.alert} uses ${m}`).toBe(true);
  }
});

it("the Grafana dashboard parses and queries only exported metrics", () => {
  const dash = JSON.parse(deploy("grafana/fanout-dashboard.json")) as { panels: { title: string; targets: { expr: string }[] }[] };
  expect(dash.panels.length).toBeGreaterThan(5);
  for (const p of dash.panels) {
    for (const t of p.targets) {
      for (const m of metricsIn(t.expr)) expect(exported.has(m), `panel "${p.title}" uses ${m}`).toBe(true);
    }
  }
});
