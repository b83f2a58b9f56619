"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "/", label: "Overview", match: (p: string) => p === "/" || (/^\/scans\/[^/]+$/.test(p) && p !== "/scans/new") },
  { href: "/subnets", label: "Subnets", match: (p: string) => p === "/subnets" || /^\/scans\/[^/]+\/subnets/.test(p) },
  { href: "/scans", label: "Scans", match: (p: string) => p === "/scans" || p === "/scans/new" },
];

export function MainNav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="flex items-center gap-1">
      {ITEMS.map((item) => {
        const active = item.match(pathname);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-2.5 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-400 ${
              active ? "bg-white/10 text-white" : "text-slate-300 hover:bg-white/5 hover:text-white"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
