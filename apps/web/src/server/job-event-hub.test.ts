// The hub fans one read per change out to every viewer: Postgres load grows with watched
// jobs and changes, not with viewers, and the last change of a burst is always delivered.
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobView } from "@fanout/engine";
import { createJobEventHub } from "./job-event-hub";

class FakeSubscriber extends EventEmitter {
  channels = new Set<string>();
  async subscribe(c: string) { this.channels.add(c); }
  async unsubscribe(c: string) { this.channels.delete(c); }
  publish(c: string) { if (this.channels.has(c)) this.emit("message", c, "x"); }
}

function setup() {
  const sub = new FakeSubscriber();
  let succeeded = 0;
  const load = vi.fn(async (_t: string, id: string) => ({ id, status: succeeded >= 10 ? "succeeded" : "running", progress: { succeeded } }) as unknown as JobView);
  const hub = createJobEventHub({ subscriber: () => sub as unknown as Redis, channel: (id) => `events:job:${id}`, load });
  return { sub, hub, load, commit: () => { succeeded++; sub.publish("events:job:j1"); } };
}

afterEach(() => vi.useRealTimers());

describe("job event hub", () => {
  it("shares one subscription and one read per change among many viewers", async () => {
    vi.useFakeTimers();
    const { sub, hub, load, commit } = setup();
    const seen: number[][] = [[], [], []];
    const stops = await Promise.all(seen.map((s) => hub.watch("t1", "j1", (j) => s.push(j.progress.succeeded))));
    expect(sub.channels).toEqual(new Set(["events:job:j1"]));
    expect(load).toHaveBeenCalledTimes(1); // the first viewer's read serves the others
    for (let i = 0; i < 10; i++) commit(); // a burst of commits
    await vi.advanceTimersByTimeAsync(1_000);
    expect(load.mock.calls.length).toBeLessThanOrEqual(3);
    for (const s of seen) expect(s.at(-1)).toBe(10); // every viewer got the final state
    expect(hub.stats()).toMatchObject({ jobs: 1, viewers: 3 });
    stops.forEach((stop) => stop());
    expect(sub.channels.size).toBe(0);
    expect(hub.stats()).toMatchObject({ jobs: 0, viewers: 0 });
  });

  it("refreshes a running job slowly when no message comes, and stops once it is finished", async () => {
    vi.useFakeTimers();
    const { hub, load } = setup();
    const stop = await hub.watch("t1", "j1", () => {});
    await vi.advanceTimersByTimeAsync(20_000);
    // Without messages: one read per 5 s for the job, not one per second per viewer.
    expect(load.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(load.mock.calls.length).toBeLessThanOrEqual(6);
    stop();
  });

  it("keeps serving others when one viewer's stream has gone", async () => {
    vi.useFakeTimers();
    const { hub, commit } = setup();
    const got: number[] = [];
    await hub.watch("t1", "j1", () => { throw new Error("stream closed"); });
    await hub.watch("t1", "j1", (j) => got.push(j.progress.succeeded));
    commit();
    await vi.advanceTimersByTimeAsync(500);
    expect(got.at(-1)).toBe(1);
  });
});
