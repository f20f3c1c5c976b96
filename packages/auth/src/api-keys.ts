// API keys: `fo_<8-char prefix id>_<32 base62 secret>`. Only the prefix (lookup, display)
// and a SHA-256 of the whole key are stored; keys carry ~190 random bits, so a fast hash
// is enough (no salt or stretching needed against guessing).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const API_KEY_PREFIX_LENGTH = 8;
export const API_KEY_SECRET_LENGTH = 32;
const KEY_RE = /^fo_([0-9A-Za-z]{8})_([0-9A-Za-z]{32,128})$/;

/** Uniform base62 string from the CSPRNG (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += ALPHABET[b % 62]; // 248 = 4 * 62
      if (out.length === length) break;
    }
  }
  return out;
}

export interface GeneratedApiKey {
  /** The full key: show it once, never store it. */
  key: string;
  /** The 8-character id stored in `ApiKey.prefix` (unique). */
  prefix: string;
  /** SHA-256 hex of `key`, stored in `ApiKey.hash`. */
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBase62(API_KEY_PREFIX_LENGTH);
  const key = `fo_${prefix}_${randomBase62(API_KEY_SECRET_LENGTH)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** `{ prefix, secret }` of a well-formed key, else null (no database lookup needed). */
export function parseApiKey(raw: string): { prefix: string; secret: string } | null {
  const m = KEY_RE.exec(raw.trim());
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Whether `key` hashes to `storedHash`, compared in constant time. */
export function verifyApiKeyHash(key: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKey(key), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
