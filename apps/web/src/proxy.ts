// Fast path for signed-out visitors: no session cookie at all → /login, remembering where
// they were going. The (dashboard) layout still verifies the session itself; this only
// saves a render and keeps deep links working after sign-in.
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (signedIn) return NextResponse.next();
  const login = new URL("/login", request.url);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") login.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/", "/jobs/:path*", "/usage/:path*", "/settings/:path*", "/admin/:path*"],
};
