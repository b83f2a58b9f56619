import type { ReactNode } from "react";

export function Card({ children, className = "", id }: { children: ReactNode; className?: string; id?: string }) {
  return (
    <section id={id} className={`rounded-lg border border-slate-200 bg-white shadow-xs ${className}`}>
      {children}
    </section>
  );
}

export function CardHeader({ title, description, actions, as = "h2" }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; as?: "h2" | "h3" }) {
  const Heading = as;
  return (
    <div className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
      <div className="min-w-0">
        <Heading className="text-sm font-semibold text-slate-900">{title}</Heading>
        {description ? <p className="mt-0.5 text-xs text-slate-500">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}
