// Whom the receiving end of a flow sees as its source. Azure Firewall SNATs what it lets through by an application
// rule (it proxies the connection) and, by a network rule, traffic to addresses outside its policy's SNAT private
// ranges (IANA's private ranges by default; `255.255.255.255/32`: always). Such traffic arrives from one of the
// firewall's instances in AzureFirewallSubnet, so the receiver's NSG judges that address, not the sender's, and the
// receiver's replies go back to the firewall.
// https://learn.microsoft.com/azure/firewall/snat-private-range
// https://learn.microsoft.com/azure/firewall/firewall-faq#does-azure-firewall-outbound-snat-between-private-networks
import { type AddrSet, addrIntersect, addrIsEmpty, addrOverlaps, addrUnionAll, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { parentVnetOf } from "../snapshot/arm-id";
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import type { FlowResult } from "../nsg/flow";
import { type FirewallEvidence, evidenceStage } from "../report/types";
import { type AppProtocol, type FirewallTable, firewallSnats, firewallSnatsSome, firewallTable } from "./firewall";
import { overlaps } from "../net/intervals";
import type { PortSet } from "../net/ports";

/** Whom the receiver sees as the source of part of a flow. */
export interface SeenSource {
  /** The source addresses the receiver sees: the sender's, or the firewall instances' (their AzureFirewallSubnet's prefixes). */
  addresses: AddrSet;
  /** The firewall that SNATs this part, and by which kind of rule (its name in `rule`). */
  firewall?: AzureFirewall;
  by?: "application" | "network";
  rule?: string;
  /** For a firewall: where its instances' addresses come from, in words ("hub/AzureFirewallSubnet, 10.100.0.0/26"). */
  where?: string;
  /** `addresses` is the firewall's frontend IP, standing in for instances the input does not show (see vouched). */
  guessed?: true;
  /** Nothing let the traffic through yet: the firewall on its route would SNAT it once something does. */
  wouldBe?: true;
}

/**
 * The addresses an Azure Firewall's connections come from when it SNATs: one of its instances' private IPs in
 * AzureFirewallSubnet (taken as that subnet's prefixes, since the instances' own addresses are not in ARM). Without
 * that subnet in the input, its VNet's address space, which holds it (a verdict for all of it holds for the subnet);
 * without the VNet either, its private IP, which is not where the instances send from (`guessed`: an open verdict
 * against it vouches for nothing). https://learn.microsoft.com/azure/firewall/snat-private-range
 */
export function firewallSourceAddresses(estate: Estate, fw: AzureFirewall): { addresses: AddrSet; where: string; guessed?: true } {
  // Subnets' prefixes and VNets never change by a fix: once per estate family and firewall.
  return estate.memo(`firewall-sources|${fw.key}`, () => buildFirewallSourceAddresses(estate, fw));
}

function buildFirewallSourceAddresses(estate: Estate, fw: AzureFirewall): { addresses: AddrSet; where: string; guessed?: true } {
  const subnets = fw.subnetKeys.map((k) => estate.snapshot.subnets.get(k)).filter((x): x is Subnet => x !== undefined);
  const prefixes = subnets.flatMap((x) => x.addressPrefixes);
  if (prefixes.length) {
    const r = cidrsToRanges(prefixes);
    return { addresses: concrete(r.v4, r.v6), where: `${subnets.map((x) => `${x.vnetName}/${x.name}`).join(", ")}, ${prefixes.join(", ")}` };
  }
  const vnet = fw.subnetKeys.map((k) => estate.snapshot.vnets.get(parentVnetOf(k)?.key ?? "")).find((v) => v?.addressPrefixes.length);
  if (vnet) {
    const r = cidrsToRanges(vnet.addressPrefixes);
    return { addresses: concrete(r.v4, r.v6), where: `${vnet.name}'s address space ${vnet.addressPrefixes.join(", ")} (its AzureFirewallSubnet is not in the input)` };
  }
  const r = cidrsToRanges(fw.privateIpAddresses);
  return { addresses: concrete(r.v4, r.v6), where: `its private IP ${fw.privateIpAddresses.join(", ")} (its subnet and VNet are not in the input, so which addresses its instances send from is unknown)`, guessed: true };
}

/**
 * `result`, a receiver's inbound side judged against `source`, as far as the input vouches for it: judged against a
 * firewall's frontend IP only (`guessed`), an open verdict is at best `partly` (cannot be judged).
 */
export function vouched(source: SeenSource, result: FlowResult): FlowResult {
  return source.guessed && result.verdict === "allowed" ? { ...result, verdict: "partly" } : result;
}

/**
 * Whom a receiver at `destination` sees as the source of each part of the sender's flow `outbound` that reaches it
 * (pieces whose destination misses `destination` are another receiver's): the sender (`client`, its source
 * addresses) where no firewall SNATs, and each firewall that does, by the kind of rule that let the part through.
 * Without any SNAT the answer is `[{ addresses: client }]`, so callers judge exactly as without firewalls. `way.via`:
 * the firewalls the route there meets, which decide for traffic stopped before it got through (see below).
 */
export function sourcesAt(estate: Estate, outbound: FlowResult, destination: AddrSet, client: AddrSet, way?: { via: readonly AzureFirewall[] }): SeenSource[] {
  const byFirewall = new Map<string, SeenSource>();
  const direct: AddrSet[] = [];
  const add = (fw: AzureFirewall, by: "application" | "network", rule?: string, wouldBe?: true) => {
    const k = `${fw.key}|${by}`;
    if (byFirewall.has(k)) return true;
    const { addresses: fwAddresses, where, guessed } = firewallSourceAddresses(estate, fw);
    if (addrIsEmpty(fwAddresses)) return false;
    byFirewall.set(k, { addresses: fwAddresses, firewall: fw, by, ...(rule ? { rule } : {}), where, ...(guessed ? { guessed } : {}), ...(wouldBe ? { wouldBe } : {}) });
    return true;
  };
  for (const o of outbound.outcomes)
    for (const p of o.pieces) {
      if (!addrOverlaps(p.box.dst, destination)) continue;
      if (p.access !== "Allow" && way?.via.length) {
        // Stopped on its way (at the sender's NSG, at the firewall): the receiver's end is judged as the traffic would
        // arrive once let through, from the first firewall of its route where that one SNATs it. Which rule would let
        // it through is unknown, so a firewall that SNATs it only by some rules, or part of it, leaves both sources.
        const fw = way.via[0];
        const whole = firewallSnats(estate, fw, destination);
        const some = !whole && firewallSnatsSome(estate, fw, destination);
        const part = some || (!whole && mayProxy(estate, fw, outbound.subnet, outbound.spec.ports, outbound.spec.appProtocol));
        const snatted = (whole || part) && add(fw, whole || some ? "network" : "application", undefined, true);
        if (!snatted || part) direct.push(p.box.src);
        continue;
      }
      const f = p.access === "Allow" ? (p.steps.filter((e) => evidenceStage(e) === "firewall").pop() as FirewallEvidence | undefined) : undefined;
      const fw = f?.firewallId ? estate.snapshot.firewalls?.get(f.firewallId.toLowerCase()) : undefined;
      // An application rule always SNATs; a network rule where the policy SNATs the destination's address. Where it
      // SNATs part of the destination only, the receiver may meet either source: both are judged (partly, if they differ).
      const by = f?.kind === "application" ? "application" : "network";
      const whole = !fw || by === "application" || firewallSnats(estate, fw, destination);
      if (!fw || (!whole && !firewallSnatsSome(estate, fw, destination))) {
        direct.push(p.box.src);
        continue;
      }
      if (!whole) direct.push(p.box.src);
      if (!add(fw, by, f!.rule)) direct.push(p.box.src);
    }
  if (!byFirewall.size) return [{ addresses: client }];
  const out = [...byFirewall.values()];
  if (direct.length) {
    const own = addrUnionAll(direct);
    const mine = addrIntersect(own, client);
    out.unshift({ addresses: addrIsEmpty(mine) ? own : mine });
  }
  return out;
}

const proxiedPorts = new WeakMap<FirewallTable, Map<string, boolean>>();

/**
 * Whether Azure Firewall `fw` may SNAT `sender`'s traffic on `ports` to `destination` at all: by a network rule when
 * `destination` lies outside its SNAT private ranges, by an application rule when one of its application rules
 * carries one of the ports (Allow or not: which rule decides is the flow's to say). False lets a caller skip working
 * out the sender's flow, which is the common case: private spokes behind a firewall with web rules on 80 and 443.
 */
export function maySnat(estate: Estate, fw: AzureFirewall, sender: Subnet, ports: PortSet, destination: AddrSet, appProtocol?: AppProtocol): boolean {
  return firewallSnats(estate, fw, destination) || firewallSnatsSome(estate, fw, destination) || mayProxy(estate, fw, sender, ports, appProtocol);
}

/**
 * Whether one of `fw`'s application rules (Allow or not) carries one of `ports` for traffic speaking `appProtocol`
 * (any, when not known; none for `other`, which no application rule meets): it may proxy, so SNAT, such traffic.
 */
function mayProxy(estate: Estate, fw: AzureFirewall, sender: Subnet, ports: PortSet, appProtocol?: AppProtocol): boolean {
  if (appProtocol === "other") return false;
  const table = firewallTable(estate, fw, sender);
  let known = proxiedPorts.get(table);
  if (!known) proxiedPorts.set(table, (known = new Map()));
  const key = `${ports.join(",")}|${appProtocol ?? ""}`;
  let any = known.get(key);
  if (any === undefined) known.set(key, (any = table.rules.some((r) => r.kind === "application" && overlaps(appProtocol ? (r.portsByType?.[appProtocol] ?? []) : r.box.dstPorts, ports))));
  return any;
}

/** One FlowResult of several evaluations of the same destination (one per source): `partly` when they differ. */
export function mergeFlowResults(parts: FlowResult[]): FlowResult {
  if (parts.length === 1) return parts[0];
  const verdicts = new Set(parts.map((r) => r.verdict));
  return {
    ...parts[0],
    verdict: verdicts.size === 1 ? parts[0].verdict : "partly",
    outcomes: parts.flatMap((r) => r.outcomes),
    notes: [...new Set(parts.flatMap((r) => r.notes))],
    touched: new Set(parts.flatMap((r) => [...r.touched])),
  };
}

/**
 * In words, the firewalls that SNAT a flow on its way and whom the receiver sees as the source ("by way of Azure
 * Firewall fw, whose application rule blob proxies it …"); empty when none does. `what` names the receiver, `rest`
 * the part of the traffic that no firewall SNATs.
 */
export function seenSourceWords(sources: readonly SeenSource[], what: string, rest = "the rest of the traffic"): string {
  const fws = sources.filter((x) => x.firewall);
  if (!fws.length) return "";
  const each = fws.map((x) => {
    if (x.wouldBe) return `Azure Firewall ${x.firewall!.name}, which would SNAT it once let through (${x.by === "network" ? `its SNAT private ranges leave out ${what}'s address` : "an application rule of it carries this port, and application rules always SNAT"}), so ${what} would see as the client the firewall's instances in ${x.where}`;
    const rule = `${x.by} rule${x.rule ? ` ${x.rule}` : ""}`;
    const how = x.by === "application" ? `whose ${rule} proxies it (application rules always SNAT)` : `whose ${rule} lets it through and ${x.firewall!.policyKey ? `whose policy SNATs ${what}'s address` : `which SNATs ${what}'s address (its SNAT private ranges leave it out)`}`;
    return `Azure Firewall ${x.firewall!.name}, ${how}, so ${what} sees as the client the firewall's instances in ${x.where}`;
  });
  return `by way of ${each.join("; and by way of ")}${sources.some((x) => !x.firewall) ? `; ${rest} goes there directly, from its own addresses` : ""}`;
}
