// next-auth v4: email + password checked against the users table with @fanout/auth.
// JWT sessions carry the user id and the platform-admin flag; memberships are looked up
// per request so a removed membership takes effect immediately.
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
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

function buildAuthOptions(): NextAuthOptions {
  const config = getConfig();
  // next-auth v4 reads its base URL from the environment itself; give it the validated one.
  process.env.NEXTAUTH_URL ??= config.authUrl;
  return {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login" },
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
          return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.pa = (user as { isPlatformAdmin?: boolean }).isPlatformAdmin === true;
        }
        return token;
      },
      session({ session, token }) {
        session.user = {
          id: String(token.uid ?? ""),
          email: token.email ?? "",
          name: token.name ?? null,
          isPlatformAdmin: token.pa === true,
        };
        return session;
      },
    },
  };
}

export const getAuthOptions = () => singleton("authOptions", buildAuthOptions);

/** The signed-in user, or null. */
export async function currentUser(): Promise<SessionUserInfo | null> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as SessionUserInfo | undefined;
  return user?.id ? user : null;
}
