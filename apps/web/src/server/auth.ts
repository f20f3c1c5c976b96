// next-auth v4: email + password checked against the users table with @fanout/auth, plus
// GitHub when GITHUB_ID/GITHUB_SECRET are configured (@fanout/config). OAuth never creates
// users: a GitHub account signs in as the existing user with the same verified email.
// JWT sessions carry only the user id; the user (and platform-admin flag) is re-read on
// every request, so a removed admin or user loses access at once.
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { verifyPassword } from "@fanout/auth";
import { getConfig } from "./config";
import { getLogger } from "./logger";
import { getPrisma } from "./prisma";
import { singleton } from "./singleton";

export interface SessionUserInfo {
  id: string;
  email: string;
  name: string | null;
  isPlatformAdmin: boolean;
}

/** Sign-in providers besides email + password, for the login page. */
export function oauthProviders(): { id: string; name: string }[] {
  return getConfig().oauth.github ? [{ id: "github", name: "GitHub" }] : [];
}

/** GitHub's primary email, only if GitHub has verified it (an unverified one proves nothing). */
async function verifiedGitHubEmail(accessToken: string): Promise<string | null> {
  const res = await fetch("https://api.github.com/user/emails", {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json" },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) return null;
  const emails = (await res.json()) as { email: string; primary: boolean; verified: boolean }[];
  return emails.find((e) => e.primary && e.verified)?.email.toLowerCase() ?? null;
}

function buildAuthOptions(): NextAuthOptions {
  const config = getConfig();
  // next-auth v4 reads its base URL from the environment itself; give it the validated one.
  process.env.NEXTAUTH_URL ??= config.authUrl;
  const github = config.oauth.github;
  return {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials) {
          const email = credentials?.email?.trim().toLowerCase();
          const password = credentials?.password;
          if (!email || !password || email.length > 320 || password.length > 1024) return null;
          const user = await getPrisma().user.findUnique({ where: { email } });
          // Unknown users and wrong passwords look the same to the caller.
          if (!user || !(await verifyPassword(password, user.passwordHash))) {
            getLogger().info({ email }, "sign-in refused");
            return null;
          }
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(github
        ? [
            GitHubProvider({
              clientId: github.clientId,
              clientSecret: github.clientSecret,
              userinfo: {
                url: "https://api.github.com/user",
                async request({ client, tokens }) {
                  const profile = await client.userinfo(tokens.access_token!);
                  return { ...profile, email: (await verifiedGitHubEmail(tokens.access_token!)) ?? undefined };
                },
              },
            }),
          ]
        : []),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        const email = user.email?.toLowerCase();
        const known = email ? await getPrisma().user.findUnique({ where: { email }, select: { id: true } }) : null;
        if (!known) getLogger().info({ provider: "github", email: email ?? null }, "OAuth sign-in refused: no user with that verified email");
        // false → /login?error=AccessDenied, which the page explains.
        return !!known;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "github") {
          const row = await getPrisma().user.findUnique({ where: { email: user.email!.toLowerCase() }, select: { id: true, email: true, name: true } });
          if (row) Object.assign(token, { uid: row.id, email: row.email, name: row.name });
        } else if (user) {
          token.uid = user.id;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: String(token.uid ?? ""), email: token.email ?? "", name: token.name ?? null, isPlatformAdmin: false };
        return session;
      },
    },
  };
}

export const getAuthOptions = () => singleton("authOptions", buildAuthOptions);

/** The signed-in user as the database has it now, or null (signed out, or the user is gone). */
export async function currentUser(): Promise<SessionUserInfo | null> {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return getPrisma().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, isPlatformAdmin: true } });
}
