/**
 * How many main-queue jobs a worker lets BullMQ fetch. BullMQ's concurrency counts jobs; a
 * bundle is one job carrying up to MAX_BUNDLE tasks. Left at `concurrency`, one worker
 * could take a whole round's bundles (up to concurrency × 16 tasks) while its peers idle:
 * BullMQ fetches greedily, one round trip per job. So it follows what the worker holds:
 * the jobs it has, plus one more job per slot not yet spoken for. With single tasks that
 * is exactly `concurrency`; once held tasks reach `concurrency` it stops fetching until a
 * job finishes (BullMQ fetches the next one as it marks that one completed), so a worker
 * holds at most concurrency − 1 + MAX_BUNDLE tasks, plus the lane's footholds. The price:
 * BullMQ looks at the new value only when one of its jobs ends, so while a bundle's last
 * tasks finish nothing is prefetched; a worker whose concurrency is below the bundle size
 * idles some slots for a Redis and a claim round trip per bundle.
 */
export class FetchPace {
  /**
   * jobs, tasks, footholds: in shared memory, because the worker's foothold-lane thread
   * (lane-thread.ts) decides `laneMayKeep` and counts the footholds it keeps itself.
   */
  private readonly c: Int32Array;

  /** `buffer`: another FetchPace's (the lane thread's view of the worker's counts). */
  constructor(readonly concurrency: number, buffer = new SharedArrayBuffer(12)) {
    this.c = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.c.buffer as SharedArrayBuffer;
  }

  /** Main-queue BullMQ jobs held. */
  get jobs(): number {
    return Atomics.load(this.c, JOBS);
  }
  set jobs(n: number) {
    Atomics.store(this.c, JOBS, n);
  }

  /** Tasks held: the main-queue jobs' and the lane's footholds. */
  get tasks(): number {
    return Atomics.load(this.c, TASKS);
  }
  set tasks(n: number) {
    Atomics.store(this.c, TASKS, n);
  }

  /** Footholds held from the lane (lanes.ts). */
  get footholds(): number {
    return Atomics.load(this.c, FOOTHOLDS);
  }
  set footholds(n: number) {
    Atomics.store(this.c, FOOTHOLDS, n);
  }

  /** Adds to a count atomically: both threads change `tasks` and `footholds`. */
  add(what: "jobs" | "tasks" | "footholds", n: number): void {
    Atomics.add(this.c, what === "jobs" ? JOBS : what === "tasks" ? TASKS : FOOTHOLDS, n);
  }

  /** The main queue's BullMQ concurrency now (BullMQ takes nothing below 1). */
  get mainConcurrency(): number {
    return Math.max(1, this.jobs + Math.max(0, this.concurrency - this.tasks));
  }

  /**
   * Whether a lane foothold may stay, given the slots free now: it takes one, and while the
   * main queue may have a fetch out (its concurrency is above the jobs held) that fetch may
   * bring a job too, which must find a slot rather than wait on this worker while others
   * are idle. Lane footholds never fill every slot: BullMQ keeps the main queue's
   * concurrency at 1 or more, so it would fetch as its last job ends, with no slot for it.
   */
  laneMayKeep(freeSlots: number): boolean {
    return this.footholds + 1 < this.concurrency && this.slotsAllowKeep(freeSlots);
  }

  /** The slot half of `laneMayKeep`, for a foothold already counted (`reserveFoothold`). */
  slotsAllowKeep(freeSlots: number): boolean {
    return freeSlots >= (this.mainConcurrency > this.jobs ? 2 : 1);
  }

  /**
   * Counts one more lane foothold if that leaves a slot for the main queue (the foothold
   * half of `laneMayKeep`), atomically: the lane thread's concurrent footholds, some waiting
   * for a slot, must not together pass the cap. Undone with add("footholds", -1).
   */
  reserveFoothold(): boolean {
    for (;;) {
      const f = Atomics.load(this.c, FOOTHOLDS);
      if (f + 1 >= this.concurrency) return false;
      if (Atomics.compareExchange(this.c, FOOTHOLDS, f, f + 1) === f) return true;
    }
  }
}

const JOBS = 0;
const TASKS = 1;
const FOOTHOLDS = 2;
