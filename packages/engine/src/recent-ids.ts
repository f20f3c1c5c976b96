/** Ids seen in the last `ttlMs`; memory stays bounded by what arrives within one ttl. */
export class RecentIds {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  add(id: string, now = Date.now()): void {
    this.seen.delete(id); // re-inserted last, so the map stays in arrival order
    this.seen.set(id, now);
    for (const [k, at] of this.seen) {
      if (now - at < this.ttlMs) break;
      this.seen.delete(k);
    }
  }

  has(id: string, now = Date.now()): boolean {
    const at = this.seen.get(id);
    return at !== undefined && now - at < this.ttlMs;
  }
}
