// Spawns the real `fanout` binary (as linked into the root node_modules/.bin by npm install).
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, baseUrl, type TestDatabase } from "@fanout/db/testing";
import { withAdminClient, withDatabase } from "@fanout/db/migrate";
import { authenticateApiKey } from "@fanout/auth";
import { createTenant } from "./index";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const BIN = path.join(ROOT, "node_modules", ".bin", "fanout");

let db: TestDatabase;
const scratch = `fanout_cli_${randomBytes(6).toString("hex")}`;
beforeAll(async () => {
  db = await createTestDatabase();
  await createTenant(db.prisma, { slug: "existing" });
});
afterAll(async () => {
  await db?.drop();
  await withAdminClient(baseUrl(), (c) => c.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`));
});

function fanout(args: string[], databaseUrl = db.url): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("fanout binary", () => {
  it("creates a tenant and a key, printing the key alone on the last line", async () => {
    const t = await fanout(["tenant", "create", "spawned", "--name", "Spawned Co"]);
    expect(t).toMatchObject({ code: 0, stderr: "" });
    const k = await fanout(["key", "create", "--tenant", "spawned", "--scopes", "jobs:read"]);
    expect(k.code).toBe(0);
    const last = k.stdout.trimEnd().split("\n").at(-1)!;
    expect(last).toMatch(/^fo_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}$/);
    const principal = await authenticateApiKey(db.prisma, last);
    expect(principal?.scopes).toEqual(["jobs:read"]);
    const q = await fanout(["quota", "set", "--tenant", "spawned", "--weight", "3", "--submit-rate", "0.5"]);
    expect(q.code).toBe(0);
    expect(await db.prisma.quota.findFirst({ where: { tenantId: principal!.tenantId } })).toMatchObject({ weight: 3, submitRatePerSec: 0.5 });
  });

  it.concurrent.each([
    [["quota", "set", "--tenant", "nobody", "--weight", "2"], 1, "fanout: unknown tenant 'nobody'"],
    [["quota", "set", "--tenant", "existing", "--weight", "two"], 2, "fanout: --weight must be a whole number, got 'two'"],
    [["tenant", "create", "existing"], 1, "fanout: tenant 'existing' already exists"],
    [["key", "create"], 2, "fanout: --tenant <value> is required"],
    [["tenant", "create", "x", "--colour", "red"], 2, "fanout: unknown option --colour"],
    [["nope"], 2, "fanout: unknown command 'nope' (try: fanout --help)"],
  ])("fails %j with exit %i and one line on stderr", async (args, code, line) => {
    const r = await fanout(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(line + "\n");
  });

  it("migrates a database that does not exist yet", async () => {
    const url = withDatabase(baseUrl(), scratch);
    const first = await fanout(["migrate"], url);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^Applied \d+ migration\(s\): /);
    expect((await fanout(["migrate"], url)).stdout).toBe("Database is up to date\n");
  });

  it("seeds the demo data and prints a working key last", async () => {
    const r = await fanout(["seed", "--admin-password", "pw-from-flag"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Admin login: admin@fanout.local / pw-from-flag");
    expect(await authenticateApiKey(db.prisma, r.stdout.trimEnd().split("\n").at(-1)!)).not.toBeNull();
  });
});
