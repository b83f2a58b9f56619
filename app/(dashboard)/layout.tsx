import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { requestTarget, routeTargetExists } from "./_data/route-exists";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Before any loading boundary streams a 200: a scan, finding or subnet that does not exist is a 404.
  const target = await requestTarget();
  if (target && !(await routeTargetExists(target.path, target.search))) notFound();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm">
        Skip to content
      </a>
      <AppHeader />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        {children}
      </main>
    </>
  );
}
