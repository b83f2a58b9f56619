import Link from "next/link";
import { Suspense } from "react";
import { MainNav } from "./main-nav";
import { NewScanLink } from "./new-scan-link";

const NEW_SCAN_CLASS =
  "whitespace-nowrap rounded-md bg-indigo-500 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-300";

export function AppHeader() {
  return (
    <header className="bg-slate-900 text-white">
      <div className="mx-auto flex h-12 max-w-7xl items-center gap-3 px-4 sm:gap-6 sm:px-6">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-indigo-400">
          <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5">
            <rect x="3" y="8.5" width="14" height="9" rx="2" fill="#818cf8" />
            <path d="M6.5 8.5V6a3.5 3.5 0 0 1 7 0v2.5" fill="none" stroke="#c7d2fe" strokeWidth="2" />
            <circle cx="10" cy="13" r="1.6" fill="#1e1b4b" />
          </svg>
          {/* NOTE: the name is read out but not shown below 640 px, so the header fits a 390 px phone on one line. */}
          <span className="sr-only sm:not-sr-only">Lockdown Auditor</span>
        </Link>
        <MainNav />
        <div className="ml-auto shrink-0">
          {/* NOTE: reading the URL's search params needs a Suspense boundary on pages rendered ahead of a request. */}
          <Suspense
            fallback={
              <Link href="/scans/new" className={NEW_SCAN_CLASS}>
                New scan
              </Link>
            }
          >
            <NewScanLink className={NEW_SCAN_CLASS} />
          </Suspense>
        </div>
      </div>
    </header>
  );
}
