import { connection } from "next/server";
import { isLoopbackHost } from "@/lib/auth/loopback";
import { currentSessionToken } from "@/lib/auth/require-user";
import { authSettings } from "@/lib/auth/settings";
import { SignOutButton } from "./sign-out-button";

/**
 * Top strip of every page: the local-mode warning, or who is signed in with a sign-out button.
 * Rendered by the root layout; awaiting connection() makes every page render per request, which the
 * CSP nonce needs (a page prerendered at build time would carry scripts without this request's nonce).
 */
export async function SessionBar() {
  await connection();
  const settings = authSettings();
  if (!settings.signIn) {
    const where = isLoopbackHost(settings.host)
      ? "listening on loopback only"
      : `listening on ${settings.host} without sign-in (ALLOW_UNAUTHENTICATED=1)`;
    return (
      <div role="status" data-testid="local-mode-banner" className="border-b border-amber-300 bg-amber-50 px-4 py-1.5 text-sm text-amber-950">
        Local mode: sign-in is off; {where}
      </div>
    );
  }
  const token = await currentSessionToken();
  if (!token) return null;
  return (
    <div className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-4 py-1.5 text-sm text-slate-700">
      <span>
        Signed in as <span className="font-medium text-slate-900">{token.name ?? token.email ?? "user"}</span>
      </span>
      <SignOutButton />
    </div>
  );
}
