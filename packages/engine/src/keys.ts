/**
 * Redis names. Every key of one queue shares a hash tag ({pool}) so BullMQ's
 * multi-key scripts work on Redis Cluster; other pools land on other slots.
 */
export function queueName(pool: string): string {
  return `{pool-${pool}}`;
}

/** The pool's foothold lane (lanes.ts); the same hash tag keeps a pool's queues on one Redis Cluster slot. */
export function footholdQueueName(pool: string): string {
  return `{pool-${pool}}-footholds`;
}

export function bullJobId(jobId: string, seq: number, admits: number): string {
  return `${jobId}.${seq}.${admits}`;
}

export const channels = (prefix: string) => ({
  wake: `${prefix}:events:wake`,
  cancel: `${prefix}:events:cancel`,
  job: (jobId: string) => `${prefix}:events:job:${jobId}`,
  /** Admissions into a remote pool: wakes long-polling lease requests. */
  pool: (pool: string) => `${prefix}:events:pool:${pool}`,
  leader: `${prefix}:{scheduler}:leader`,
});
