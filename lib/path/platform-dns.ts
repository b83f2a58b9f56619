// Azure-provided DNS (168.63.129.16) answers every VM whatever its NSGs say, except where an NSG rule names the
// `AzurePlatformDNS` service tag: that tag exists to let an NSG turn platform DNS off, and a Deny of it leaves the
// machines with no name resolution at all (Azure, Entra ID, Storage and every other name stop resolving).
// https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#azure-platform-considerations
// https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
import type { Nsg, SecurityRule, Subnet } from "../model/types";
import { addrOverlaps, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { parsePortRanges } from "../net/ports";
import { overlaps, range } from "../net/intervals";
import type { Estate } from "../nsg/estate";

const PLATFORM_DNS_TAG = "azureplatformdns";
const DNS_PORT = range(53, 53);

/**
 * The rule of `nsg` that denies `subnet`'s machines Azure-provided DNS: the first custom outbound rule, by priority,
 * naming `AzurePlatformDNS` as a destination for UDP (or any protocol) port 53 from addresses that hold the subnet's,
 * when it is a Deny; undefined when none is or an Allow of the tag comes first. Only rules naming the tag count: a
 * Deny of `*` or `Internet` does not stop platform DNS. Never throws.
 */
export function platformDnsDeny(estate: Estate, subnet: Subnet, nsg: Nsg | undefined): SecurityRule | undefined {
  if (!nsg) return undefined;
  const r = cidrsToRanges(subnet.addressPrefixes);
  const own = concrete(r.v4, r.v6);
  const ctx = estate.context(subnet);
  const rules = nsg.securityRules
    .filter((x) => x.direction === "Outbound" && !x.isDefault && x.destinationAddressPrefixes.some((p) => p.trim().toLowerCase() === PLATFORM_DNS_TAG))
    .filter((x) => x.protocol === "*" || x.protocol === "Udp")
    .filter((x) => overlaps(parsePortRanges(x.destinationPortRanges.length ? x.destinationPortRanges : ["*"]), DNS_PORT))
    // A source the subnet's addresses are in (ASG-only sources are taken to hold them: their members are machines).
    .filter((x) => x.sourceAddressPrefixes.length === 0 || x.sourceAddressPrefixes.some((p) => addrOverlaps(ctx.resolve(p).set, own)))
    .sort((a, b) => a.priority - b.priority);
  return rules[0]?.access === "Deny" ? rules[0] : undefined;
}

/**
 * Whether `subnet`'s machines reach Azure-provided DNS: `denied` (with why) where the subnet's NSG, or the NIC-level
 * NSG of every machine, denies the `AzurePlatformDNS` tag; `partly` where only some machines' NIC-level NSGs do;
 * undefined where nothing stops it.
 */
export function platformDnsState(estate: Estate, subnet: Subnet): { state: "denied" | "partly"; why: string } | undefined {
  const at = (nsg: Nsg, rule: SecurityRule) => `rule ${rule.name} (${rule.priority}) in NSG ${nsg.name} denies the AzurePlatformDNS service tag`;
  const subnetNsg = estate.nsg(subnet.nsgKey);
  const bySubnet = platformDnsDeny(estate, subnet, subnetNsg);
  if (bySubnet && subnetNsg) return { state: "denied", why: at(subnetNsg, bySubnet) };
  const machines = estate.endpoints(subnet).filter((e) => !e.privateEndpointsOnly);
  const denied = machines.flatMap((e) => {
    const nsg = estate.nsg(e.nic?.nsgKey);
    const rule = platformDnsDeny(estate, subnet, nsg);
    return rule && nsg ? [{ who: e.scaleSet ? `scale set ${e.scaleSet.name}` : `NIC ${e.nic?.name}`, why: at(nsg, rule) }] : [];
  });
  if (!denied.length) return undefined;
  const whys = [...new Set(denied.map((d) => d.why))].join("; ");
  if (denied.length === machines.length) return { state: "denied", why: whys };
  return { state: "partly", why: `${denied.map((d) => d.who).slice(0, 3).join(", ")}${denied.length > 3 ? ` and ${denied.length - 3} more` : ""}: ${whys}` };
}
