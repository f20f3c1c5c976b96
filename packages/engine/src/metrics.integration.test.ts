import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";
import { parseExposition, sum } from "@fanout/ops/exposition";

let h: Harness;
let tenant: string;

beforeAll(async () => {
  h = await createHarness();
  tenant = await h.newTenant();
});

afterAll(async () => {
  await h?.close();
});

it("exports valid Prometheus exposition with worker, scheduler and cluster metrics", async () => {
  await h.engine.createScheduler().start();
  await h.engine.createWorker({ id: "w-metrics", concurrency: 2 }).start();
  h.engine.metrics.enableClusterGauges();
  const { job } = await h.engine.submitJob(tenant, { handler: "fail", input: { items: [{ failTimes: 0 }, { failTimes: -1 }] }, maxAttempts: 2, backoff: { baseMs: 1, maxMs: 5 } });
  await waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
  const waiting = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1, 2, 3] }, pool: "idle-pool" });

  const e = parseExposition(await h.engine.metrics.text());
  for (const name of ["fanout_items_processed_total", "fanout_task_wait_seconds", "fanout_task_run_seconds", "fanout_dead_letters_total", "fanout_queue_depth", "fanout_backlog_seconds", "fanout_workers_live", "fanout_scheduler_leader"]) {
    expect(e.types.has(name), name).toBe(true);
  }
  expect(sum(e, "fanout_items_processed_total", { handler: "fail", outcome: "succeeded" })).toBe(1);
  expect(sum(e, "fanout_items_processed_total", { handler: "fail", outcome: "dead" })).toBe(1);
  expect(sum(e, "fanout_item_retries_total")).toBe(1);
  expect(sum(e, "fanout_dead_letters_total")).toBe(1);
  expect(sum(e, "fanout_task_wait_seconds_count")).toBeGreaterThanOrEqual(1);
  expect(sum(e, "fanout_workers_live", { pool: "default" })).toBe(1);
  expect(sum(e, "fanout_scheduler_leader")).toBe(1);
  expect(sum(e, "fanout_queue_depth", { pool: "idle-pool" })).toBe(waiting.job.taskCount);
  // No worker serves idle-pool: its backlog cannot drain, which is what the autoscaler must see.
  expect(sum(e, "fanout_backlog_seconds", { pool: "idle-pool" })).toBe(Infinity);
});
