import { describe, expect, it } from "vitest";
import { ConfigError, DEV_AUTH_SECRET, loadConfig } from "./index";

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const c = loadConfig("worker", {});
    expect(c).toMatchObject({
      kind: "worker",
      nodeEnv: "development",
      isProduction: false,
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/fanout",
      redisUrl: "redis://127.0.0.1:6379",
      port: 3000,
      authSecret: DEV_AUTH_SECRET,
      authUrl: "http://localhost:3000",
      queuePrefix: "fanout",
      concurrency: 8,
      pool: "default",
      logLevel: "info",
    });
    expect(c.workerId).toBeUndefined();
  });

  it("reads and coerces every variable", () => {
    const c = loadConfig("web", {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://u:p@db:5432/x",
      REDIS_URL: "rediss://cache:6380",
      PORT: "8080",
      NEXTAUTH_SECRET: "s".repeat(32),
      NEXTAUTH_URL: "https://fanout.example.com",
      FANOUT_QUEUE_PREFIX: "t1",
      WORKER_CONCURRENCY: "16",
      WORKER_POOL: "gpu",
      LOG_LEVEL: "debug",
      WORKER_ID: "w-1",
      SCHEDULER_ID: "s-1",
      SCHEDULER_INFLIGHT_PER_SLOT: "4",
      SCHEDULER_MIN_ROUND_GAP_MS: "3",
      FANOUT_SECRET_KEY: "k".repeat(32),
    });
    expect(c).toMatchObject({
      isProduction: true, databaseUrl: "postgres://u:p@db:5432/x", redisUrl: "rediss://cache:6380", port: 8080,
      authSecret: "s".repeat(32), authUrl: "https://fanout.example.com", queuePrefix: "t1", concurrency: 16,
      pool: "gpu", logLevel: "debug", workerId: "w-1", schedulerId: "s-1", inflightPerSlot: 4, minRoundGapMs: 3,
    });
  });

  it("treats empty variables as unset and follows PORT for the default auth URL", () => {
    expect(loadConfig("web", { PORT: "4000", LOG_LEVEL: "", WORKER_POOL: "  " })).toMatchObject({
      port: 4000, authUrl: "http://localhost:4000", logLevel: "info", pool: "default",
    });
  });

  it("lists every bad variable in one error, without echoing secrets", () => {
    let err: unknown;
    try {
      loadConfig("worker", {
        DATABASE_URL: "mysql://root:hunter2@db/x",
        REDIS_URL: "localhost",
        PORT: "eighty",
        WORKER_CONCURRENCY: "0",
        LOG_LEVEL: "loud",
        WORKER_POOL: "has space",
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.problems.map((p) => p.variable).sort()).toEqual(
      ["DATABASE_URL", "LOG_LEVEL", "PORT", "REDIS_URL", "WORKER_CONCURRENCY", "WORKER_POOL"],
    );
    expect(e.message).toContain("Invalid configuration for worker");
    expect(e.message).toMatch(/PORT must be a number \(got "eighty"\)/);
    expect(e.message).toMatch(/WORKER_CONCURRENCY must be at least 1/);
    expect(e.message).not.toContain("hunter2");
  });

  it("requires NEXTAUTH_SECRET for the web app in production only", () => {
    expect(() => loadConfig("web", { NODE_ENV: "production" })).toThrow(/NEXTAUTH_SECRET is required in production/);
    expect(() => loadConfig("web", { NODE_ENV: "production", NEXTAUTH_SECRET: "short" })).toThrow(/at least 16/);
    expect(loadConfig("worker", { NODE_ENV: "production" }).isProduction).toBe(true);
    expect(loadConfig("web", { NODE_ENV: "test" }).authSecret).toBe(DEV_AUTH_SECRET);
  });
});

describe("OAuth providers", () => {
  it("turns GitHub sign-in on only when both variables are set", () => {
    expect(loadConfig("web", {}).oauth).toEqual({});
    const c = loadConfig("web", { GITHUB_ID: "Iv1.0123456789abcdef", GITHUB_SECRET: "s".repeat(40) });
    expect(c.oauth.github).toEqual({ clientId: "Iv1.0123456789abcdef", clientSecret: "s".repeat(40) });
  });

  it("refuses half a configuration and never echoes the secret", () => {
    expect(() => loadConfig("web", { GITHUB_ID: "Iv1.0123456789abcdef" })).toThrow(/GITHUB_SECRET is required when GITHUB_ID is set/);
    try {
      loadConfig("web", { GITHUB_SECRET: "short-secret" });
      expect.unreachable();
    } catch (e) {
      const err = e as ConfigError;
      expect(err.problems.map((p) => p.variable).sort()).toEqual(["GITHUB_ID", "GITHUB_SECRET"]);
      expect(err.message).not.toContain("short-secret");
    }
  });
});
