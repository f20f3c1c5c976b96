// Dashboard passwords: bcrypt (cost 10). Slow on purpose, unlike API keys: people pick
// guessable passwords.
import bcrypt from "bcryptjs";

export const BCRYPT_COST = 10;
/** bcrypt only reads the first 72 bytes; refuse longer passwords rather than truncate silently. */
export const MAX_PASSWORD_BYTES = 72;

export async function hashPassword(password: string): Promise<string> {
  if (!password) throw new Error("Password must not be empty");
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) throw new Error(`Password must be at most ${MAX_PASSWORD_BYTES} bytes`);
  return bcrypt.hash(password, BCRYPT_COST);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!password || !hash || Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false; // malformed hash
  }
}
