// What a rendering says about where a report came from, beside the report itself (which CONTRACT §3 fixes).
import type { Evidence, Report } from "./types";
import { subscriptionOf } from "./filter";

export interface ReportMeta {
  /** The stored scan this report belongs to, when it came from the dashboard. */
  scanId?: string;
  scanLabel?: string;
  /** Overrides the scope line derived from the report. */
  scope?: string;
  /** Description of the filters applied, when the report is a filtered view. */
  filters?: string;
  /** Absolute base URL, so links in exports can be followed from outside the dashboard. */
  baseUrl?: string;
}

/** "2 subscriptions · 3 VNets: vnet-hub, vnet-spoke, vnet-x" — what the report covers, in one line. */
export function reportScope(report: Report): string {
  const subscriptions = new Set(report.subnets.map(subscriptionOf).filter(Boolean));
  const vnets = [...new Set(report.subnets.map((s) => s.vnet))].sort();
  const shown = vnets.slice(0, 6).join(", ") + (vnets.length > 6 ? `, +${vnets.length - 6} more` : "");
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(subscriptions.size, "subscription")} · ${plural(vnets.length, "VNet")}${vnets.length ? `: ${shown}` : ""} · ${plural(report.subnets.length, "subnet")}`;
}

/** Last segment of an ARM id: the resource's name. */
export function resourceName(id: string | null | undefined): string {
  if (!id) return "";
  const parts = id.split("/").filter(Boolean);
  return parts[parts.length - 1] ?? id;
}

/** "nsg-cc/BlockOutbound (4000, Deny, NIC nic-1)" — a deciding rule in one phrase. */
export function describeEvidence(e: Evidence): string {
  const where = e.level === "nic" ? `, NIC${e.nic ? ` ${resourceName(e.nic)}` : ""}` : e.level === "subnet" ? ", subnet" : "";
  return `${resourceName(e.nsg)}/${e.rule} (${e.priority}, ${e.access} ${e.direction}${where})`;
}

export function absoluteLink(link: string, baseUrl?: string): string {
  if (!baseUrl || /^https?:\/\//i.test(link)) return link;
  return baseUrl.replace(/\/+$/, "") + (link.startsWith("/") ? link : `/${link}`);
}
