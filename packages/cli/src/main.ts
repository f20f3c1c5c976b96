// Entry point of the `fanout` binary (bin/fanout.js loads this through tsx).
import { run } from "./run";

process.exitCode = await run(process.argv.slice(2));
