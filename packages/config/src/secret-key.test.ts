import { describe, expect, it } from "vitest";
import { DEV_SECRET_KEY, loadConfig } from "./index";

describe("FANOUT_SECRET_KEY", () => {
  it("defaults to the dev key outside production only", () => {
    expect(loadConfig("scheduler", {}).secretKey).toBe(DEV_SECRET_KEY);
    expect(() => loadConfig("scheduler", { NODE_ENV: "production" })).toThrow(/FANOUT_SECRET_KEY is required in production/);
    expect(() => loadConfig("web", { NODE_ENV: "production", NEXTAUTH_SECRET: "x".repeat(32) })).toThrow(/FANOUT_SECRET_KEY/);
    expect(loadConfig("worker", { NODE_ENV: "production" }).secretKey).toBe(DEV_SECRET_KEY); // workers never touch secrets
  });

  it("refuses a short key without echoing it", () => {
    const err = (() => {
      try {
        loadConfig("web", { FANOUT_SECRET_KEY: "too-short-secret" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/FANOUT_SECRET_KEY must be at least 32 characters/);
    expect(err?.message).not.toContain("too-short-secret");
    expect(loadConfig("web", { FANOUT_SECRET_KEY: "k".repeat(40) }).secretKey).toBe("k".repeat(40));
  });
});
