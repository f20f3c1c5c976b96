/**
 * A worker's task slots: a counting semaphore of its concurrency. BullMQ's own concurrency
 * counts BullMQ jobs, and a bundle is one job holding many tasks, so it can no longer
 * enforce "at most C handlers at once"; every task, bundled or single, takes a slot here
 * before its handler runs. FIFO, except that urgent waiters (a newcomer's foothold) go
 * ahead of tasks already waiting, as they do in Redis.
 */
export class Slots {
  /**
   * [free slots, lane-thread waits not yet granted, grants not yet claimed], in shared
   * memory: the worker's foothold-lane thread (lane-thread.ts) takes a free slot with
   * `takeSlot`, or waits for the next one released with `waitForSlot`. Only this side (the
   * main thread) releases, so handing a slot to a waiter stays a local decision.
   */
  private readonly cells: Int32Array;
  private readonly waiting: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`slots must be a whole number ≥ 1 (got ${size})`);
    this.cells = new Int32Array(new SharedArrayBuffer(12));
    this.cells[FREE] = size;
  }

  /** The shared cells, for the lane thread's `takeSlot` and `waitForSlot`. */
  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  /** Tasks holding a slot now. */
  get inUse(): number {
    return this.size - Atomics.load(this.cells, FREE);
  }

  /** Resolves once a slot is held; every acquire must be followed by one release. */
  acquire(urgent = false): Promise<void> {
    // A slot left free while the lane thread waits, or granted to it, is the thread's.
    if ((urgent || Atomics.load(this.cells, WANT) + Atomics.load(this.cells, GRANTED) === 0) && takeSlot(this.cells)) return Promise.resolve();
    return new Promise((resolve) => (urgent ? this.urgent : this.waiting).push(resolve));
  }

  /**
   * Hands the slot straight to the next waiter, so a later acquire cannot jump the queue:
   * urgent ones (footholds) first, then the lane thread's, then the rest.
   */
  release(): void {
    const urgent = this.urgent.shift();
    if (urgent) return urgent();
    if (decrementIfPositive(this.cells, WANT)) {
      Atomics.add(this.cells, GRANTED, 1);
      return this.free(1);
    }
    const next = this.waiting.shift();
    if (next) return next();
    this.free(1);
  }

  /** Gives slots left free to the waiters here: the lane thread stopped waiting without taking one. */
  serveWaiting(): void {
    while (this.urgent.length + this.waiting.length > 0 && takeSlot(this.cells)) (this.urgent.shift() ?? this.waiting.shift())!();
  }

  /** Forgets the lane thread's waits (it has exited), so released slots go to the waiters here again. */
  clearThreadWaits(): void {
    Atomics.store(this.cells, WANT, 0);
    Atomics.store(this.cells, GRANTED, 0);
    this.serveWaiting();
  }

  /** Counts a slot free again and wakes a lane-thread wait, if any (a cheap call when none). */
  private free(n: number): void {
    for (;;) {
      const f = Atomics.load(this.cells, FREE);
      if (f >= this.size) return;
      if (Atomics.compareExchange(this.cells, FREE, f, Math.min(this.size, f + n)) === f) break;
    }
    Atomics.notify(this.cells, FREE);
  }
}

const FREE = 0;
const WANT = 1;
const GRANTED = 2;

/** Takes one free slot from a Slots' shared cells, from either thread; false when none is free. */
export function takeSlot(cells: Int32Array): boolean {
  return decrementIfPositive(cells, FREE);
}

/** Free slots now, read from a Slots' shared cells. */
export function freeSlots(cells: Int32Array): number {
  return Atomics.load(cells, FREE);
}

/**
 * From the lane thread: takes the next slot the main thread releases, ahead of the tasks
 * waiting there, or gives up after `timeoutMs`. Every slot is either counted free or held,
 * so a grant nobody claims leaves its slot free, never lost; when this gives up with slots
 * free, the caller has the main thread serve its waiters with them (`serveWaiting`).
 * WANT + GRANTED counts the waits: one leaving takes its unit back from GRANTED when it
 * leaves with a slot (it may be the grant) and from WANT when it leaves without one.
 */
export async function waitForSlot(cells: Int32Array, timeoutMs: number): Promise<boolean> {
  if (takeSlot(cells)) return true;
  Atomics.add(cells, WANT, 1);
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (takeSlot(cells)) {
      if (!decrementIfPositive(cells, GRANTED)) decrementIfPositive(cells, WANT);
      return true;
    }
    const left = end - Date.now();
    if (left <= 0) break;
    const w = Atomics.waitAsync(cells, FREE, 0, left);
    if (w.async) await w.value;
  }
  if (decrementIfPositive(cells, WANT)) return false;
  // A release granted this wait at the last moment: its slot, unless taken meanwhile.
  decrementIfPositive(cells, GRANTED);
  return takeSlot(cells);
}

function decrementIfPositive(cells: Int32Array, at: number): boolean {
  for (;;) {
    const v = Atomics.load(cells, at);
    if (v <= 0) return false;
    if (Atomics.compareExchange(cells, at, v, v - 1) === v) return true;
  }
}
