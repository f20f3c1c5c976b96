// The SDK is publishable: `npm pack` builds it (prepack), the tarball holds dist/ (ESM +
// types) and no sources, and a fresh project can import it with plain Node and type-check
// against it, without the monorepo's "@fanout/source" condition or tsx.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = path.resolve(SDK, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fanout-sdk-pack-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it("packs dist/ with types and imports and type-checks from a clean project", () => {
  const [info] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: SDK, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  const files = info.files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/worker.js", "dist/schemas/job.js"]));
  expect(files.filter((f: string) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);

  const app = path.join(tmp, "app");
  const pkgDir = path.join(app, "node_modules", "@fanout", "sdk");
  fs.mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(tmp, info.filename), "-C", pkgDir, "--strip-components=1"]);
  fs.symlinkSync(path.join(ROOT, "node_modules", "zod"), path.join(app, "node_modules", "zod")); // its one dependency
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ type: "module" }));
  fs.writeFileSync(
    path.join(app, "main.mjs"),
    `import { FanoutClient, createWorker, schemas, verifyWebhookSignature } from "@fanout/sdk";
     const c = new FanoutClient({ url: "http://x", apiKey: "k" });
     console.log(typeof c.submit, typeof createWorker, typeof verifyWebhookSignature, schemas.createJobSchema.safeParse({ handler: "echo", input: { items: [1] } }).success);`,
  );
  expect(execFileSync(process.execPath, ["main.mjs"], { cwd: app, encoding: "utf8" }).trim()).toBe("function function function true");

  fs.writeFileSync(
    path.join(app, "consumer.ts"),
    `import { FanoutClient, type Job } from "@fanout/sdk";
     const c = new FanoutClient({ url: "http://x", apiKey: "k" });
     export const j: Promise<Job> = c.get("id");
     // @ts-expect-error handler must be a string
     void c.submit({ handler: 1, input: { items: [] } });`,
  );
  fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, lib: ["ES2023", "DOM"], types: [] }, files: ["consumer.ts"] }));
  execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", app], { encoding: "utf8" });
}, 120_000);
