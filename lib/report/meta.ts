// What a rendering says about where a report came from, beside the report itself (which CONTRACT §3 fixes).
import { evidenceStage } from "./types";
import type { AdminRuleEvidence, Evidence, FirewallEvidence, NsgEvidence, OutboundEvidence, PathStage, Report, RouteEvidence } from "./types";
import { subscriptionOf } from "./filter";
import type { SourcePositions } from "./source-positions";

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
  /**
   * Where resources are written in the snapshot files (lib/report/source-positions.ts), when their text is at hand:
   * the CLI has it, a stored scan does not. SARIF results then point at the deciding resource's line.
   */
  sourcePositions?: SourcePositions;
  /**
   * With `sourcePositions` found in text rebuilt from the stored inputs (a stored scan keeps their parsed values, not
   * the files' bytes): results name the file that holds the deciding resource, without a line, which would not be
   * the line of the file in the user's repository.
   */
  filesOnly?: boolean;
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

/** Words for `OutboundEvidence.method` / `SubnetReport.outbound.method`, in Azure's terms (CONTRACT §4.1 stage 4). */
export const OUTBOUND_METHOD_LABEL: Record<string, string> = {
  "nat-gateway": "NAT gateway",
  "public-ip": "Instance public IP",
  "load-balancer": "Load balancer outbound rule",
  "default-outbound-access": "Default outbound access",
  "firewall-public-ip": "Azure Firewall public IP",
  none: "No outbound path",
  unknown: "Unknown (input missing)",
};

/** Words for a path stage (CONTRACT §4.1), as headings of an evidence trace. */
export const STAGE_LABEL: Record<PathStage, string> = {
  "admin-rule": "Security admin rule",
  nsg: "Network security group",
  route: "Route",
  firewall: "Azure Firewall",
  outbound: "Outbound connectivity",
};

export function outboundLabel(method: string): string {
  // NOTE: own keys only: a method named "constructor" in an uploaded report must not reach Object.prototype.
  return Object.hasOwn(OUTBOUND_METHOD_LABEL, method) ? OUTBOUND_METHOD_LABEL[method] : method;
}

/** "nsg-cc/BlockOutbound (4000, Deny Outbound, NIC nic-1)" — an NSG rule in one phrase. */
function describeNsg(e: NsgEvidence): string {
  const where = e.level === "nic" ? `, NIC${e.nic ? ` ${resourceName(e.nic)}` : ""}` : e.level === "subnet" ? ", subnet" : "";
  return `${resourceName(e.nsg)}/${e.rule} (${e.priority}, ${e.access} ${e.direction}${where})`;
}

/** "Security admin rule deny-internet (priority 10, Deny Outbound) in collection c / configuration cfg of network manager nm". */
function describeAdminRule(e: AdminRuleEvidence): string {
  return `Security admin rule ${e.rule} (priority ${e.priority}, ${e.access} ${e.direction}) in collection ${e.collection} / configuration ${e.configuration} of network manager ${resourceName(e.networkManager)}`;
}

/** "Route rt-spoke/to-firewall (User): 0.0.0.0/0 → VirtualAppliance 10.0.1.4 (azfw-hub)" — the effective route used. */
function describeRoute(e: RouteEvidence): string {
  const where = e.routeTable ? `Route ${resourceName(e.routeTable)}/${e.route}` : e.source === "VirtualNetworkGateway" ? `Route learned from ${e.route}` : `System route ${e.route}`;
  const hop = `${e.nextHopType}${e.nextHopIpAddress ? ` ${e.nextHopIpAddress}` : ""}`;
  return `${where} (${e.source}): ${e.addressPrefix} → next hop ${hop}${e.nextHop ? ` (${nextHopText(e.nextHop)})` : ""}`;
}

/** "Azure Firewall azfw-hub, policy fwp: group / collection / rule: Allow (application, management.azure.com)". */
function describeFirewall(e: FirewallEvidence): string {
  const owner = `Azure Firewall ${resourceName(e.firewall)}${e.policy ? `, policy ${resourceName(e.policy)}` : ""}`;
  const about = [e.kind ? `${e.kind} rule` : undefined, e.fqdn].filter(Boolean).join(", ");
  if (!e.rule) return `${owner}: no rule matched: denied${about ? ` (${about})` : ""}`;
  const path = [e.ruleCollectionGroup, e.ruleCollection, e.rule].filter(Boolean).join(" / ");
  return `${owner}: ${path}: ${e.action}${about ? ` (${about})` : ""}`;
}

/** "Outbound: NAT gateway natgw-hpc" — how the packet leaves for a public address. */
function describeOutbound(e: OutboundEvidence): string {
  return `Outbound: ${outboundLabel(e.method)}${e.resource ? ` ${resourceName(e.resource)}` : ""}${e.detail ? ` (${e.detail})` : ""}`;
}

/** A next hop as people read it: an ARM id becomes its name; words ("dropped") stay. */
export function nextHopText(nextHop: string): string {
  return nextHop.startsWith("/") ? resourceName(nextHop) : nextHop;
}

/**
 * One evidence entry (CONTRACT §3, §4.1) in one phrase, whatever its stage: the NSG rule, the admin rule, the route
 * used, the firewall's deciding rule (or "no rule matched: denied") or the outbound method. Used by every text export.
 */
export function describeEvidence(e: Evidence): string {
  switch (evidenceStage(e)) {
    case "admin-rule":
      return describeAdminRule(e as AdminRuleEvidence);
    case "route":
      return describeRoute(e as RouteEvidence);
    case "firewall":
      return describeFirewall(e as FirewallEvidence);
    case "outbound":
      return describeOutbound(e as OutboundEvidence);
    default:
      return describeNsg(e as NsgEvidence);
  }
}

export function absoluteLink(link: string, baseUrl?: string): string {
  if (!baseUrl || /^https?:\/\//i.test(link)) return link;
  return baseUrl.replace(/\/+$/, "") + (link.startsWith("/") ? link : `/${link}`);
}

/** How a fix is labelled and shown: its tab label, the note above it, whether it is code, and its fence language. */
export interface FixPresentation {
  /** The tab (and export heading) it belongs to. */
  label: string;
  /** The line above the text. */
  note: string;
  monospace: boolean;
  fenceLang: string;
}

const FIX_PRESENTATION: Record<string, FixPresentation> = {
  "az-cli": { label: "az CLI", note: "az CLI, safe to paste", monospace: true, fenceLang: "bash" },
  bicep: { label: "Bicep", note: "Bicep, safe to paste", monospace: true, fenceLang: "bicep" },
  terraform: { label: "Terraform", note: "Terraform, safe to paste", monospace: true, fenceLang: "hcl" },
  portal: { label: "Portal steps", note: "Steps in the Azure portal", monospace: false, fenceLang: "text" },
  shell: { label: "Shell", note: "Shell commands", monospace: true, fenceLang: "bash" },
  powershell: { label: "PowerShell", note: "PowerShell commands", monospace: true, fenceLang: "powershell" },
};

/** Order of the fix tabs; kinds not listed here follow in the order they appear. */
export const FIX_KIND_ORDER = ["az-cli", "bicep", "terraform", "portal", "shell", "powershell"];

/**
 * How to present one fix. CC-GITHUB-STAGING's procedure is shell run on the CycleCloud VM, not portal steps (issue 11
 * item 13), whichever kind the rule gives it, so it is labelled and set in monospace as shell.
 */
export function fixPresentation(kind: string, rule?: string): FixPresentation {
  if (rule === "CC-GITHUB-STAGING" && (kind === "portal" || kind === "shell")) {
    return { label: "Shell on the CycleCloud VM", note: "Commands to run on the CycleCloud VM", monospace: true, fenceLang: "bash" };
  }
  return Object.hasOwn(FIX_PRESENTATION, kind) ? FIX_PRESENTATION[kind] : { label: kind, note: kind, monospace: true, fenceLang: "text" };
}

/**
 * A gap hint's text split into its code spans and the rest (`` add `az network nic list` ``): each pair of backticks'
 * content is code; an empty pair, and an unpaired backtick with what follows it, stay text. The Markdown and PDF
 * reports render the same parts, each in its own escaping.
 */
export function codeParts(text: string): { code: boolean; text: string }[] {
  const parts = text.split("`");
  const ticks = parts.length - 1;
  const paired = ticks - (ticks % 2);
  const out: { code: boolean; text: string }[] = [];
  for (let i = 0; i <= paired; i++) {
    if (i % 2 === 0) out.push({ code: false, text: parts[i] });
    else out.push(parts[i] ? { code: true, text: parts[i] } : { code: false, text: "``" });
  }
  if (ticks % 2) out.push({ code: false, text: `\`${parts.slice(paired + 1).join("`")}` });
  return out.filter((p) => p.code || p.text);
}
