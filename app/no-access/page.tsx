import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { isAllowed } from "@/lib/auth/access";
import { currentSessionToken } from "@/lib/auth/require-user";
import { authSettings } from "@/lib/auth/settings";
import { SignOutButton } from "@/lib/auth/ui/sign-out-button";

export const metadata: Metadata = { title: "No access · Lockdown Auditor" };

export default async function NoAccessPage() {
  const signIn = authSettings().signIn;
  if (!signIn) redirect("/");
  const token = await currentSessionToken();
  if (!token) redirect("/signin");
  if (isAllowed(token.grants, signIn.allowedGroups)) redirect("/");

  return (
    <main className="mx-auto mt-16 max-w-lg rounded-lg border border-amber-300 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">No access</h1>
      <p className="mt-3 text-slate-700">
        You are signed in as <strong>{token.email ?? token.name ?? "an unnamed account"}</strong>, but your account is not a
        member of a group allowed to use this dashboard.
      </p>
      <p className="mt-3 text-slate-700">
        Ask your administrator to add you to one of the allowed groups, then sign out and sign in again.
      </p>
      <div className="mt-6">
        <SignOutButton className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-50" />
      </div>
    </main>
  );
}
