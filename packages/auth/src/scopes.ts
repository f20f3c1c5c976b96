// API key scopes. `admin` implies every other scope.
export const SCOPES = {
  jobsRead: "jobs:read",
  jobsWrite: "jobs:write",
  workers: "workers",
  admin: "admin",
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];
export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPES);
export const DEFAULT_SCOPES: readonly Scope[] = [SCOPES.jobsRead, SCOPES.jobsWrite];

export function isScope(s: string): s is Scope {
  return (ALL_SCOPES as readonly string[]).includes(s);
}

/** Parses "a,b" or ["a","b"]: trimmed, de-duplicated; throws naming any unknown scope. */
export function parseScopes(input: string | readonly string[]): Scope[] {
  const list = (typeof input === "string" ? input.split(",") : input).map((s) => s.trim()).filter(Boolean);
  const unknown = list.filter((s) => !isScope(s));
  if (unknown.length) throw new Error(`Unknown scope(s): ${unknown.join(", ")} (valid: ${ALL_SCOPES.join(", ")})`);
  if (!list.length) throw new Error(`No scopes given (valid: ${ALL_SCOPES.join(", ")})`);
  return [...new Set(list as Scope[])];
}

/** Whether `granted` allows `needed` (`admin` allows everything). */
export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes(needed) || granted.includes(SCOPES.admin);
}
