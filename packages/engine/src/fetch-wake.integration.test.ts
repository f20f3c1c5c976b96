// wakeFetch against the real BullMQ it reaches into: a worker whose concurrency was raised
// while a long job holds its only fetch must take the next job now, not when that job ends.
import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { wakeFetch } from "./fetch-wake";
import { REDIS_URL, waitFor } from "./testing/harness";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefix = `fot-wake-${randomUUID().slice(0, 8)}`;
const queue = new Queue("wake", { connection: redis, prefix });

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
});

describe("wakeFetch", () => {
  it("makes a worker fetch at once when its concurrency was raised while its jobs run", async () => {
    const started: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const worker = new Worker("wake", async (job) => {
      started.push(job.name);
      if (job.name === "long") await held;
    }, { connection: redis, prefix, concurrency: 1 });
    try {
      await queue.add("long", {});
      await waitFor(async () => started, (s) => s.includes("long"), 10_000);
      await queue.add("next", {});
      worker.concurrency = 2;
      // Without a wake BullMQ sees the new value only when "long" ends: "next" waits.
      await new Promise((r) => setTimeout(r, 300));
      expect(started).toEqual(["long"]);
      expect(wakeFetch(worker)).toBe(true);
      await waitFor(async () => started, (s) => s.includes("next"), 5_000);
      expect(worker.isRunning()).toBe(true);
    } finally {
      release();
      await worker.close();
    }
  });
});
