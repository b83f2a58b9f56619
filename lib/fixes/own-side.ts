// Which addresses a fix names for a subnet's own side. Where the profile names the CycleCloud server
// (`cyclecloudServer`), the audit judges its subnet's flows at the server alone (lib/nsg/estate.ts
// `endpoints`, `roleAddresses`), and az-hop puts CycleCloud in a subnet shared with VMs that stay closed
// on purpose (the scheduler, the jumpbox): a rule naming the whole subnet would open 9443 to them, or cut
// their Internet egress. So a fix names the server's own addresses there, as the check does.
import type { Subnet } from "../model/types";
import { addrUnionAll, cidrsOf } from "../net/addr-set";
import type { Estate } from "../nsg/estate";
import type { Change, FixPlan } from "./types";
import { shown } from "./quote";

/**
 * The CycleCloud server's addresses in `subnet` as CIDRs (each a /32 or /128), when the profile names a server
 * there; undefined otherwise.
 */
export function serverCidrs(estate: Estate, subnet: Subnet): string[] | undefined {
  const server = estate.placement.servers.get(subnet.key);
  if (!server?.length) return undefined;
  // Asked by every rule a fix makes and every plan's note: worked out once per subnet and estate.
  return estate.memo(`server-cidrs|${subnet.key}`, () => {
    const cidrs = cidrsOf(addrUnionAll(server.map((e) => e.addresses)));
    return cidrs.length ? cidrs : undefined;
  });
}

/**
 * The addresses a fix names for `subnet`'s own side of a flow (the source of an outbound rule, the destination of
 * an inbound one, a firewall rule's source): the CycleCloud server's when the profile names one there (what the
 * audit judges), else the subnet's prefixes.
 */
export function ownAddresses(estate: Estate, subnet: Subnet): string[] {
  return serverCidrs(estate, subnet) ?? [...subnet.addressPrefixes];
}

/** Whether `a` names some of `b` and nothing else (case aside). */
const within = (a: readonly string[], b: readonly string[]) => a.length > 0 && a.every((x) => b.some((y) => y.toLowerCase() === x.toLowerCase()));

/**
 * The sentence saying a plan's rules name a CycleCloud server's own addresses rather than its whole subnet (so the
 * subnet's other machines are left as they are), or "" when none does. One sentence per server subnet named.
 */
export function serverScopeNote(estate: Estate, plan: FixPlan): string {
  const sides = (c: Change): (readonly string[])[] => {
    if (c.kind === "add-rule") return [c.rule.sourceAddressPrefixes, c.rule.destinationAddressPrefixes];
    if (c.kind === "attach-new-nsg") return c.rules.flatMap((r) => [r.sourceAddressPrefixes, r.destinationAddressPrefixes]);
    if (c.kind === "add-firewall-rule-collection") return c.collection.rules.flatMap((r) => ("sourceAddresses" in r ? [r.sourceAddresses] : []));
    return [];
  };
  const named = plan.changes.flatMap(sides);
  const out: string[] = [];
  for (const key of estate.placement.servers.keys()) {
    const subnet = estate.snapshot.subnets.get(key);
    const cidrs = subnet && serverCidrs(estate, subnet);
    // A dual-stack server's rules come one per address family (lib/fixes/address-family.ts): a side naming one family's counts.
    if (!cidrs || !named.some((side) => within(side, cidrs))) continue;
    const many = cidrs.length > 1;
    // What a change makes for the subnet as a whole, whatever the rules name: the other machines get it too.
    const whole = new Set<string>();
    for (const c of plan.changes) {
      if (!("subnetKey" in c) || c.subnetKey !== key) continue;
      whole.add(c.kind === "attach-nat-gateway" ? "the NAT gateway (an outbound path)" : c.kind === "attach-new-nsg" ? "the new NSG (with its default rules)" : `the service endpoint ${c.service}`);
    }
    const rest = whole.size
      ? `: the rules leave the subnet's other machines as they are, but ${[...whole].join(" and ")} serve${whole.size > 1 ? "" : "s"} every machine of the subnet.`
      : ": the subnet's other machines are left as they are.";
    out.push(
      `The new rules name the CycleCloud server's own address${many ? "es" : ""} (${cidrs.join(", ")}), which the audit judges, not all of ${shown(`${subnet.vnetName}/${subnet.name}`)} (${subnet.addressPrefixes.join(", ")})${rest}`,
    );
  }
  return out.join(" ");
}
