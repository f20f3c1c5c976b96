// The lane thread's host (lane-host.ts) when the thread dies: it is started again and
// serves the lane, and a foothold it held when it died is aborted on the main thread and
// re-delivered by BullMQ's stall check (its lock ended with the thread), not lost.
import { getPriority } from "node:os";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { singleJob } from "./bundle";
import { FetchPace } from "./fetch-pace";
import { startLaneHost, type LaneHost, type LaneTake } from "./lane-host";
import { channels, footholdQueueName } from "./keys";
import { Slots } from "./slots";
import { createHarness, recordingLogger, waitFor, type Harness } from "./testing/harness";

let h: Harness;
let lane: Queue;
let host: LaneHost | undefined;

beforeAll(async () => {
  h = await createHarness();
  lane = new Queue(footholdQueueName("crash"), { connection: h.redis, prefix: h.prefix });
});

afterAll(async () => {
  await host?.close();
  await lane?.close();
  await h?.close();
});

describe("lane host", () => {
  it("starts a crashed lane thread again; the foothold it held is aborted and re-delivered", async () => {
    const concurrency = 4;
    const slots = new Slots(concurrency);
    const pace = new FetchPace(concurrency);
    const logger = recordingLogger();
    const takes: LaneTake[] = [];
    let exits = 0;
    // Stands in for the worker: holds "held" until its signal aborts, finishes the rest at
    // once, and gives back what the thread counted for each take, as worker.ts does.
    const onTake = async (take: LaneTake) => {
      takes.push(take);
      try {
        if (take.ref.jobId === "held" && takes.filter((t) => t.ref.jobId === "held").length === 1) {
          await new Promise<void>((resolve) => take.signal.addEventListener("abort", () => resolve(), { once: true }));
        }
      } finally {
        slots.release();
        pace.add("footholds", -1);
        pace.add("tasks", -1);
      }
    };
    host = await startLaneHost({
      redis: h.redis, logger, prefix: h.prefix, pool: "crash", concurrency, laneConcurrency: 2, leaseMs: 1000,
      cancelChannel: channels(h.prefix).cancel, cancelMemoryMs: 60_000, nice: getPriority(0),
      slots: slots.buffer, pace: pace.buffer, onTake, onSlotsLeft: () => slots.serveWaiting(), onExit: () => exits++,
    });
    const add = (jobId: string) => {
      const j = singleJob({ jobId, seq: 0, admits: 1 }, undefined);
      return lane.add(j.name, j.data, j.opts);
    };
    await add("held");
    await waitFor(async () => takes.length, (n) => n === 1, 10_000);
    const first = takes[0]!;

    await host.crashThread();
    expect(first.signal.aborted).toBe(true);
    expect(exits).toBe(1);
    await waitFor(async () => logger.lines, (l) => l.some((x) => x.includes("starting it again")), 5_000);

    // The new thread serves the lane, and BullMQ re-delivers the foothold the old one held.
    await add("after");
    await waitFor(async () => takes.map((t) => t.ref.jobId), (t) => t.includes("after") && t.filter((x) => x === "held").length === 2, 20_000);
    // Every take was given back: the crashed thread's as its take was aborted.
    await waitFor(async () => [slots.inUse, pace.footholds, pace.tasks], (c) => c.every((n) => n === 0), 5_000);
  });
});
