// Words for what decided at each stage, as Network Watcher and Azure Firewall name them, for the
// sentences of a finding's detail (the exports' one-phrase evidence is lib/report/meta.ts).
import type { AdminRuleEvidence, FirewallEvidence, OutboundEvidence, RouteEvidence } from "../report/types";
import { evidenceStage } from "../report/types";
import { describeAdminRule } from "./admin-rules";
import type { PathPiece } from "./types";

const last = (id: string) => id.split("/").pop() ?? id;

export function describeRoute(e: RouteEvidence): string {
  const via =
    e.source === "User"
      ? `route ${e.route} in ${last(e.routeTable ?? "")}`
      : e.source === "VirtualNetworkGateway"
        ? `route for ${e.addressPrefix} learned from ${e.route}`
        : `system route ${e.route === "Default" ? e.addressPrefix : `${e.route} (${e.addressPrefix})`}`;
  return `${via} → ${e.nextHopType}${e.nextHopIpAddress ? ` ${e.nextHopIpAddress}` : ""}`;
}

export function describeFirewall(e: FirewallEvidence): string {
  const where = [e.ruleCollectionGroup && `rule collection group ${e.ruleCollectionGroup}`, e.ruleCollection && `collection ${e.ruleCollection}`].filter(Boolean).join(", ");
  const who = `Azure Firewall ${e.firewall}${e.policy ? ` (policy ${e.policy})` : ""}`;
  const about = e.fqdn ? ` for ${e.fqdn}` : "";
  if (!e.rule) return `${who}: no rule matched${about}, so it is denied`;
  return `${who}: ${e.kind ?? "network"} rule ${e.rule}${where ? ` in ${where}` : ""} (${e.action})${about}`;
}

export function describeOutbound(e: OutboundEvidence): string {
  return e.detail ?? e.method;
}

/** Why a piece that was not delivered was not: the stage and element that dropped or handed it off. */
export function describeNotDelivered(p: PathPiece): string {
  if (p.access === "Unaudited") return p.why ?? "handed off outside the audit";
  switch (p.decidedAt) {
    case "admin-rule": {
      const e = [...p.steps].reverse().find((s) => evidenceStage(s) === "admin-rule") as AdminRuleEvidence | undefined;
      return e ? `denied by ${describeAdminRule(e)}` : "denied by a security admin rule";
    }
    case "route":
      return p.why ?? "dropped by its route";
    case "firewall": {
      const e = [...p.steps].reverse().find((s) => evidenceStage(s) === "firewall") as FirewallEvidence | undefined;
      const names = p.allowedNames?.length ? ` (its application rules let through only ${p.allowedNames.slice(0, 5).join(", ")}${p.allowedNames.length > 5 ? ` and ${p.allowedNames.length - 5} more` : ""})` : "";
      return e ? `denied at ${describeFirewall(e)}${names}` : "denied by the firewall";
    }
    case "outbound":
      return `no outbound path: ${p.why ?? "no NAT gateway, public IP or default outbound access"}`;
    default: {
      const d = p.decisions[p.decisions.length - 1];
      return d ? `denied by ${d.rule.name} (${d.rule.priority}) in ${d.nsg.name}` : "denied";
    }
  }
}

/** What let a delivered piece through beyond its NSG rules: the firewall rule and the outbound method. */
export function describeDeliveredBeyondNsg(p: PathPiece): string[] {
  const out: string[] = [];
  for (const s of p.steps) {
    const stage = evidenceStage(s);
    if (stage === "firewall") out.push(describeFirewall(s as FirewallEvidence));
    else if (stage === "route") {
      const r = s as RouteEvidence;
      if (r.source !== "Default" || r.nextHopType === "VirtualNetworkServiceEndpoint" || r.nextHopType === "InterfaceEndpoint") out.push(describeRoute(r));
    } else if (stage === "outbound") out.push(describeOutbound(s as OutboundEvidence));
    else if (stage === "admin-rule" && (s as AdminRuleEvidence).access === "AlwaysAllow") out.push(describeAdminRule(s as AdminRuleEvidence));
  }
  return out;
}
