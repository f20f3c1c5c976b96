import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/server/auth";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built on first request (they need the config), not at import.
const handler = (req: NextRequest, ctx: Ctx) => NextAuth(getAuthOptions())(req, ctx);

export { handler as GET, handler as POST };
