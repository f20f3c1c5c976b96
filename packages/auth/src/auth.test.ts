import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SCOPES, generateApiKey, hashApiKey, hashPassword, hasScope, parseApiKey, parseScopes,
  randomBase62, verifyApiKeyHash, verifyPassword,
} from "./index";

describe("API keys", () => {
  it("generates fo_<8>_<32> keys whose hash is the SHA-256 of the whole key", () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^fo_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}$/);
    expect(key.slice(3, 11)).toBe(prefix);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).not.toContain(key);
  });

  it("never repeats a key or prefix", () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(2000);
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(2000);
  });

  it("draws base62 characters roughly uniformly", () => {
    const s = randomBase62(62_000);
    const counts = new Map<string, number>();
    for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(700); // mean 1000
  });

  it("parses well-formed keys and rejects everything else", () => {
    const { key, prefix } = generateApiKey();
    expect(parseApiKey(key)).toEqual({ prefix, secret: key.slice(12) });
    expect(parseApiKey(` ${key}\n`)?.prefix).toBe(prefix);
    for (const bad of ["", "fo_", "fo_short_" + "a".repeat(32), `fx_${prefix}_${"a".repeat(32)}`, `fo_${prefix}_${"a".repeat(31)}`, `fo_${prefix}_${"a".repeat(31)}!`, key + "_x"]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it("verifies hashes and rejects wrong keys and malformed hashes", () => {
    const { key, hash } = generateApiKey();
    expect(verifyApiKeyHash(key, hash)).toBe(true);
    expect(verifyApiKeyHash(key.slice(0, -1) + (key.endsWith("a") ? "b" : "a"), hash)).toBe(false);
    expect(verifyApiKeyHash(key, hash.slice(0, 62))).toBe(false);
    expect(verifyApiKeyHash(key, "")).toBe(false);
    expect(verifyApiKeyHash(key, "zz".repeat(32))).toBe(false);
  });
});

describe("scopes", () => {
  it("defaults to jobs:read + jobs:write", () => expect(DEFAULT_SCOPES).toEqual(["jobs:read", "jobs:write"]));

  it("parses lists and names unknown scopes", () => {
    expect(parseScopes("jobs:read, workers,jobs:read")).toEqual(["jobs:read", "workers"]);
    expect(parseScopes(["admin"])).toEqual(["admin"]);
    expect(() => parseScopes("jobs:read,jobs:delete")).toThrow(/Unknown scope\(s\): jobs:delete/);
    expect(() => parseScopes(" , ")).toThrow(/No scopes/);
  });

  it("lets admin imply every scope", () => {
    expect(hasScope(["jobs:read"], "jobs:read")).toBe(true);
    expect(hasScope(["jobs:read"], "jobs:write")).toBe(false);
    expect(hasScope(["admin"], "workers")).toBe(true);
  });
});

describe("passwords", () => {
  it("hashes with bcrypt cost 10 and verifies", async () => {
    const hash = await hashPassword("correct horse");
    expect(bcrypt.getRounds(hash)).toBe(10);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("wrong horse", hash)).toBe(false);
    expect(await verifyPassword("correct horse", "not-a-hash")).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("refuses empty passwords and ones bcrypt would truncate", async () => {
    await expect(hashPassword("")).rejects.toThrow(/empty/);
    await expect(hashPassword("x".repeat(73))).rejects.toThrow(/72 bytes/);
  });
});
