// The NSG stage of a finding's evidence: per NSG level, the rules in evaluation order, the deciding ones highlighted
// (Network Watcher's "effective security rules"). Full rule lists come from the stored snapshot; without it, the
// deciding rules alone. https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
import { Fragment, type ReactNode } from "react";
import type { Nsg, SecurityRule, Snapshot } from "@/lib/model/types";
import type { NsgEvidence } from "@/lib/report/types";
import { resourceName } from "@/lib/report/meta";
import { AzureName, ResourceName } from "../ui/azure-name";

interface Group {
  nsgId: string;
  direction: NsgEvidence["direction"];
  level?: NsgEvidence["level"];
  nic?: string;
  deciding: NsgEvidence[];
}

function groups(evidence: NsgEvidence[]): Group[] {
  const out: Group[] = [];
  for (const e of evidence) {
    // One table per NSG and direction; a subnet-level NSG deciding for several NICs' traffic is still one NSG.
    const nic = e.level === "nic" ? e.nic : undefined;
    const found = out.find((g) => g.nsgId.toLowerCase() === e.nsg.toLowerCase() && g.direction === e.direction && g.level === e.level && g.nic === nic);
    if (found) found.deciding.push(e);
    else out.push({ nsgId: e.nsg, direction: e.direction, level: e.level, nic, deciding: [e] });
  }
  return out;
}

/** Outbound traffic meets the NIC's NSG first, inbound the subnet's. Directions keep the order they first appear in. */
function inEvaluationOrder(list: Group[]): Group[] {
  const rank = (g: Group) => (g.direction === "Outbound" ? (g.level === "nic" ? 0 : 1) : g.level === "nic" ? 1 : 0);
  const directions = [...new Set(list.map((g) => g.direction))];
  return directions.flatMap((d) =>
    list
      .map((g, i) => ({ g, i }))
      .filter((x) => x.g.direction === d)
      .sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i)
      .map((x) => x.g),
  );
}

function addresses(prefixes: readonly string[], asgKeys: readonly string[]): ReactNode {
  if (!prefixes.length && !asgKeys.length) return "*";
  // ASG names are the user's: each isolated, so one in Hebrew or Arabic keeps its place in the list.
  const parts: ReactNode[] = [...prefixes, ...asgKeys.map((k) => <Fragment key={k}>ASG <ResourceName id={k} /></Fragment>)];
  return parts.map((p, i) => (
    <Fragment key={i}>
      {i ? ", " : null}
      {p}
    </Fragment>
  ));
}

function rulesOf(nsg: Nsg, direction: NsgEvidence["direction"]): SecurityRule[] {
  return [...nsg.securityRules, ...nsg.defaultSecurityRules].filter((r) => r.direction === direction).sort((a, b) => a.priority - b.priority);
}

function levelLabel(g: Group): ReactNode {
  if (g.level === "nic") return g.nic ? <>NIC-level NSG on <ResourceName id={g.nic} /></> : "NIC-level NSG";
  if (g.level === "subnet") return "Subnet-level NSG";
  return "NSG";
}

/**
 * The NSG tables of one run of NSG evidence entries, in the order Azure evaluates the levels. `context` is added to
 * each table's scroll region name, which must be unique on the page (one NSG shows in several findings).
 */
export function NsgEvidenceTables({ evidence, snapshot, context }: { evidence: NsgEvidence[]; snapshot?: Snapshot; context?: string }) {
  const all = inEvaluationOrder(groups(evidence));
  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-500">
        Outbound traffic meets the NIC&apos;s NSG, then the subnet&apos;s; inbound the subnet&apos;s, then the NIC&apos;s. Within an NSG the lowest priority number that matches decides.
      </p>
      {all.map((g, gi) => {
        const nsg = snapshot?.nsgs.get(g.nsgId.toLowerCase());
        const decidingNames = new Set(g.deciding.map((e) => e.rule.toLowerCase()));
        return (
          <div key={gi} className="overflow-hidden rounded-md ring-1 ring-slate-200" data-testid="evidence-group">
            <div className="flex flex-wrap items-center justify-between gap-2 bg-slate-50 px-3 py-1.5 text-xs">
              <span>
                <ResourceName id={g.nsgId} className="font-semibold text-slate-800" /> <span className="text-slate-500">· {levelLabel(g)} · {g.direction}</span>
              </span>
              <span className="font-mono text-[10px] text-slate-500" title={g.nsgId}>
                {gi + 1} of {all.length}
              </span>
            </div>
            <div className="overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600" tabIndex={0} role="region" aria-label={`Rules of ${resourceName(g.nsgId)}${g.level === "nic" && g.nic ? ` on ${resourceName(g.nic)}` : ""}${context ? ` (${context})` : ""}`}>
              <table className="w-full text-left text-xs">
                <caption className="sr-only">
                  {g.direction} rules of <ResourceName id={g.nsgId} /> in evaluation order; the deciding rule is marked
                </caption>
                <thead className="text-slate-500">
                  <tr className="border-b border-slate-100">
                    <th className="px-3 py-1 font-medium">Priority</th>
                    <th className="px-3 py-1 font-medium">Name</th>
                    <th className="px-3 py-1 font-medium">Access</th>
                    <th className="px-3 py-1 font-medium">Protocol</th>
                    <th className="px-3 py-1 font-medium">Source</th>
                    <th className="px-3 py-1 font-medium">Destination</th>
                    <th className="px-3 py-1 font-medium">Ports</th>
                  </tr>
                </thead>
                <tbody className="font-mono">
                  {nsg
                    ? rulesOf(nsg, g.direction).map((r) => {
                        const decides = decidingNames.has(r.name.toLowerCase());
                        return (
                          <tr
                            key={r.name + r.priority}
                            data-deciding={decides || undefined}
                            className={decides ? "bg-amber-50 font-semibold text-slate-900 shadow-[inset_3px_0_0_var(--color-amber-500)]" : r.isDefault ? "text-slate-500" : "text-slate-700"}
                          >
                            <td className="px-3 py-1 tabular-nums">{r.priority}</td>
                            <td className="px-3 py-1">
                              <AzureName>{r.name}</AzureName>
                              {decides ? <DecidesTag /> : null}
                            </td>
                            <td className={`px-3 py-1 ${r.access === "Deny" ? "text-red-700" : "text-emerald-700"}`}>{r.access}</td>
                            <td className="px-3 py-1">{r.protocol === "*" ? "Any" : r.protocol}</td>
                            <td className="px-3 py-1">{addresses(r.sourceAddressPrefixes, r.sourceAsgKeys)}</td>
                            <td className="px-3 py-1">{addresses(r.destinationAddressPrefixes, r.destinationAsgKeys)}</td>
                            <td className="px-3 py-1">{r.destinationPortRanges.join(", ") || "*"}</td>
                          </tr>
                        );
                      })
                    : g.deciding.map((e, i) => (
                        <tr key={i} data-deciding className="bg-amber-50 font-semibold">
                          <td className="px-3 py-1 tabular-nums">{e.priority}</td>
                          <td className="px-3 py-1">
                            <AzureName>{e.rule}</AzureName>
                          </td>
                          <td className={`px-3 py-1 ${e.access === "Deny" ? "text-red-700" : "text-emerald-700"}`}>{e.access}</td>
                          <td className="px-3 py-1" colSpan={4} />
                        </tr>
                      ))}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** The "decides" tag every stage puts on its deciding row. */
export function DecidesTag() {
  // The margin shows a gap, but copied text and screen readers need a real one ("AllowVnetOutBound decides").
  return (
    <>
      {" "}
      <span className="ml-1 rounded bg-amber-200 px-1 py-px font-sans text-[10px] font-semibold uppercase text-amber-950">decides</span>
    </>
  );
}
