/**
 * A worker's task slots: a counting semaphore of its concurrency. BullMQ's own concurrency
 * counts BullMQ jobs, and a bundle is one job holding many tasks, so it can no longer
 * enforce "at most C handlers at once"; every task, bundled or single, takes a slot here
 * before its handler runs. FIFO, except that urgent waiters (a newcomer's foothold) go
 * ahead of tasks already waiting, as they do in Redis.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`slots must be a whole number ≥ 1 (got ${size})`);
    this.free = size;
  }

  /** Tasks holding a slot now. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Slots free now (0 while anyone waits). */
  get available(): number {
    return this.free;
  }

  /** Takes a slot only if one is free now; the caller must release it. */
  tryAcquire(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  /** Resolves once a slot is held; every acquire must be followed by one release. */
  acquire(urgent = false): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => (urgent ? this.urgent : this.waiting).push(resolve));
  }

  /** Hands the slot straight to the next waiter (so a later acquire cannot jump the queue). */
  release(): void {
    const next = this.urgent.shift() ?? this.waiting.shift();
    if (next) next();
    else this.free = Math.min(this.size, this.free + 1);
  }
}
