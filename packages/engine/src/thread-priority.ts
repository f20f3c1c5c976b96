import { stat } from "node:fs/promises";
import { getPriority, setPriority } from "node:os";
import { isMainThread } from "node:worker_threads";

/**
 * Lowers the CPU priority (raises the nice value) of the worker's main thread, which runs
 * the bulk of its tasks: claims, bundles, commits, and also heartbeats and renewals, which
 * need little CPU. A newcomer's start on the foothold lane thread then gets a core sooner
 * on a busy machine, and so do other processes in the worker's scheduling group (with
 * Linux's autogroup or separate cgroups, services such as Postgres are in groups of their
 * own, which nice does not order). Bench scenario 4, 15 alternating runs each, same
 * machine state: quiet tenant p99 under a flood 21 ms (16–31) at nice 0, 19 ms (14–24)
 * at +5, with no loss of flood or scenario 1 throughput.
 *
 * On Linux nice is per thread and setpriority(pid) names the main thread only, so threads
 * started before keep their priority; threads started after inherit the lowered one, so
 * libuv's pool is started first (the lane thread shares it), and a restarted lane thread
 * raises its own back if it may (`restoreThreadPriority`). Raising a nice value needs no
 * privilege. Elsewhere the whole process is lowered, which gains nothing and costs
 * nothing. Called on a thread other than the main one, it does nothing (it would lower
 * the main thread, not its caller).
 */
export async function lowerMainThreadPriority(nice: number): Promise<{ ok: boolean; error?: string }> {
  if (!isMainThread || nice <= 0) return { ok: false };
  await stat(".").catch(() => {}); // starts libuv's thread pool, if nothing has yet, at the current priority
  return renice(process.pid, (current) => current < nice, nice);
}

/**
 * Run by the lane thread as it starts: a thread started after the main thread lowered
 * itself (a restart after a crash) inherited that priority. Going back down needs
 * CAP_SYS_NICE or a raised RLIMIT_NICE; without, the caller reports it.
 */
export function restoreThreadPriority(nice: number): { ok: boolean; error?: string } {
  return renice(0, (current) => current > nice, nice); // 0: the calling thread, on Linux
}

function renice(who: number, needed: (current: number) => boolean, nice: number): { ok: boolean; error?: string } {
  try {
    if (needed(getPriority(who))) setPriority(who, nice);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
