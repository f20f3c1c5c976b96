// Runs `prisma generate` offline. Generate never executes the schema engine, but the
// CLI insists the binary exists, so point it at any executable (see ENVIRONMENT.md).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
const bin = path.join(root, "node_modules", ".bin", "prisma");
const r = spawnSync(bin, ["generate"], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
if (r.status !== 0) {
  process.stderr.write(r.stdout ?? "");
  process.exit(r.status ?? 1);
}
