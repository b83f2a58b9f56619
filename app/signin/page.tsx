import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { isAllowed } from "@/lib/auth/access";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { PROVIDER_ID } from "@/lib/auth/options";
import { currentSessionToken } from "@/lib/auth/require-user";
import { authSettings } from "@/lib/auth/settings";
import { SignInButton } from "@/lib/auth/ui/sign-in-button";

export const metadata: Metadata = { title: "Sign in · Lockdown Auditor" };

// next-auth's error codes (…/signin?error=X) in words a user can act on.
const ERRORS: Record<string, string> = {
  OAuthSignin: "Could not start sign-in with Microsoft. Try again, or ask your administrator to check the app registration.",
  OAuthCallback: "Microsoft did not complete the sign-in. Try again.",
  AccessDenied: "Sign-in was cancelled or refused.",
  SessionRequired: "Please sign in to continue.",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const signIn = authSettings().signIn;

  if (!signIn) {
    return (
      <main className="mx-auto max-w-md p-8">
        <h1 className="text-2xl font-semibold">Sign-in is off</h1>
        <p className="mt-4 text-slate-700">This server runs in local mode: there is nothing to sign in to.</p>
        <Link href="/" className="mt-6 inline-block font-medium text-sky-800 hover:underline">Open the dashboard</Link>
      </main>
    );
  }

  const token = await currentSessionToken();
  if (token && isAllowed(token.grants, signIn.allowedGroups)) redirect(callbackUrl);

  const errorCode = typeof params.error === "string" ? params.error : undefined;
  const error = errorCode ? (ERRORS[errorCode] ?? "Sign-in failed. Try again.") : undefined;
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">Sign in to Lockdown Auditor</h1>
      <p className="mt-3 text-slate-700">
        This dashboard shows how your Azure network could be attacked, so it is open only to members of your organisation&apos;s allowed groups.
      </p>
      {params.signedOut ? <p role="status" className="mt-4 rounded bg-slate-100 p-3 text-slate-800">You are signed out.</p> : null}
      {error ? <p role="alert" className="mt-4 rounded border border-red-200 bg-red-50 p-3 text-red-900">{error}</p> : null}
      <div className="mt-6">
        <SignInButton providerId={PROVIDER_ID} callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
