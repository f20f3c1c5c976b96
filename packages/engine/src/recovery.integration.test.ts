import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, isFinished, recordedIndexes, waitFor, type Harness } from "./testing/harness";
import { startPrivateRedis, type PrivateRedis } from "./testing/redis-server";

const LEASE_MS = 1000;
let redisServer: PrivateRedis;
let h: Harness;
let tenant: string;

beforeAll(async () => {
  redisServer = await startPrivateRedis();
  h = await createHarness({ leaseMs: LEASE_MS, redisUrl: redisServer.url });
  tenant = await h.newTenant();
});

afterAll(async () => {
  await h?.close();
  await redisServer?.stop();
});

describe("recovery from lost Redis state and a dead scheduler", () => {
  it("finishes a job with every result exactly once after FLUSHALL mid-run", async () => {
    const scheduler = h.engine.createScheduler({ leaderTtlMs: 1000 });
    const workers = [h.engine.createWorker({ concurrency: 8 }), h.engine.createWorker({ concurrency: 8 })];
    await scheduler.start();
    for (const w of workers) await w.start();
    const { job } = await h.engine.submitJob(tenant, { handler: "sleep", input: { items: Array(20_000).fill(1) }, chunkSize: 250 });
    await waitFor(() => h.engine.getJob(tenant, job.id), (j) => j.progress.succeeded >= 4_000, 60_000);
    await h.redis.flushall();
    const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished, 120_000, 100);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ succeeded: 20_000, running: 0, failed: 0, dead: 0, queued: 0 });
    const recorded = await recordedIndexes(h, job.id);
    expect(recorded).toHaveLength(20_000);
    expect(new Set(recorded).size).toBe(20_000);
    await scheduler.close();
    for (const w of workers) await w.close();
  }, 180_000);

  it("a standby scheduler takes over when the leader is SIGKILLed and work continues", async () => {
    const script = fileURLToPath(new URL("./testing/scheduler-process.ts", import.meta.url));
    const leader = spawn(process.execPath, ["--import", "tsx", script], {
      env: { ...process.env, DATABASE_URL: h.db.url, REDIS_URL: redisServer.url, FANOUT_PREFIX: h.prefix, LEASE_MS: String(LEASE_MS), LEADER_TTL_MS: "1500" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const role = await new Promise<string>((resolve) => leader.stdout!.once("data", (d) => resolve(String(d).trim())));
    expect(role).toBe("leader");
    const standby = h.engine.createScheduler({ leaderTtlMs: 1500 });
    const worker = h.engine.createWorker({ concurrency: 4 });
    await standby.start();
    await worker.start();
    expect(standby.isLeader).toBe(false);

    const first = await h.engine.submitJob(tenant, { handler: "echo", input: { items: [1, 2, 3] } });
    expect((await waitFor(() => h.engine.getJob(tenant, first.job.id), isFinished)).status).toBe("succeeded");

    leader.kill("SIGKILL");
    const killedAt = Date.now();
    await waitFor(async () => standby.isLeader, Boolean, 10_000, 50);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(10_000);
    const second = await h.engine.submitJob(tenant, { handler: "echo", input: { items: [4, 5] } });
    expect((await waitFor(() => h.engine.getJob(tenant, second.job.id), isFinished)).status).toBe("succeeded");
    await standby.close();
    await worker.close();
  }, 60_000);
});
