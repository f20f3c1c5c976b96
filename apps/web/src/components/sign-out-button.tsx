"use client";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const router = useRouter();
  return (
    <Button
      size="sm"
      onClick={async () => {
        await signOut({ redirect: false });
        router.replace("/login");
        router.refresh();
      }}
    >
      Sign out
    </Button>
  );
}
