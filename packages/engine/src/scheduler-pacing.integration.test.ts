// minRoundGapMs (scheduler.ts): wake-ups that arrive while the gap runs are served by one
// round at its end, not one round each; with no gap every wake gets a round of its own.
import { afterEach, beforeEach, expect, it } from "vitest";
import { channels } from "./keys";
import { createHarness, waitFor, type Harness } from "./testing/harness";

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rounds(): Promise<number> {
  const metric = await h.engine.metrics.registry.getSingleMetric("fanout_admission_rounds_total")!.get();
  return metric.values.reduce((n, v) => n + v.value, 0);
}

/**
 * Starts a scheduler (its first round runs at start), then sends 20 wakes 5 ms apart;
 * answers the rounds counted 1 s after the gap, or 1 s after `atLeast` rounds were seen
 * (a loaded machine can run the first round so slowly that the round the gap delays ends
 * later than that: the suite saw 1 round, as its close came first).
 */
async function roundsFor(minRoundGapMs: number, atLeast = 0): Promise<number> {
  // A long leader lease: its timer (a third of it) must not add a round of its own.
  const scheduler = h.engine.createScheduler({ minRoundGapMs, leaderTtlMs: 120_000, tickMs: 120_000 });
  await scheduler.start();
  const wake = channels(h.prefix).wake;
  for (let i = 0; i < 20; i++) {
    await h.redis.publish(wake, "default");
    await sleep(5);
  }
  await sleep(minRoundGapMs > 0 ? minRoundGapMs + 1000 : 1000);
  if (atLeast > 0) {
    await waitFor(rounds, (n) => n >= atLeast, 15_000);
    await sleep(1000); // and no more come
  }
  await scheduler.close();
  return rounds();
}

it("serves the wakes of a gap with one round at its end", async () => {
  // The start round, then one for all 20 wakes (they all arrive within the 3 s gap).
  expect(await roundsFor(3000, 2)).toBe(2);
});

it("without a gap, runs rounds back to back as wakes arrive", async () => {
  expect(await roundsFor(0)).toBeGreaterThan(5);
});
