// The non-NSG stages of a finding's evidence (CONTRACT §4.1), each as a small table in Azure's own words:
// Virtual Network Manager's security admin rules, the effective route used (Network Watcher's "effective routes" and
// "next hop"), Azure Firewall's deciding rule collection group / collection / rule, and the outbound method.
import type { ReactNode } from "react";
import type { AdminRuleEvidence, FirewallEvidence, OutboundEvidence, RouteEvidence } from "@/lib/report/types";
import { nextHopText, outboundLabel } from "@/lib/report/meta";
import { AzureName, ResourceName } from "../ui/azure-name";
import { DecidesTag } from "./evidence-nsg";

const TH = "px-3 py-1 font-medium";
const TD = "px-3 py-1";
const DECIDING_ROW = "bg-amber-50 font-semibold text-slate-900 shadow-[inset_3px_0_0_var(--color-amber-500)]";

function accessClass(access: string): string {
  return access === "Deny" ? "text-red-700" : "text-emerald-700";
}

/** A scrollable table with a screen-reader caption, as every evidence table is drawn. */
export function EvidenceTable({ caption, head, children, context }: { caption: string; head: string[]; children: ReactNode; context?: string }) {
  // `context` (the finding and stage) keeps the scroll region's name unique on a page of several traces (axe's landmark-unique).
  const label = context ? `${caption} (${context})` : caption;
  return (
    <div className="overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600" tabIndex={0} role="region" aria-label={label}>
      <table className="w-full text-left text-xs">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-slate-500">
          <tr className="border-b border-slate-100">
            {head.map((h) => (
              <th key={h} className={TH} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="font-mono">{children}</tbody>
      </table>
    </div>
  );
}

/**
 * Security admin rules that decided, lowest priority first. `Deny` drops before any NSG, `AlwaysAllow` delivers
 * without the NSGs, `Allow` hands over to them. https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
 */
export function AdminRuleEvidenceTable({ evidence, context }: { evidence: AdminRuleEvidence[]; context?: string }) {
  return (
    <EvidenceTable caption="Security admin rules that decided" context={context} head={["Priority", "Rule", "Access", "Direction", "Rule collection", "Configuration", "Network manager"]}>
      {evidence.map((e, i) => (
        <tr key={i} data-deciding className={DECIDING_ROW}>
          <td className={`${TD} tabular-nums`}>{e.priority}</td>
          <td className={TD} title={e.id}>
            <AzureName>{e.rule}</AzureName>
            <DecidesTag />
          </td>
          <td className={`${TD} ${accessClass(e.access)}`}>{e.access}</td>
          <td className={TD}>{e.direction}</td>
          <td className={TD}>{e.collection}</td>
          <td className={TD}>{e.configuration}</td>
          <td className={TD} title={e.networkManager}>
            <ResourceName id={e.networkManager} />
          </td>
        </tr>
      ))}
    </EvidenceTable>
  );
}

/** The route the packet took: the subnet's effective route for the destination, longest prefix first. */
export function RouteEvidenceTable({ evidence, context }: { evidence: RouteEvidence[]; context?: string }) {
  return (
    <EvidenceTable caption="Effective route used" context={context} head={["Source", "Address prefix", "Next hop type", "Next hop IP address", "Route table / route", "Next hop"]}>
      {evidence.map((e, i) => (
        <tr key={i} data-deciding className={DECIDING_ROW}>
          <td className={TD}>{e.source}</td>
          <td className={TD}>{e.addressPrefix}</td>
          <td className={`${TD} ${e.nextHopType === "None" ? "text-red-700" : ""}`}>{e.nextHopType}</td>
          <td className={TD}>{e.nextHopIpAddress ?? "—"}</td>
          <td className={TD} title={e.routeTable ?? undefined}>
            {e.routeTable ? (
              <>
                <ResourceName id={e.routeTable} /> / <AzureName>{e.route}</AzureName>
              </>
            ) : (
              `System route (${e.route})`
            )}
          </td>
          <td className={TD} title={e.nextHop}>
            {e.nextHop ? nextHopText(e.nextHop) : "—"}
          </td>
        </tr>
      ))}
    </EvidenceTable>
  );
}

/**
 * Azure Firewall's deciding rule: network rules before application rules, group then collection priority; traffic no
 * rule allows is denied. https://learn.microsoft.com/azure/firewall/rule-processing
 */
export function FirewallEvidenceTable({ evidence, context }: { evidence: FirewallEvidence[]; context?: string }) {
  return (
    <EvidenceTable caption="Azure Firewall rule that decided" context={context} head={["Firewall", "Policy", "Rule collection group", "Rule collection", "Rule", "Kind", "Destination FQDN", "Action"]}>
      {evidence.map((e, i) => (
        <tr key={i} data-deciding className={DECIDING_ROW} data-firewall-rule={e.rule ?? ""}>
          <td className={TD} title={e.firewall}>
            <ResourceName id={e.firewall} />
          </td>
          <td className={TD} title={e.policy}>
            <ResourceName id={e.policy} fallback="classic rules" />
          </td>
          {e.rule ? (
            <>
              <td className={TD}>{e.ruleCollectionGroup ?? "—"}</td>
              <td className={TD}>{e.ruleCollection ?? "—"}</td>
              <td className={TD}>
                <AzureName>{e.rule}</AzureName>
                <DecidesTag />
              </td>
            </>
          ) : (
            <td className={`${TD} font-sans text-red-700`} colSpan={3}>
              No rule matched: denied
            </td>
          )}
          <td className={TD}>{e.kind ? (e.kind === "network" ? "Network rule" : "Application rule") : "—"}</td>
          <td className={TD}>{e.fqdn ?? "—"}</td>
          <td className={`${TD} ${accessClass(e.action)}`}>{e.action}</td>
        </tr>
      ))}
    </EvidenceTable>
  );
}

/** How the packet leaves for a public address, in Azure's precedence. https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access */
export function OutboundEvidenceTable({ evidence, context }: { evidence: OutboundEvidence[]; context?: string }) {
  return (
    <EvidenceTable caption="Outbound method" context={context} head={["Method", "Resource", "Detail"]}>
      {evidence.map((e, i) => (
        <tr key={i} data-deciding className={DECIDING_ROW}>
          <td className={`${TD} ${e.method === "none" ? "text-red-700" : ""}`}>{outboundLabel(e.method)}</td>
          <td className={TD} title={e.resource}>
            <ResourceName id={e.resource} fallback="—" />
          </td>
          <td className={`${TD} font-sans font-normal`}>{e.detail ?? "—"}</td>
        </tr>
      ))}
    </EvidenceTable>
  );
}
