"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

export function SignInButton({ providerId, callbackUrl }: { providerId: string; callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signIn(providerId, { callbackUrl });
      }}
      className="w-full rounded-md bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 disabled:opacity-60"
    >
      {busy ? "Redirecting to Microsoft…" : "Sign in with Microsoft"}
    </button>
  );
}
