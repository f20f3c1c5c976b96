import { keyOf, type ClaimedTask } from "./lease";

/**
 * How long a claimed task runs on its lazy claim before its lease is taken (lease.ts). Short
 * enough that the dashboard shows a task running within a blink of it starting; long enough
 * that a typical no-op or millisecond task commits first and never pays for the mark.
 */
export const MARK_AFTER_MS = 100;

export interface Markable {
  task: ClaimedTask;
  /** When the worker took it (Date.now()): the mark is due MARK_AFTER_MS after it. */
  since: number;
  /**
   * When its handler began (Date.now()), after the claim and any wait for a slot: its
   * startedAt. A task marked while still waiting for a slot gets the mark's now() instead.
   */
  startedAt?: number;
  ctl: AbortController;
  /** Set while its mark is in flight: a commit waits for it, so it presents the right fence. */
  marking?: Promise<void>;
  /** Its run is over and its commit is being built: too late to mark. */
  committing: boolean;
}

/**
 * Marks a worker's lazily claimed tasks running once they have run MARK_AFTER_MS, all due
 * ones in one statement per tick. A task whose mark loses was taken over or finished
 * elsewhere: its run is aborted, as for a cancel.
 */
export class LeaseMarker {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly mark: (tasks: ClaimedTask[], startedAt: (number | null)[]) => Promise<Set<string>>,
    private readonly held: () => Iterable<Markable>,
    private readonly onError: (err: unknown) => void,
    private readonly afterMs = MARK_AFTER_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.markDue(), this.afterMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Marks every held task claimed lazily at least afterMs before `now`; resolves when done. */
  async markDue(now = Date.now()): Promise<void> {
    const due = [...this.held()].filter((h) => h.task.lazy && !h.committing && !h.marking && now - h.since >= this.afterMs);
    if (due.length === 0) return;
    const settled = this.mark(due.map((h) => h.task), due.map((h) => h.startedAt ?? null)).then(
      (won) => {
        for (const h of due) {
          if (won.has(keyOf(h.task))) h.task.lazy = false;
          else h.ctl.abort(new Error("task taken over by another worker or finished elsewhere"));
        }
      },
      // Still lazy: the next tick tries again; until then BullMQ and the reconciler cover it.
      (err) => this.onError(err),
    );
    const done = settled.finally(() => {
      for (const h of due) h.marking = undefined;
    });
    for (const h of due) h.marking = done;
    await done;
  }
}
