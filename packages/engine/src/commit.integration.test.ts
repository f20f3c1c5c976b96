import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness } from "./testing/harness";
import { claimTasks } from "./lease";
import { commitTasks, type TaskRunResult } from "./commit";

let h: Harness;
let tenant: string;

beforeAll(async () => {
  h = await createHarness();
  tenant = await h.newTenant();
});

afterAll(async () => {
  await h?.close();
});

const ok = (index: number, output: string): TaskRunResult => ({ indexes: [index], outputs: [output], retry: [], dead: [] });
const failure = (index: number, error: string) => ({ index, error, fingerprint: `fp-${error}` });

// The batch travels as one typed array per field plus the per-item lists of only the
// entries that have any (commit.ts): each entry's lists must land on its own task.
it("commits a mixed batch with each entry's failures, retries and outputs on its own task", async () => {
  // A pool no worker serves: the test claims and commits by hand.
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["a", "b", "c", "d", "e"] }, chunkSize: 1, pool: "commit-test" });
  await h.db.prisma.task.updateMany({ where: { jobId: job.id }, data: { status: "queued", admits: 1 } });
  const claimed = await claimTasks(h.sql, [0, 1, 2, 3, 4].map((seq) => ({ jobId: job.id, seq, admits: 1 })), "w1", 2000);
  expect(claimed.every((t) => t?.lazy)).toBe(true);
  const [t0, t1, t2, t3, t4] = claimed.map((t) => t!);
  const outcomes = await commitTasks(h.sql, "w1", [
    { task: t0!, result: ok(0, "A"), retryDelayMs: 0, startedAt: Date.now() },
    { task: t1!, result: { indexes: [], outputs: [], retry: [failure(1, "boom")], dead: [] }, retryDelayMs: 60_000 },
    { task: t2!, result: ok(2, 'C "quoted" \\ {braces}, commas'), retryDelayMs: 0 },
    { task: t3!, result: { indexes: [], outputs: [], retry: [], dead: [failure(3, "gone")] }, retryDelayMs: 0 },
    { task: t4!, result: ok(4, "E"), retryDelayMs: 0 },
  ]);
  expect(outcomes.every((o) => o.committed)).toBe(true);

  const tasks = await h.db.prisma.task.findMany({ where: { jobId: job.id }, orderBy: { seq: "asc" } });
  expect(tasks.map((t) => t.status)).toEqual(["done", "backoff", "done", "done", "done"]);
  expect(tasks.map((t) => t.pendingIdx)).toEqual([[], [0], [], [], []]);
  expect(tasks.map((t) => t.lastError)).toEqual([null, "boom", null, "gone", null]);
  expect(tasks[1]!.runAfter!.getTime()).toBeGreaterThan(Date.now() + 30_000);
  expect(tasks.filter((t) => t.seq !== 1).every((t) => t.runAfter === null && t.finishedAt !== null)).toBe(true);

  const failures = await h.db.prisma.itemFailure.findMany({ where: { jobId: job.id }, orderBy: { itemIndex: "asc" } });
  expect(failures.map((f) => [f.seq, f.itemIndex, f.error, f.fingerprint, f.workerId])).toEqual([
    [1, 1, "boom", "fp-boom", "w1"],
    [3, 3, "gone", "fp-gone", "w1"],
  ]);
  const dead = await h.db.prisma.deadLetter.findMany({ where: { jobId: job.id } });
  expect(dead.map((d) => [d.seq, d.itemIndex, d.error])).toEqual([[3, 3, "gone"]]);
  const results = await h.db.prisma.taskResult.findMany({ where: { jobId: job.id }, orderBy: { seq: "asc" } });
  expect(results.map((r) => [r.seq, r.outputs])).toEqual([[0, ["A"]], [2, ['C "quoted" \\ {braces}, commas']], [4, ["E"]]]);

  const row = await h.db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
  expect(row).toMatchObject({ itemsSucceeded: 3, itemsFailed: 1, itemsDead: 1, tasksDone: 4, status: "running" });
});

it("commits an error cut through a surrogate pair", async () => {
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["a"] }, pool: "commit-test" });
  await h.db.prisma.task.updateMany({ where: { jobId: job.id }, data: { status: "queued", admits: 1 } });
  const [task] = await claimTasks(h.sql, [{ jobId: job.id, seq: 0, admits: 1 }], "w1", 2000);
  // 1,999 characters, then an emoji: the 2,000-character cut keeps only its first half.
  const error = `${"x".repeat(1999)}😀 and more`;
  const [outcome] = await commitTasks(h.sql, "w1", [{ task: task!, result: { indexes: [], outputs: [], retry: [failure(0, error)], dead: [] }, retryDelayMs: 60_000 }]);
  expect(outcome).toMatchObject({ committed: true });
  const [f] = await h.db.prisma.itemFailure.findMany({ where: { jobId: job.id } });
  expect(f!.error).toBe(`${"x".repeat(1999)}\uFFFD`);
});
