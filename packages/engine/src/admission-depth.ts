/**
 * How many tasks a pool may have admitted (queued or running) per worker slot. At
 * `perSlot` a newcomer's next task waits behind about perSlot − 1 tasks per slot, which
 * is what keeps admission fair for long tasks. Short tasks (bundle.ts: under 2 ms) finish
 * faster than an admission cycle refills their slot (commit → wake → round → BullMQ →
 * claim, tens of ms under load), so workers idle between rounds; for them the pool runs up
 * to 2.25× as deep, and the extra queue holds only a few milliseconds of work per slot.
 * (Bench scenario 1, no-op tasks, alternating 2 + 2 runs on 2026-12-03: 4.5 tasks per slot
 * ran 0.61-0.76× raw BullMQ against 0.47-0.68× at 3 per slot, and cost less CPU per task,
 * as claim and commit batches grow. Until the foothold lane, a deeper pool queued the
 * quiet tenant of scenario 4 longer: p99 46 vs 37 ms at 4 vs 3 per slot; a foothold no
 * longer waits behind the pool's queue.)
 * The depth follows a moving share of short tasks among those admitted, so a pool of
 * long tasks keeps the plain depth and a mixed pool sits in between.
 */
/** Extra depth for an all-short pool, as a fraction of the plain depth. */
export const SHORT_EXTRA = 1.25;

export class AdmissionDepth {
  private readonly shortShare = new Map<string, number>();

  constructor(private readonly perSlot = 2, private readonly shortExtra = SHORT_EXTRA) {}

  /** One admission round's outcome for a pool. */
  observe(pool: string, admitted: number, short: number): void {
    if (admitted <= 0) return;
    const prev = this.shortShare.get(pool) ?? 0;
    this.shortShare.set(pool, prev * 0.8 + (short / admitted) * 0.2);
  }

  /** Tasks the pool may have in flight with `slots` live worker slots. */
  capacity(pool: string, slots: number): number {
    return Math.round(slots * this.perSlot * (1 + this.shortExtra * (this.shortShare.get(pool) ?? 0)));
  }
}
