import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./index";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, stream };
}

describe("createLogger", () => {
  it("writes JSON lines with name, level label and ISO time", () => {
    const { lines, stream } = capture();
    createLogger("worker", "info", stream).info({ jobId: "j1" }, "started");
    expect(lines[0]).toMatchObject({ name: "worker", level: "info", jobId: "j1", msg: "started" });
    expect(String(lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("redacts authorization headers, api keys and passwords", () => {
    const { lines, stream } = capture();
    const log = createLogger("web", "info", stream);
    log.info({ req: { headers: { authorization: "Bearer fo_abc_secret", "x-api-key": "fo_x", host: "h" } } }, "req");
    log.info({ apiKey: "fo_1", user: { password: "hunter2", email: "a@b" }, seed: { admin: { adminPassword: "p" } } });
    log.child({ tenant: "t" }).warn({ headers: { cookie: "sid=1" }, token: "t0k" }, "child");
    const all = JSON.stringify(lines);
    for (const secret of ["fo_abc_secret", "fo_x", "fo_1", "hunter2", '"p"', "sid=1", "t0k"]) expect(all).not.toContain(secret);
    expect(lines[0]).toMatchObject({ req: { headers: { authorization: "[redacted]", host: "h" } } });
    expect(lines[1]).toMatchObject({ user: { email: "a@b", password: "[redacted]" } });
  });

  it("honours the level", () => {
    const { lines, stream } = capture();
    const log = createLogger("x", "warn", stream);
    log.info("hidden");
    log.error("shown");
    expect(lines.map((l) => l.msg)).toEqual(["shown"]);
  });
});
