/**
 * A worker's task slots: a counting semaphore of its concurrency. BullMQ's own concurrency
 * counts BullMQ jobs, and a bundle is one job holding many tasks, so it can no longer
 * enforce "at most C handlers at once"; every task, bundled or single, takes a slot here
 * before its handler runs. FIFO, except that urgent waiters (a newcomer's foothold) go
 * ahead of tasks already waiting, as they do in Redis.
 */
export class Slots {
  /**
   * [free slots, lane-thread waits], in shared memory: the worker's foothold-lane thread
   * (lane-thread.ts) takes a free slot with `takeSlot`, or waits for one with
   * `waitForSlot`. Slots are conserved by compare-and-swap on the free count alone (every
   * slot is counted free or held); the wait count only orders who goes next, so a race on
   * it can misplace one slot's turn but never lose a slot. Only this side (the main
   * thread) releases, so handing a slot to a waiter stays a local decision.
   */
  private readonly cells: Int32Array;
  private readonly waiting: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`slots must be a whole number ≥ 1 (got ${size})`);
    this.cells = new Int32Array(new SharedArrayBuffer(8));
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
    // Free slots up to the lane thread's waits are the thread's.
    if ((urgent || this.spare() > 0) && takeSlot(this.cells)) return Promise.resolve();
    return new Promise((resolve) => (urgent ? this.urgent : this.waiting).push(resolve));
  }

  /**
   * Hands the slot straight to the next waiter, so a later acquire cannot jump the queue:
   * urgent ones (footholds) first, then the lane thread's waits, then the rest.
   */
  release(): void {
    const urgent = this.urgent.shift();
    if (urgent) return urgent();
    const next = this.spare() >= 0 ? this.waiting.shift() : undefined;
    if (next) return next();
    this.free();
  }

  /** Gives slots free beyond the lane thread's waits to the waiters here (the thread stopped waiting without one). */
  serveWaiting(): void {
    while (this.urgent.length + this.waiting.length > 0 && (this.urgent.length > 0 || this.spare() > 0) && takeSlot(this.cells)) {
      (this.urgent.shift() ?? this.waiting.shift())!();
    }
  }

  /** Forgets the lane thread's waits (it has exited), so released slots go to the waiters here again. */
  clearThreadWaits(): void {
    Atomics.store(this.cells, WAITS, 0);
    this.serveWaiting();
  }

  /** Free slots not spoken for by the lane thread's waits (negative: waits outnumber them). */
  private spare(): number {
    return Atomics.load(this.cells, FREE) - Math.max(0, Atomics.load(this.cells, WAITS));
  }

  /** Counts a slot free again and wakes a lane-thread wait, if any (a cheap call when none). */
  private free(): void {
    for (;;) {
      const f = Atomics.load(this.cells, FREE);
      if (f >= this.size) return;
      if (Atomics.compareExchange(this.cells, FREE, f, f + 1) === f) break;
    }
    Atomics.notify(this.cells, FREE);
  }
}

const FREE = 0;
const WAITS = 1;

/** Takes one free slot from a Slots' shared cells, from either thread; false when none is free. */
export function takeSlot(cells: Int32Array): boolean {
  for (;;) {
    const f = Atomics.load(cells, FREE);
    if (f <= 0) return false;
    if (Atomics.compareExchange(cells, FREE, f, f - 1) === f) return true;
  }
}

/** Free slots now, read from a Slots' shared cells. */
export function freeSlots(cells: Int32Array): number {
  return Atomics.load(cells, FREE);
}

/**
 * From the lane thread: takes the next slot the main thread releases, ahead of the tasks
 * waiting there, or gives up after `timeoutMs`. Each wait counts itself in WAITS while it
 * lasts and takes itself out however it ends, so the count cannot drift. When it gives up
 * with slots free (a release raced its timeout), the caller has the main thread serve its
 * waiters with them (`serveWaiting`).
 */
export async function waitForSlot(cells: Int32Array, timeoutMs: number): Promise<boolean> {
  if (takeSlot(cells)) return true;
  Atomics.add(cells, WAITS, 1);
  const end = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (takeSlot(cells)) return true;
      const left = end - Date.now();
      if (left <= 0) break;
      const w = Atomics.waitAsync(cells, FREE, 0, left);
      if (!w.async) continue;
      // A pending waitAsync keeps no event loop alive, and its own timeout may fire after
      // the loop has emptied: a timer of ours ends the wait as surely.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([w.value, new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
  } finally {
    Atomics.sub(cells, WAITS, 1);
  }
  return takeSlot(cells); // one released as the wait ran out
}
