/**
 * Collects calls and runs them as one batch: BullMQ hands a worker many tasks at once,
 * and one statement for all of them beats one each. Group-commit style: at most
 * `maxInFlight` batches run at a time and whatever arrives meanwhile waits for the next,
 * so batches grow with load instead of every tick paying for its own statement, while
 * an idle system still flushes on the next tick. `run` must return one result per
 * input, in order.
 */
export class MicroBatcher<In, Out> {
  private queue: { input: In; resolve: (o: Out) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 256,
    private readonly maxInFlight = 2,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    this.run(batch.map((b) => b.input))
      .then(
        (outs) => batch.forEach((b, i) => b.resolve(outs[i] as Out)),
        (err) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
    this.schedule();
  }
}
