"use client";
import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";

/** Shown only for providers configured in the environment (GITHUB_ID/GITHUB_SECRET). */
export function OAuthButtons({ providers, next }: { providers: { id: string; name: string }[]; next: string }) {
  return (
    <div className="mt-6 space-y-2 border-t border-slate-200 pt-6">
      {providers.map((p) => (
        <Button key={p.id} className="w-full" onClick={() => signIn(p.id, { callbackUrl: next })}>Continue with {p.name}</Button>
      ))}
    </div>
  );
}
