// CPU profile of a process's main thread from start to exit, for processes whose command line
// the benchmark does not control (next start, tsx-run apps: --cpu-prof is not allowed in
// NODE_OPTIONS, --require is). Loaded by `--require` when BENCH_CPU_PROF_DIR is set; writes
// <name>.<pid>.cpuprofile there on exit (an in-thread inspector session answers synchronously).
"use strict";
const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir && require("node:worker_threads").isMainThread) {
  const fs = require("node:fs");
  const path = require("node:path");
  const inspector = require("node:inspector");
  const argv = process.argv.slice(1).join(" ");
  const role = process.env.BENCH_PROF_NAME || (/apps\/(\w+)\/(?:src\/main|dist\/main|server\.ts)/.exec(argv) || [])[1] || (/next/.test(argv) ? "web" : "node");
  const name = /tsx\/dist\/cli|\.bin\/tsx/.test(process.argv[1] || "") ? `${role}-tsx-cli` : role;
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  let written = false;
  process.on("exit", () => {
    if (written) return;
    written = true;
    session.post("Profiler.stop", (err, res) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
