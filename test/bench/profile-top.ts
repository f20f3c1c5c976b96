// Summarises V8 CPU profiles (from `npm run bench -- --cpu-prof`): self time by function and
// by package/file, so a bench run says where the worker, scheduler or web process spends CPU.
//   npx tsx test/bench/profile-top.ts <file.cpuprofile> [more…] [--top 25] [--busiest 5]
// --busiest N keeps only the N consecutive seconds with the fewest idle samples (the load,
// without start-up and shutdown); --skip S starts that search S seconds in (past start-up). Samples are wall-clock: on an oversubscribed machine a
// thread waiting for a core is charged to the function it was in.
import fs from "node:fs";
import path from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : undefined;
};
const top = option("--top") ?? 25;
const busiest = option("--busiest");
const skip = option("--skip") ?? 0;

/** [from, to) in µs since the profile's start: the `seconds` consecutive seconds with the least idle time. */
function busiestWindow(p: Profile, byId: Map<number, Node>, seconds: number): [number, number] {
  const idle: number[] = [];
  let t = 0;
  p.samples!.forEach((id, i) => {
    t += p.timeDeltas![i] ?? 0;
    const sec = Math.floor(t / 1e6);
    idle[sec] = (idle[sec] ?? 0) + (byId.get(id)!.callFrame.functionName === "(idle)" ? p.timeDeltas![i] ?? 0 : 0);
  });
  let best = 0;
  let bestIdle = Infinity;
  for (let s = skip; s + seconds <= idle.length; s++) {
    let sum = 0;
    for (let k = s; k < s + seconds; k++) sum += idle[k] ?? 0;
    if (sum < bestIdle) [best, bestIdle] = [s, sum];
  }
  return [best * 1e6, (best + seconds) * 1e6];
}
if (args.length === 0) {
  console.error("usage: tsx test/bench/profile-top.ts <file.cpuprofile> [more…] [--top N] [--busiest SECONDS [--skip SECONDS]]");
  process.exit(2);
}

/** node_modules/<pkg> (or @scope/pkg), a repo-relative source path, or a V8 category. */
function owner(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith("node:")) return "node:internal";
  const m = /\/work\/main\/(.*)$/.exec(url.replace("file://", ""));
  return m ? m[1]! : url;
}

const selfByFn = new Map<string, number>();
const selfByOwner = new Map<string, number>();
let total = 0;
for (const file of args) {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas) {
    const [from, to] = busiest ? busiestWindow(p, byId, busiest) : [0, Infinity];
    let t = 0;
    p.samples.forEach((id, i) => {
      t += p.timeDeltas![i] ?? 0;
      if (t >= from && t < to) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas![i] ?? 0));
    });
    if (busiest) console.log(`${path.basename(file)}: seconds ${from / 1e6}–${to / 1e6} of the profile`);
  } else {
    const per = (p.endTime - p.startTime) / Math.max(1, p.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0));
    for (const n of p.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  }
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? `${owner(url, functionName)}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${where}`.trim();
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
    const o = owner(url, functionName);
    selfByOwner.set(o, (selfByOwner.get(o) ?? 0) + us);
    total += us;
  }
}

const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
};
console.log(`${args.map((f) => path.basename(f)).join(", ")}: ${(total / 1000).toFixed(0)} ms of samples`);
show("self time by package / file", selfByOwner);
show("self time by function", selfByFn);
