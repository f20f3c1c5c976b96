import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    /** isPlatformAdmin is always re-read from the database (server/auth.ts currentUser). */
    user: { id: string; email: string; name: string | null; isPlatformAdmin: boolean };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
  }
}
