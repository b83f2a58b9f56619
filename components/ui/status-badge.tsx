import { BADGE_CLASS, DOT_CLASS, STATUS_LABEL, type AnyStatus } from "./status";

export function StatusBadge({ status, className = "" }: { status: AnyStatus; className?: string }) {
  return (
    <span
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap ${BADGE_CLASS[status]} ${className}`}
    >
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${DOT_CLASS[status]}`} />
      {STATUS_LABEL[status]}
    </span>
  );
}

export function RoleBadge({ role }: { role: string | null }) {
  const label = role === "cyclecloud" ? "CycleCloud" : role === "cluster" ? "Cluster" : role === "returnProxy" ? "Return proxy" : "No role";
  return (
    <span className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${role ? "bg-indigo-50 text-indigo-700 ring-indigo-600/20" : "bg-white text-slate-600 ring-slate-300"}`}>
      {label}
    </span>
  );
}
