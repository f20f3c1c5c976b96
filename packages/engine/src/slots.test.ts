import { describe, expect, it } from "vitest";
import { freeSlots, Slots, takeSlot, waitForSlot } from "./slots";

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

  // The lane thread's side runs here on the same thread: the cells and the protocol are the same.
  describe("shared with the lane thread", () => {
    it("takes a free slot through the shared cells, and counts it as in use", () => {
      const slots = new Slots(2);
      const cells = new Int32Array(slots.buffer);
      expect(takeSlot(cells)).toBe(true);
      expect(takeSlot(cells)).toBe(true);
      expect(takeSlot(cells)).toBe(false);
      expect(slots.inUse).toBe(2);
      slots.release();
      expect(freeSlots(cells)).toBe(1);
    });

    it("gives the lane thread's wait the next released slot, ahead of tasks waiting here but after footholds", async () => {
      const slots = new Slots(1);
      const cells = new Int32Array(slots.buffer);
      await slots.acquire();
      const order: string[] = [];
      const task = slots.acquire().then(() => order.push("task"));
      const lane = waitForSlot(cells, 5_000).then((got) => order.push(`lane ${got}`));
      await tick();
      const foothold = slots.acquire(true).then(() => order.push("foothold"));
      slots.release(); // to the urgent foothold
      await foothold;
      slots.release(); // to the lane thread's wait
      await lane;
      // A new task may not take the lane's slot meanwhile; the queued one gets the next.
      slots.release();
      await task;
      expect(order).toEqual(["foothold", "lane true", "task"]);
      expect(slots.inUse).toBe(1);
    });

    it("gives up after its timeout, and a slot left free then goes to the tasks waiting here", async () => {
      const slots = new Slots(1);
      const cells = new Int32Array(slots.buffer);
      await slots.acquire();
      expect(await waitForSlot(cells, 20)).toBe(false);
      let served = false;
      const task = slots.acquire().then(() => (served = true));
      slots.release();
      await task;
      expect(served).toBe(true);
      // A slot freed while the lane still waits is the lane's; once the wait is over, serveWaiting hands it on.
      const late = waitForSlot(cells, 20);
      const queued = slots.acquire().then(() => (served = false));
      slots.release();
      expect(await late).toBe(true);
      slots.release();
      await queued;
      expect(served).toBe(false);
      expect(slots.inUse).toBe(1);
    });

    it("serves tasks waiting here with slots the lane left free, and forgets its waits when it exits", async () => {
      const slots = new Slots(2);
      const cells = new Int32Array(slots.buffer);
      await slots.acquire();
      await slots.acquire();
      const wait = waitForSlot(cells, 1_000);
      const queued = slots.acquire();
      slots.clearThreadWaits(); // the thread exited: its wait no longer counts
      slots.release();
      await queued; // the release went to the task, not to the dead thread
      expect(slots.inUse).toBe(2);
      slots.release();
      expect(await wait).toBe(true); // a slot simply free is anyone's
      expect(slots.inUse).toBe(2);
    });

    it("under churn of tasks and lane waits, never exceeds its size, serves everyone and ends with nothing spoken for", async () => {
      const slots = new Slots(3);
      const cells = new Int32Array(slots.buffer);
      let now = 0;
      let max = 0;
      let seed = 7;
      const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
      const hold = async () => {
        max = Math.max(max, ++now);
        for (let i = rand(3); i > 0; i--) await tick();
        now--;
        slots.release();
      };
      let laneGot = 0;
      const work = Array.from({ length: 300 }, async (_, i) => {
        for (let w = rand(4); w > 0; w--) await tick();
        if (i % 5 === 0) {
          if (await waitForSlot(cells, rand(3))) {
            laneGot++;
            await hold();
          } else slots.serveWaiting(); // as the thread's "slots" message makes the main thread do
        } else {
          await slots.acquire(i % 7 === 0);
          await hold();
        }
      });
      await Promise.all(work);
      expect(max).toBeLessThanOrEqual(3);
      expect(laneGot).toBeGreaterThan(0);
      expect(slots.inUse).toBe(0);
      expect(Array.from(cells)).toEqual([3, 0]);
    });
  });
});
