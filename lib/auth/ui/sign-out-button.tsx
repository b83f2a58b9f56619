"use client";
import { signOut } from "next-auth/react";

export function SignOutButton({ className }: { className?: string }) {
  return (
    <button
      type="button"
      onClick={() => void signOut({ callbackUrl: "/signin?signedOut=1" })}
      className={className ?? "font-medium text-sky-800 underline-offset-2 hover:underline"}
    >
      Sign out
    </button>
  );
}
