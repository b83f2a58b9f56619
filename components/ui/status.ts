// Status colours, one place: fail red, warn amber, pass green, unscoped slate, info blue, exempt violet. Text shades meet WCAG AA on white.
import type { FindingStatus, SubnetStatus } from "@/lib/report/types";

export type AnyStatus = FindingStatus | SubnetStatus | "unknown";

export const STATUS_LABEL: Record<AnyStatus, string> = {
  fail: "Fail",
  warn: "Warn",
  pass: "Pass",
  info: "Info",
  exempt: "Exempt",
  unscoped: "Unscoped",
  unknown: "Not judged",
};

export const BADGE_CLASS: Record<AnyStatus, string> = {
  fail: "bg-red-50 text-red-700 ring-red-600/25",
  warn: "bg-amber-50 text-amber-800 ring-amber-600/30",
  pass: "bg-emerald-50 text-emerald-700 ring-emerald-600/25",
  info: "bg-sky-50 text-sky-800 ring-sky-600/25",
  exempt: "bg-violet-50 text-violet-800 ring-violet-600/25",
  unscoped: "bg-slate-100 text-slate-700 ring-slate-500/25",
  unknown: "bg-slate-50 text-slate-600 ring-slate-400/25",
};

export const DOT_CLASS: Record<AnyStatus, string> = {
  fail: "bg-red-600",
  warn: "bg-amber-500",
  pass: "bg-emerald-600",
  info: "bg-sky-600",
  exempt: "bg-violet-600",
  unscoped: "bg-slate-400",
  unknown: "bg-slate-300",
};

/** Stroke/fill colours for SVG, where classes on generated shapes are awkward. */
export const STATUS_HEX: Record<AnyStatus, string> = {
  fail: "#dc2626",
  warn: "#d97706",
  pass: "#059669",
  info: "#0284c7",
  exempt: "#7c3aed",
  unscoped: "#94a3b8",
  unknown: "#94a3b8",
};

export const ROLE_LABEL: Record<string, string> = {
  cyclecloud: "CycleCloud",
  cluster: "Cluster",
  returnProxy: "Return proxy",
  none: "No role",
};
