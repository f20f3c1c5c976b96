import { describe, expect, it } from "vitest";
import { LiveCache } from "./live-cache";

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** A computation whose result the test releases by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("LiveCache", () => {
  it("shares one computation between concurrent readers", async () => {
    const c = new LiveCache<number>();
    let calls = 0;
    const d = deferred<number>();
    const compute = () => (calls++, d.promise);
    const both = Promise.all([c.get("j", compute), c.get("j", compute)]);
    d.resolve(7);
    expect(await both).toEqual([7, 7]);
    expect(calls).toBe(1);
  });

  it("keeps a value fresh for max(minFreshMs, costFactor × compute time)", async () => {
    const t = clock();
    const c = new LiveCache<number>({ now: t.now, minFreshMs: 1000, costFactor: 10 });
    let n = 0;
    const slow = async () => (t.advance(300), ++n);
    expect(await c.get("j", slow)).toBe(1);
    t.advance(2_999); // fresh for 10 × 300 ms = 3 s after it finished
    expect(await c.get("j", slow)).toBe(1);
    expect(n).toBe(1);
    t.advance(2);
    // Stale: served at once while the refresh runs, which the next read then sees.
    expect(await c.get("j", slow)).toBe(1);
    await Promise.resolve();
    expect(n).toBe(2);
    expect(await c.get("j", slow)).toBe(2);
  });

  it("serves the stale value when a refresh fails, and reports the failure", async () => {
    const t = clock();
    const errors: unknown[] = [];
    const c = new LiveCache<number>({ now: t.now, minFreshMs: 10, onError: (e) => errors.push(e) });
    expect(await c.get("j", async () => 1)).toBe(1);
    t.advance(11);
    expect(await c.get("j", () => Promise.reject(new Error("pg down")))).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toHaveLength(1);
    // Still stale: this read starts another refresh and is answered with the old value.
    expect(await c.get("j", async () => 2)).toBe(1);
  });

  it("propagates a first failure and forgets the key, so the next read tries again", async () => {
    const c = new LiveCache<number>();
    await expect(c.get("j", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(c.size).toBe(0);
    expect(await c.get("j", async () => 3)).toBe(3);
  });

  it("drops the least recently computed key beyond maxKeys, and forgets a deleted one", async () => {
    const c = new LiveCache<string>({ maxKeys: 2 });
    for (const k of ["a", "b", "c"]) await c.get(k, async () => k);
    expect(c.size).toBe(2);
    let recomputed = false;
    await c.get("a", async () => ((recomputed = true), "a2"));
    expect(recomputed).toBe(true);
    c.delete("a");
    expect(await c.get("a", async () => "a3")).toBe("a3");
  });
});
