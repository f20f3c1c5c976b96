// The slot protocol across two real threads, as a worker and its lane thread run it: the
// lane thread takes and waits for slots while the main thread's tasks churn, and only the
// main thread releases. Races here are real, so this is where a lost or doubled slot, or a
// wait count that drifts and starves the main thread's tasks, would show.
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { expect, it } from "vitest";
import { Slots } from "./slots";

const LANE = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.api).then((m) => m.tsImport(workerData.slots, workerData.slots)).then(async ({ waitForSlot }) => {
  const cells = new Int32Array(workerData.cells);
  const held = new Int32Array(workerData.held);
  let got = 0;
  for (let i = 0; i < workerData.rounds; i++) {
    if (await waitForSlot(cells, i % 3)) {
      got++;
      Atomics.add(held, 0, 1);
      Atomics.store(held, 1, Math.max(Atomics.load(held, 1), Atomics.load(held, 0)));
      await new Promise((r) => setImmediate(r));
      Atomics.sub(held, 0, 1);
      parentPort.postMessage("release");
    } else parentPort.postMessage("gave-up");
  }
  parentPort.postMessage({ got });
});
`;

it("conserves slots and serves every task while a lane thread takes and waits for them", async () => {
  const size = 4;
  const slots = new Slots(size);
  const held = new Int32Array(new SharedArrayBuffer(8)); // [holding now, most ever held], both threads
  const rounds = 2000;
  const lane = new Worker(LANE, {
    eval: true,
    workerData: { api: import.meta.resolve("tsx/esm/api"), slots: pathToFileURL(new URL("./slots.ts", import.meta.url).pathname).href, cells: slots.buffer, held: held.buffer, rounds },
  });
  let laneGot = -1;
  const laneDone = new Promise<void>((resolve, reject) => {
    lane.on("message", (m: string | { got: number }) => {
      if (m === "release") slots.release();
      else if (m === "gave-up") slots.serveWaiting();
      else if (typeof m === "object") ((laneGot = m.got), resolve());
    });
    lane.once("error", reject);
    lane.once("exit", (code) => reject(new Error(`lane thread exited (${code}) before it finished`)));
  });
  const task = async () => {
    await slots.acquire();
    Atomics.add(held, 0, 1);
    Atomics.store(held, 1, Math.max(Atomics.load(held, 1), Atomics.load(held, 0)));
    await new Promise((r) => setImmediate(r));
    Atomics.sub(held, 0, 1);
    slots.release();
  };
  let tasks = 0;
  let churning = true;
  const churn = (async () => {
    while (churning) {
      await Promise.all(Array.from({ length: 6 }, task));
      tasks += 6;
    }
  })();
  await laneDone;
  churning = false;
  await churn;
  await lane.terminate();
  expect(laneGot).toBeGreaterThan(0);
  expect(tasks).toBeGreaterThan(0);
  expect(Atomics.load(held, 1)).toBeLessThanOrEqual(size);
  expect(slots.inUse).toBe(0);
  expect(Array.from(new Int32Array(slots.buffer))).toEqual([size, 0]);
}, 60_000);
