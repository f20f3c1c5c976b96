// The web process's /metrics is valid Prometheus exposition with the cluster gauges.
import { expect, test } from "@playwright/test";
import { parseExposition } from "../../packages/ops/src/exposition";

test("web /metrics serves valid exposition with cluster gauges", async ({ request }) => {
  const res = await request.get("/metrics");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const e = parseExposition(await res.text());
  for (const name of ["fanout_queue_depth", "fanout_backlog_seconds", "fanout_workers_live", "fanout_tenant_usage_ratio"]) {
    expect(e.types.has(name), name).toBe(true);
  }
  // global-setup starts two workers in the default pool.
  expect(e.samples.find((s) => s.name === "fanout_workers_live" && s.labels.pool === "default")?.value).toBe(2);
});
