import { describe, expect, it } from "vitest";
import { Slots } from "./slots";

const tick = () => new Promise((r) => setImmediate(r));

describe("Slots", () => {
  it("never lets more than `size` holders in at once", async () => {
    const slots = new Slots(3);
    let now = 0;
    let max = 0;
    await Promise.all(Array.from({ length: 50 }, async () => {
      await slots.acquire();
      max = Math.max(max, ++now);
      await tick();
      now--;
      slots.release();
    }));
    expect(max).toBe(3);
    expect(slots.inUse).toBe(0);
  });

  it("serves waiters first come, first served, urgent ones ahead", async () => {
    const slots = new Slots(1);
    await slots.acquire();
    const order: string[] = [];
    const wait = (name: string, urgent = false) => slots.acquire(urgent).then(() => order.push(name));
    const all = [wait("a"), wait("b"), wait("foothold", true), wait("c")];
    for (let i = 0; i < 4; i++) {
      slots.release();
      await tick();
    }
    await Promise.all(all);
    expect(order).toEqual(["foothold", "a", "b", "c"]);
    expect(slots.inUse).toBe(1);
  });

  it("rejects a size below one", () => {
    expect(() => new Slots(0)).toThrow();
  });
});
