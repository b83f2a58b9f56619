"use client";
// The header's "New scan": opens the form in the estate being viewed — the scans page's `?estate=` filter, or
// the estate of the scan whose pages are open (/scans/<id>/…) — so a scan started from there lands beside it.
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { newScanHref } from "./links";

export function NewScanLink({ className }: { className: string }) {
  const pathname = usePathname() ?? "/";
  const search = useSearchParams();
  const scanId = /^\/scans\/([^/]+)/.exec(pathname)?.[1];
  const href =
    pathname === "/scans" && search?.get("estate")
      ? newScanHref({ estate: search.get("estate")! })
      : scanId && scanId !== "new"
        ? newScanHref({ scanId: decodeURIComponent(scanId) })
        : newScanHref();
  return (
    <Link href={href} className={className}>
      New scan
    </Link>
  );
}
