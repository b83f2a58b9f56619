// What an NSG's address words mean depends on where it is applied: `VirtualNetwork` is the VNet's own
// space plus its connected peerings, `Internet` is public space outside it. One context per VNet.
// https://learn.microsoft.com/azure/virtual-network/service-tags-overview
import {
  type AddrSet,
  ALL_V4,
  ALL_V6,
  EMPTY,
  EVERYTHING,
  addrSubtract,
  addrUnion,
  addrUnionAll,
  concrete,
  symbolic,
} from "../net/addr-set";
import * as iv from "../net/intervals";
import { pushTo } from "../collections";
import { NON_PUBLIC_V4, NON_PUBLIC_V6, cidrsToRanges, parseCidr } from "../net/ip";
import { ALL_TAGS, tagAtom } from "../net/tag-set";
import type { RouteTable, ServiceTagPrefixes, Snapshot, VirtualNetwork } from "../model/types";
import type { Estate } from "./estate";
import { peeredPrefixes } from "../path/subnet-peering";
import { SEED_TAGS } from "../path/fqdn";

const PLATFORM_V4 = cidrsToRanges(["168.63.129.16/32"]).v4;

/**
 * The tags the CycleCloud page's NSG allows before its BlockOutbound (lower-case, as service-tag keys are). Only these
 * are carved out of the Internet a lockdown judges: every other tag, `AzureCloud` first, holds public endpoints of
 * any tenant, a way out for data. https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
 */
const REQUIRED_TAGS: ReadonlySet<string> = new Set(SEED_TAGS.map((t) => t.toLowerCase()));

export interface ResolvedAddress {
  set: AddrSet;
  /** Names specific public addresses (a CIDR, or a tag with real prefixes), as opposed to `*`, `Internet` or /0. */
  specificPublic: boolean;
  /** Names a service tag we hold no prefixes for. */
  symbolicTag: boolean;
}

export interface AddressContext {
  vnetKey: string;
  /** Unique per (VNet, route table): what `VirtualNetwork` means depends on both (CONTRACT §4.1 stage 2). */
  key: string;
  virtualNetwork: AddrSet;
  /**
   * Set when a route widened `VirtualNetwork` beyond the VNet (a default route to an appliance or gateway: to
   * 0.0.0.0/0; a service-tag route: by the tag), Azure documenting it with a hedge: the route and why, in words.
   */
  widenedBy?: string;
  /** `VirtualNetwork` before any widening: the VNet's space and its connected peerings. */
  ownVirtualNetwork: AddrSet;
  internet: AddrSet;
  /**
   * The Internet a lockdown must close: public space outside the service tags the CycleCloud page requires CycleCloud
   * to reach (SEED_TAGS and their variants, as the supplied prefixes give them) and outside the platform's
   * 168.63.129.16. Other tags' prefixes stay in it: `AzureCloud` or `AppService` hold any tenant's public endpoint.
   * With no prefixes, all public concrete space (tags stay symbolic and apart from it).
   */
  internetOutsideRequiredTags: AddrSet;
  resolve(token: string): ResolvedAddress;
  /**
   * The addresses that surely belong to an ASG's members, as the far end of traffic sees them: its NICs' and the free
   * addresses of every subnet and family whose scale-set IP configurations all carry it.
   */
  asgMembers(asgKey: string): AddrSet;
  /**
   * The free addresses an ASG's members share with non-members (see ScaleSetPool): pools where some scale-set IP
   * configurations carry the ASG and others do not. At the far end a rule naming it may or may not match them.
   */
  asgPartial(asgKey: string): readonly ScaleSetPool[];
  /**
   * An ASG's members as the local end of the traffic an NSG judges (the source of outbound rules, the destination of
   * inbound ones). Without an `AsgView` the same as `asgMembers`; with one, the view's addresses are members exactly of
   * the view's ASGs (see AsgView).
   */
  localAsgMembers(asgKey: string): AddrSet;
  /** The key of the context this one is a view of (`withAsgView`); unset on a context without a view. */
  baseKey?: string;
  tagDisplay(lower: string): string;
}

export interface SharedAddressData {
  serviceTags?: Map<string, ServiceTagPrefixes>;
  tagPrefixes: Map<string, AddrSet>;
  /** Bases built from regional entries only: they do not stand in for a region missing from the file. */
  synthesized: Set<string>;
  /**
   * The supplied prefixes of the service tags CycleCloud must reach (SEED_TAGS) and of their variants
   * (`Storage.WestEurope`, `AzureActiveDirectory.ServiceEndpoint`): what a lockdown leaves open on purpose.
   */
  requiredTagPrefixes: AddrSet;
  asgMembers: Map<string, AddrSet>;
  /** By ASG key: the pools some but not all of whose IP configurations carry it (AddressContext.asgPartial). */
  asgPartial: Map<string, ScaleSetPool[]>;
  tagNames: Map<string, string>;
}

/**
 * Who holds the local end of the traffic an NSG judges, where addresses alone cannot tell ASG membership: a scale set's
 * instances take addresses the input does not show, so an IP configuration stands for the free addresses of its
 * subnet (lib/nsg/estate.ts scaleSetEndpoint), which instances of IP configurations with other ASGs (another scale
 * set, another IP configuration of the same one) may hold too. Azure applies an IP configuration's ASGs to the
 * instance NIC itself, so for the traffic of the IP configurations that share `asgKeys`, the addresses `local` are
 * members of exactly those ASGs.
 * https://learn.microsoft.com/azure/virtual-network/application-security-groups
 */
export interface AsgView {
  /** Unique per subnet and traffic class (the subnet's key is part of it). */
  key: string;
  local: AddrSet;
  asgKeys: ReadonlySet<string>;
}

/**
 * The scale-set IP configurations (`virtualMachineProfile.networkProfile…ipConfigurations[]`) whose instances take
 * addresses from one subnet's free addresses of one family: the instances' own addresses are not in ARM, so any of
 * those addresses may be any of theirs. Where they differ in ASGs (`applicationSecurityGroups`, which Azure applies to
 * every instance NIC), no address tells a member from a non-member.
 * https://learn.microsoft.com/azure/virtual-network/application-security-groups
 */
export interface ScaleSetPool {
  /** `<vnet>/<subnet>`, for words. */
  subnet: string;
  family: 4 | 6;
  addresses: AddrSet;
  ipConfigurations: { scaleSet: string; name: string; asgKeys: readonly string[] }[];
}

/**
 * The address data every context of an estate shares: service-tag prefixes and ASG members. An ASG's members are its
 * NICs' IP configurations (each at its private IP, or the subnet without one) and its scale sets' IP configurations
 * (`scaleSetPools`: the addresses their instances may hold), since Azure applies a scale-set IP configuration's
 * ASGs to every instance NIC, running or not. A pool is a sure member of an ASG only when every IP configuration
 * taking addresses from it carries the ASG; when only some do, it is in `asgPartial`.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-networking
 */
export function buildSharedAddressData(snapshot: Snapshot, scaleSetPools: Iterable<ScaleSetPool> = []): SharedAddressData {
  const tagPrefixes = new Map<string, AddrSet>();
  const tagNames = new Map<string, string>();
  // Sets are gathered and united once (addrUnionAll, O(n log n)): folding one union per tag or per NIC
  // copies the growing result every time, which made two tags of 20,000 prefixes take 16 s.
  const requiredTagSets: AddrSet[] = [];
  const regionalOnly = new Map<string, AddrSet[]>();
  for (const [key, entry] of snapshot.serviceTags ?? []) {
    const r = cidrsToRanges(entry.addressPrefixes);
    const set = concrete(r.v4, r.v6);
    tagPrefixes.set(key, set);
    tagNames.set(key, entry.name);
    const dot = key.indexOf(".");
    if (REQUIRED_TAGS.has(dot > 0 ? key.slice(0, dot) : key)) requiredTagSets.push(set);
    if (dot > 0) pushTo(regionalOnly, key.slice(0, dot), set);
  }
  const requiredTagPrefixes = addrUnionAll(requiredTagSets);
  // A file with regional entries but no base entry: the base holds those regions' prefixes, plus the
  // regions we have no prefixes for, which stay symbolic.
  const synthesized = new Map<string, AddrSet>();
  for (const [base, sets] of regionalOnly) {
    if (!tagPrefixes.has(base)) synthesized.set(base, addrUnionAll([...sets, symbolic(tagAtom(base))]));
  }
  for (const [base, set] of synthesized) tagPrefixes.set(base, set);
  const asgSets = new Map<string, AddrSet[]>();
  for (const nic of snapshot.nics.values()) {
    for (const ipc of nic.ipConfigurations) {
      if (!ipc.asgKeys.length) continue;
      const addrs = ipConfigAddresses(snapshot, ipc.privateIpAddress, ipc.subnetKey);
      for (const asg of ipc.asgKeys) pushTo(asgSets, asg, addrs);
    }
  }
  const asgPartial = new Map<string, ScaleSetPool[]>();
  for (const pool of scaleSetPools) {
    for (const asg of new Set(pool.ipConfigurations.flatMap((i) => i.asgKeys))) {
      if (pool.ipConfigurations.every((i) => i.asgKeys.includes(asg))) pushTo(asgSets, asg, pool.addresses);
      else pushTo(asgPartial, asg, pool);
    }
  }
  const asgMembers = new Map<string, AddrSet>();
  for (const [asg, sets] of asgSets) asgMembers.set(asg, addrUnionAll(sets));
  return { serviceTags: snapshot.serviceTags, tagPrefixes, synthesized: new Set(synthesized.keys()), requiredTagPrefixes, asgMembers, asgPartial, tagNames };
}

/** A NIC's address in a subnet; when the export has no private IP, the whole subnet stands in for it. */
export function ipConfigAddresses(snapshot: Snapshot, privateIp: string | undefined, subnetKey: string | undefined): AddrSet {
  const own = privateIp ? parseCidr(privateIp) : null;
  if (own) return concrete(own.v4, own.v6);
  const subnet = subnetKey ? snapshot.subnets.get(subnetKey) : undefined;
  if (!subnet) return EMPTY;
  const r = cidrsToRanges(subnet.addressPrefixes);
  return concrete(r.v4, r.v6);
}

/** The VNet's space and what its connected peerings route to (a subnet peering: the subnets it joins). */
export function virtualNetworkPrefixes(estate: Pick<Estate, "snapshot" | "memo">, vnet: VirtualNetwork): string[] {
  const prefixes = [...vnet.addressPrefixes];
  for (const p of vnet.peerings) {
    if (!p.allowVirtualNetworkAccess) continue;
    if (p.peeringState && p.peeringState.toLowerCase() !== "connected") continue;
    prefixes.push(...peeredPrefixes(estate, vnet.key, p));
  }
  return prefixes;
}

/**
 * What the `VirtualNetwork` tag adds beyond the VNet and its peerings for an NSG evaluated in a subnet:
 * the platform's 168.63.129.16 and the prefixes of the subnet's user-defined routes, 0.0.0.0/0 included
 * when the default route goes to an appliance or gateway.
 * https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags (VirtualNetwork)
 */
export interface RouteWidening {
  cidrs: string[];
  /** Route prefixes that are service tags (`Storage`, `Storage.WestEurope`), as written. */
  tags?: string[];
  /** Those routes, in words. */
  tagRoutes?: string;
  /** The default route that makes `VirtualNetwork` hold every address, in words. */
  defaultRoute?: string;
}

const NO_POOLS: readonly ScaleSetPool[] = [];

export function buildAddressContext(shared: SharedAddressData, vnetKey: string, vnetPrefixes: string[], widening?: RouteWidening, key = vnetKey): AddressContext {
  const vr = cidrsToRanges(vnetPrefixes);
  const own = concrete(vr.v4, vr.v6);
  let virtualNetwork = own;
  if (widening) {
    const wr = cidrsToRanges(["168.63.129.16/32", ...widening.cidrs]);
    virtualNetwork = addrUnion(own, concrete(wr.v4, wr.v6));
    // A route whose prefix is a service tag adds that tag's addresses, as its prefixes or, without them, the tag itself.
    for (const tag of widening.tags ?? []) virtualNetwork = addrUnion(virtualNetwork, resolveServiceTag(shared, tag).set);
    // Every address, service tags included, once a default route leaves the VNet through an appliance.
    if (widening.defaultRoute) virtualNetwork = { ...virtualNetwork, v4: ALL_V4, tags: ALL_TAGS };
  }
  const publicV4 = iv.subtract(iv.subtract(ALL_V4, NON_PUBLIC_V4), vr.v4);
  const publicV6 = iv.subtract(iv.subtract(ALL_V6, NON_PUBLIC_V6), vr.v6);
  const internet: AddrSet = { v4: publicV4, v6: publicV6, tags: ALL_TAGS };
  // The platform's 168.63.129.16 (DNS, health probes) is reachable from every VM and is no Internet
  // destination a lockdown could close; the required tags are what the lockdown keeps open on purpose.
  const internetOutsideRequiredTags = concrete(
    iv.subtract(iv.subtract(publicV4, shared.requiredTagPrefixes.v4), PLATFORM_V4),
    iv.subtract(publicV6, shared.requiredTagPrefixes.v6),
  );
  const cache = new Map<string, ResolvedAddress>();

  const resolveUncached = (token: string): ResolvedAddress => {
    const t = token.trim();
    const lower = t.toLowerCase();
    if (t === "*" || lower === "any") return { set: EVERYTHING, specificPublic: false, symbolicTag: false };
    const cidr = parseCidr(t);
    // Any spelling of a /0 (`0.0.0.0/0`, `::/0`, `0::/0`) is the whole family, service tags included (CONTRACT §4).
    if (cidr && (iv.equals(cidr.v4, ALL_V4) || iv.equals(cidr.v6, ALL_V6))) {
      return { set: { v4: cidr.v4, v6: cidr.v6, tags: ALL_TAGS }, specificPublic: false, symbolicTag: false };
    }
    if (cidr) {
      const specificPublic = !iv.covers(NON_PUBLIC_V4, cidr.v4) || !iv.covers(NON_PUBLIC_V6, cidr.v6);
      return { set: concrete(cidr.v4, cidr.v6), specificPublic, symbolicTag: false };
    }
    if (lower === "virtualnetwork") return { set: virtualNetwork, specificPublic: false, symbolicTag: false };
    if (lower === "internet") return { set: internet, specificPublic: false, symbolicTag: false };
    return resolveServiceTag(shared, t);
  };

  return {
    vnetKey,
    key,
    virtualNetwork,
    ownVirtualNetwork: own,
    ...(widening?.defaultRoute
      ? { widenedBy: `${widening.defaultRoute}, which Azure documents as possibly adding 0.0.0.0/0 to the VirtualNetwork tag` }
      : widening?.tagRoutes
        ? { widenedBy: `${widening.tagRoutes}, and Azure documents the prefixes of a subnet's routes as part of its VirtualNetwork tag` }
        : {}),
    internet,
    internetOutsideRequiredTags,
    resolve(token) {
      let r = cache.get(token);
      if (!r) {
        r = resolveUncached(token);
        cache.set(token, r);
      }
      return r;
    },
    asgMembers: (asgKey) => shared.asgMembers.get(asgKey) ?? EMPTY,
    asgPartial: (asgKey) => shared.asgPartial.get(asgKey) ?? NO_POOLS,
    localAsgMembers: (asgKey) => shared.asgMembers.get(asgKey) ?? EMPTY,
    tagDisplay: (lower) => shared.tagNames.get(lower) ?? lower,
  };
}

/**
 * `ctx` for the traffic of one traffic class (`view`): at the local end an ASG holds the view's addresses exactly when
 * the view names it; elsewhere, and at the far end, membership is `ctx`'s. Its key is `ctx`'s plus the view's, so
 * rules naming ASGs compile once per view, and the others are shared with `ctx` (`baseKey`).
 */
export function withAsgView(ctx: AddressContext, view: AsgView): AddressContext {
  const members = new Map<string, AddrSet>();
  return {
    ...ctx,
    key: `${ctx.key}|asg:${view.key}`,
    baseKey: ctx.baseKey ?? ctx.key,
    localAsgMembers(asgKey) {
      let set = members.get(asgKey);
      if (!set) {
        const all = ctx.localAsgMembers(asgKey);
        set = view.asgKeys.has(asgKey) ? addrUnion(all, view.local) : addrSubtract(all, view.local);
        members.set(asgKey, set);
      }
      return set;
    },
  };
}

/** What a subnet's route table adds to `VirtualNetwork` (see RouteWidening). Tag-prefixed routes are left out. */
export function routeWidening(table: RouteTable): RouteWidening {
  const cidrs: string[] = [];
  const tags: string[] = [];
  const tagWords: string[] = [];
  let defaultRoute: string | undefined;
  for (const route of table.routes) {
    const prefix = route.addressPrefix.trim();
    if (!parseCidr(prefix)) {
      if (/^[A-Za-z]/.test(prefix) && !["virtualnetwork", "internet"].includes(prefix.toLowerCase())) {
        tags.push(prefix);
        tagWords.push(`route ${route.name} in ${table.name} names service tag ${prefix}`);
      }
      continue;
    }
    cidrs.push(prefix);
    const hop = route.nextHopType.toLowerCase();
    if (prefix === "0.0.0.0/0" && (hop === "virtualappliance" || hop === "virtualnetworkgateway")) {
      defaultRoute = `route ${route.name} in ${table.name} sends 0.0.0.0/0 to ${route.nextHopType}${route.nextHopIpAddress ? ` ${route.nextHopIpAddress}` : ""}`;
    }
  }
  return { cidrs: cidrs.filter((c) => c !== "0.0.0.0/0"), ...(tags.length ? { tags, tagRoutes: tagWords.join("; ") } : {}), ...(defaultRoute ? { defaultRoute } : {}) };
}

/**
 * A service tag's addresses (`t` as written, not `VirtualNetwork` or `Internet`): its supplied prefixes; for a regional
 * variant the prefix file lacks, its base tag's; without prefixes, the tag as a symbolic region of its own.
 */
function resolveServiceTag(shared: SharedAddressData, t: string): ResolvedAddress {
  const lower = t.toLowerCase();
  if (!shared.tagNames.has(lower)) shared.tagNames.set(lower, t);
  const real = shared.tagPrefixes.get(lower);
  if (real) return { set: real, specificPublic: true, symbolicTag: false };
  // A regional variant missing from the prefix file: its base tag's prefixes hold it.
  const baseName = lower.includes(".") ? lower.slice(0, lower.indexOf(".")) : undefined;
  const base = baseName && !shared.synthesized.has(baseName) ? shared.tagPrefixes.get(baseName) : undefined;
  if (base) return { set: base, specificPublic: true, symbolicTag: false };
  return { set: symbolic(tagAtom(lower)), specificPublic: false, symbolicTag: true };
}
