// GitHub sign-in is on only when configured, and it never creates users: a GitHub account
// signs in as the existing user with the same (verified) email, or not at all.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const store = globalThis as unknown as { __fanout?: Map<string, unknown> };
const users = [{ id: "0b0c0d0e-0000-4000-8000-000000000001", email: "ada@example.com", name: "Ada" }];
const fakePrisma = {
  user: { findUnique: async ({ where }: { where: { email?: string; id?: string } }) => users.find((u) => u.email === where.email || u.id === where.id) ?? null },
};
const ENV = { GITHUB_ID: "Iv1.0123456789abcdef", GITHUB_SECRET: "s".repeat(40) };

beforeEach(() => {
  vi.resetModules();
  store.__fanout = new Map<string, unknown>([["prisma", fakePrisma], ["logger", { info() {}, warn() {}, error() {}, debug() {} }]]);
});
afterEach(() => {
  for (const k of Object.keys(ENV)) delete process.env[k];
  store.__fanout = undefined;
});

async function options() {
  const auth = await import("./auth");
  return { auth, opts: auth.getAuthOptions() };
}

describe("dashboard sign-in providers", () => {
  it("offers only email + password without GitHub variables", async () => {
    const { auth, opts } = await options();
    expect(opts.providers.map((p) => p.id)).toEqual(["credentials"]);
    expect(auth.oauthProviders()).toEqual([]);
  });

  it("adds GitHub when both variables are set, matching existing users by email only", async () => {
    Object.assign(process.env, ENV);
    const { auth, opts } = await options();
    expect(opts.providers.map((p) => p.id)).toEqual(["credentials", "github"]);
    expect(auth.oauthProviders()).toEqual([{ id: "github", name: "GitHub" }]);
    const signIn = opts.callbacks!.signIn!;
    const github = { provider: "github", type: "oauth", providerAccountId: "42" } as never;
    expect(await signIn({ user: { id: "42", email: "ADA@example.com" }, account: github } as never)).toBe(true);
    expect(await signIn({ user: { id: "43", email: "mallory@example.com" }, account: github } as never)).toBe(false);
    expect(await signIn({ user: { id: "44", email: null }, account: github } as never)).toBe(false);
    // The session carries our user id, not GitHub's.
    const token = await opts.callbacks!.jwt!({ token: {}, user: { id: "42", email: "ada@example.com" }, account: github } as never);
    expect(token).toMatchObject({ uid: users[0]!.id, email: "ada@example.com" });
  });
});
