import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "@fanout/sdk";
import { decryptSecret, encryptSecret, newWebhookSecret } from "./secrets";
import { signatureHeader, verifySignature } from "./sign";
import { assertCallbackUrlAllowed, isPrivateAddress } from "./ssrf";
import { retryDelayMs } from "./dispatcher";
import { postJson } from "./post";

describe("signatures", () => {
  it("signs Stripe-style and both verifiers (server, SDK) accept it; tampering or age fails", async () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: "j1", status: "succeeded" });
    const header = signatureHeader(secret, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body)).toBe(true);
    expect(await verifyWebhookSignature(secret, header, body)).toBe(true);
    expect(verifySignature(secret, header, body + " ")).toBe(false);
    expect(await verifyWebhookSignature("whsec_other", header, body)).toBe(false);
    const old = signatureHeader(secret, body, Math.floor(Date.now() / 1000) - 3600);
    expect(verifySignature(secret, old, body)).toBe(false);
    expect(await verifyWebhookSignature(secret, old, body)).toBe(false);
  });
});

describe("secrets at rest", () => {
  it("AES-256-GCM round-trips, differs per encryption and refuses a tampered or wrong-key value", () => {
    const key = "k".repeat(32);
    const a = encryptSecret("whsec_abc", key);
    expect(a).not.toContain("whsec_abc");
    expect(encryptSecret("whsec_abc", key)).not.toBe(a);
    expect(decryptSecret(a, key)).toBe("whsec_abc");
    expect(() => decryptSecret(a, "x".repeat(32))).toThrow();
    const parts = a.split(":");
    parts[3] = Buffer.from("whsec_abd").toString("base64url");
    expect(() => decryptSecret(parts.join(":"), key)).toThrow();
  });
});

describe("SSRF guard", () => {
  it.each([
    ["127.0.0.1", true], ["10.1.2.3", true], ["172.16.0.1", true], ["192.168.1.1", true], ["169.254.169.254", true],
    ["100.64.0.1", true], ["0.0.0.0", true], ["::1", true], ["fe80::1", true], ["fd12:3456::1", true], ["::ffff:127.0.0.1", true],
    ["8.8.8.8", false], ["2606:4700:4700::1111", false], ["example.com", false],
  ])("%s private: %s", (ip, priv) => expect(isPrivateAddress(ip)).toBe(priv));

  it("refuses literal private hosts at submit unless the tenant is allowed", () => {
    expect(() => assertCallbackUrlAllowed("http://[::1]:8080/x", false)).toThrow(/private/);
    expect(() => assertCallbackUrlAllowed("http://localhost/x", false)).toThrow(/callbackUrl/);
    expect(() => assertCallbackUrlAllowed("http://127.0.0.1/x", true)).not.toThrow();
    expect(() => assertCallbackUrlAllowed("https://hooks.example.com/x", false)).not.toThrow();
  });

  it("refuses at delivery a hostname that resolves to loopback (checked on the connection's own lookup)", async () => {
    let hits = 0;
    const server = http.createServer((_q, r) => (hits++, r.end("ok")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(postJson(`http://localhost:${port}/`, "{}", {}, { timeoutMs: 2000, allowPrivate: false })).rejects.toThrow(/non-public address/);
      await expect(postJson(`http://127.0.0.1:${port}/`, "{}", {}, { timeoutMs: 2000, allowPrivate: false })).rejects.toThrow(/non-public address/);
      expect(hits).toBe(0);
      expect((await postJson(`http://127.0.0.1:${port}/`, "{}", {}, { timeoutMs: 2000, allowPrivate: true })).status).toBe(200);
    } finally {
      server.close();
    }
  });
});

it("backs off exponentially with full jitter, capped", () => {
  for (let i = 0; i < 200; i++) {
    expect(retryDelayMs(1, 1000, 60_000)).toBeLessThanOrEqual(1000);
    expect(retryDelayMs(4, 1000, 60_000)).toBeLessThanOrEqual(8000);
    expect(retryDelayMs(30, 1000, 60_000)).toBeLessThanOrEqual(60_000);
  }
  const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(10, 1000, 60_000)));
  expect(spread.size).toBeGreaterThan(10); // jittered, not a fixed schedule
});
