import Link from "next/link";
import type { ReactNode } from "react";

export interface Crumb {
  /** Text, or <SubnetRef> (ui/azure-name.tsx) for a `vnet/subnet` pair, whose two names need isolating each. */
  label: ReactNode;
  href?: string;
}

/**
 * A page's title, breadcrumbs, meta line and actions. Each crumb is isolated (<bdi>): crumbs carry Azure names, and a
 * right-to-left one must not pull the separators and its neighbours into its own order.
 */
export function PageHeader({ title, crumbs, meta, actions }: { title: ReactNode; crumbs?: Crumb[]; meta?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="mb-6">
      {crumbs?.length ? (
        <nav aria-label="Breadcrumb" className="mb-2 text-xs text-slate-500">
          <ol className="flex flex-wrap items-center gap-1">
            {crumbs.map((c, i) => (
              <li key={i} className="flex items-center gap-1">
                {i > 0 ? <span aria-hidden>/</span> : null}
                {c.href ? (
                  <Link href={c.href} className="hover:text-slate-900 hover:underline">
                    <bdi>{c.label}</bdi>
                  </Link>
                ) : (
                  <span aria-current="page" className="text-slate-700">
                    <bdi>{c.label}</bdi>
                  </span>
                )}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="truncate text-xl font-semibold tracking-tight text-slate-900">{title}</h1>
          {meta ? <div className="mt-1 text-sm text-slate-500">{meta}</div> : null}
        </div>
        {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
      </div>
    </header>
  );
}
