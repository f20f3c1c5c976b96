import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser, oauthProviders } from "@/server/auth";
import { LoginForm } from "./login-form";
import { OAuthButtons } from "./oauth-buttons";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const OAUTH_ERRORS: Record<string, string> = {
  AccessDenied: "That account is not linked to a Fanout user with the same verified email. Ask an administrator to create your user first.",
  OAuthSignin: "Could not start the sign-in with the provider. Try again.",
  OAuthCallback: "The provider's answer could not be verified. Try again.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await currentUser()) redirect("/jobs");
  const { callbackUrl, error } = await searchParams;
  // Only same-site paths: never bounce a user to another origin after sign-in.
  const next = callbackUrl && callbackUrl.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/jobs";
  const providers = oauthProviders();
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid size-8 place-items-center rounded-md bg-indigo-600 font-bold text-white">F</span>
          <span className="text-lg font-semibold text-indigo-700">Fanout</span>
        </div>
        <h1 className="mb-1 text-2xl font-semibold">Sign in</h1>
        <p className="mb-6 text-sm text-slate-600">Use your email and password{providers.length ? " or your organisation's account" : ""}.</p>
        {error && error !== "CredentialsSignin" && (
          <p role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{OAUTH_ERRORS[error] ?? "Sign-in failed. Try again."}</p>
        )}
        <LoginForm next={next} />
        {providers.length > 0 && <OAuthButtons providers={providers} next={next} />}
      </div>
    </main>
  );
}
