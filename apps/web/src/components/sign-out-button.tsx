"use client";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        await signOut({ redirect: false });
        router.replace("/login");
        router.refresh();
      }}
      className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100"
    >
      Sign out
    </button>
  );
}
