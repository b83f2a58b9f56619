// Azure-provided DNS (168.63.129.16) answers every VM whatever its NSGs say, except where an NSG rule names the
// `AzurePlatformDNS` service tag (as the Instance Metadata Service, AzurePlatformIMDS, and key management,
// AzurePlatformLKM: platformTagRule): that tag exists to let an NSG turn platform DNS off, and a Deny of it leaves the
// machines with no name resolution at all (Azure, Entra ID, Storage and every other name stop resolving).
// https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#azure-platform-considerations
// https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
import type { Nsg, SecurityRule, Subnet } from "../model/types";
import { type AddrSet, addrOverlaps, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { type PortSet, parsePortRanges } from "../net/ports";
import { overlaps, range } from "../net/intervals";
import { type ProtoSet, UDP, protoSetOf } from "../net/protocols";
import type { Estate } from "../nsg/estate";

const PLATFORM_DNS_TAG = "azureplatformdns";

/** Azure DNS's virtual IP: every VM reaches it, whatever its NSGs and routes, unless a rule names AzurePlatformDNS. */
export const AZURE_DNS = "168.63.129.16";
const DNS_PORT = range(53, 53);

/**
 * Whether an outbound rule of `subnet`'s NSGs matches its traffic of `protocols` on `ports`, whatever its destination:
 * a protocol and a port in common, and a source that holds the subnet's addresses (ASG-only sources are taken to hold
 * them: their members are machines).
 */
function matchesOutbound(estate: Estate, subnet: Subnet, protocols: ProtoSet, ports: PortSet): (rule: SecurityRule) => boolean {
  const r = cidrsToRanges(subnet.addressPrefixes);
  const own = concrete(r.v4, r.v6);
  const ctx = estate.context(subnet);
  return (x) =>
    x.direction === "Outbound" &&
    (protoSetOf(x.protocol) & protocols) !== 0 &&
    overlaps(parsePortRanges(x.destinationPortRanges.length ? x.destinationPortRanges : ["*"]), ports) &&
    (x.sourceAddressPrefixes.length === 0 || x.sourceAddressPrefixes.some((p) => addrOverlaps(ctx.resolve(p).set, own)));
}

const firstByPriority = (rules: SecurityRule[]) => rules.sort((a, b) => a.priority - b.priority)[0];

/**
 * The rule of `nsg` that decides `subnet`'s outbound traffic of `protocols` on `ports` to a platform address: the
 * first custom outbound rule, by priority, naming one of `tags` (`AzurePlatform*` tag names, any case) as a
 * destination, for those protocols and ports, from addresses that hold the subnet's; undefined when none does. Only
 * rules naming the tag count: Azure filters platform traffic by no other rule. Never throws.
 */
export function platformTagRule(estate: Estate, subnet: Subnet, nsg: Nsg | undefined, tags: readonly string[], protocols: ProtoSet, ports: PortSet): SecurityRule | undefined {
  if (!nsg) return undefined;
  const wanted = tags.map((t) => t.toLowerCase());
  const matches = matchesOutbound(estate, subnet, protocols, ports);
  return firstByPriority(nsg.securityRules.filter((x) => !x.isDefault && x.destinationAddressPrefixes.some((p) => wanted.includes(p.trim().toLowerCase())) && matches(x)));
}

/** The rule of `nsg` that denies `subnet`'s machines Azure-provided DNS (UDP 53 to AzurePlatformDNS), if its first such rule is a Deny. */
export function platformDnsDeny(estate: Estate, subnet: Subnet, nsg: Nsg | undefined): SecurityRule | undefined {
  const rule = platformTagRule(estate, subnet, nsg, [PLATFORM_DNS_TAG], UDP, DNS_PORT);
  return rule?.access === "Deny" ? rule : undefined;
}

/**
 * An Allow of `nsg` before `deny` (a lower priority number) that matches the same traffic to `address` without naming
 * the tag (UDP 53 to `*`, `VirtualNetwork`, 168.63.129.16): whether Azure, filtering platform traffic only because a
 * rule names its tag, lets that earlier Allow win as first match would, is not documented, so the Deny cannot be
 * counted on. Undefined when there is none.
 */
export function earlierPlatformAllow(estate: Estate, subnet: Subnet, nsg: Nsg, deny: SecurityRule, address: string, protocols: ProtoSet, ports: PortSet): SecurityRule | undefined {
  const a = cidrsToRanges([address]);
  const at = concrete(a.v4, a.v6);
  const ctx = estate.context(subnet);
  const matches = matchesOutbound(estate, subnet, protocols, ports);
  return firstByPriority(nsg.securityRules.filter((x) => x.access === "Allow" && x.priority < deny.priority && matches(x) && x.destinationAddressPrefixes.some((p) => addrOverlaps(ctx.resolve(p).set, at))));
}

/** The platform's own addresses and the tags an NSG rule must name to filter traffic to them (see PLATFORM_SET). */
export const PLATFORM_ADDRESSES: readonly { address: string; tags: readonly string[]; what: string }[] = [
  { address: AZURE_DNS, tags: ["AzurePlatformDNS", "AzurePlatformLKM"], what: "the platform's virtual IP (DNS, DHCP, health probes, key management)" },
  { address: "169.254.169.254", tags: ["AzurePlatformIMDS"], what: "the Instance Metadata Service" },
];

/** PLATFORM_ADDRESSES as one address set: what needs no route or outbound method (lib/path/evaluate.ts, the query). */
export const PLATFORM_SET: AddrSet = concrete(cidrsToRanges(PLATFORM_ADDRESSES.map((p) => `${p.address}/32`)).v4, []);

/**
 * Whether `subnet`'s machines reach Azure-provided DNS: `denied` (with why) where the subnet's NSG, or the NIC-level
 * NSG of every machine, denies the `AzurePlatformDNS` tag; `partly` where only some machines' NIC-level NSGs do;
 * undefined where nothing stops it.
 */
export function platformDnsState(estate: Estate, subnet: Subnet): { state: "denied" | "partly"; why: string } | undefined {
  /** A level's Deny of the tag: sure, or not when an Allow matching the same traffic comes first. */
  const judge = (nsg: Nsg | undefined) => {
    const rule = nsg && platformDnsDeny(estate, subnet, nsg);
    if (!nsg || !rule) return undefined;
    const earlier = earlierPlatformAllow(estate, subnet, nsg, rule, AZURE_DNS, UDP, DNS_PORT);
    const why = `rule ${rule.name} (${rule.priority}) in NSG ${nsg.name} denies the AzurePlatformDNS service tag${earlier ? `, but ${earlier.name} (${earlier.priority}, Allow) comes first and matches the same traffic, and whether it wins for platform DNS is not documented` : ""}`;
    return { sure: !earlier, why };
  };
  const bySubnet = judge(estate.nsg(subnet.nsgKey));
  if (bySubnet) return { state: bySubnet.sure ? "denied" : "partly", why: bySubnet.why };
  const machines = estate.endpoints(subnet).filter((e) => !e.privateEndpointsOnly);
  const denied = machines.flatMap((e) => {
    const j = judge(estate.nsg(e.nic?.nsgKey));
    return j ? [{ who: e.scaleSet ? `scale set ${e.scaleSet.name}` : `NIC ${e.nic?.name}`, ...j }] : [];
  });
  if (!denied.length) return undefined;
  const whys = [...new Set(denied.map((d) => d.why))].join("; ");
  if (denied.length === machines.length && denied.every((d) => d.sure)) return { state: "denied", why: whys };
  return { state: "partly", why: `${denied.map((d) => d.who).slice(0, 3).join(", ")}${denied.length > 3 ? ` and ${denied.length - 3} more` : ""}: ${whys}` };
}
