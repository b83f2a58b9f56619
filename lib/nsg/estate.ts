// The evaluation-ready view of a snapshot: address contexts per VNet, compiled NSGs per
// (NSG, direction, VNet), and each subnet's endpoints. Built once per audit; everything is cached
// because thousands of subnets share a few NSGs.
import { type AddrSet, EMPTY, addrUnion, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import type { Direction, NetworkInterface, Nsg, Role, SecurityRule, Snapshot, Subnet } from "../model/types";
import { type CompiledRule, compileRule, isContextFree, orderedRules } from "./compile";
import {
  type AddressContext,
  type SharedAddressData,
  buildAddressContext,
  buildSharedAddressData,
  ipConfigAddresses,
  virtualNetworkPrefixes,
} from "./context";
import type { Level } from "./evaluate";

/** One place traffic starts or ends in a subnet: a NIC, or the subnet itself when it has none. */
export interface Endpoint {
  nic?: NetworkInterface;
  addresses: AddrSet;
}

interface CompiledNsg {
  Inbound: Map<string, CompiledRule[]>;
  Outbound: Map<string, CompiledRule[]>;
}

/**
 * Compiled rules by rule object, shared by an estate and every estate derived from it: an NSG shared
 * by subnets of many VNets compiles its VNet-independent rules once, and a fix that adds one rule to
 * an NSG recompiles only that rule.
 */
class RuleCache {
  private free = new WeakMap<SecurityRule, CompiledRule>();
  private perVnet = new WeakMap<SecurityRule, Map<string, CompiledRule>>();
  compile(nsg: Nsg, rule: SecurityRule, ctx: AddressContext): CompiledRule {
    const free = this.free.get(rule);
    if (free) return free;
    const known = this.perVnet.get(rule)?.get(ctx.vnetKey);
    if (known) return known;
    const compiled = compileRule(nsg, rule, ctx);
    if (isContextFree(rule)) this.free.set(rule, compiled);
    else {
      let byVnet = this.perVnet.get(rule);
      if (!byVnet) this.perVnet.set(rule, (byVnet = new Map()));
      byVnet.set(ctx.vnetKey, compiled);
    }
    return compiled;
  }
}

/**
 * NICs that share a NIC-level NSG (or have none) meet the same rules, so they are evaluated together
 * as one traffic class; their own addresses still tell them apart in the result.
 */
export interface EndpointGroup {
  nics: NetworkInterface[];
  nicNsgKey?: string;
  addresses: AddrSet;
  members: Endpoint[];
}

/**
 * What an estate and every estate derived from it by fixes share: fixes never touch NICs, ASGs,
 * VNets, prefixes or service tags, so address data, contexts, endpoints and compiled rules carry over.
 */
interface SharedCaches {
  address: SharedAddressData;
  roleKeys: Record<Role, string[]>;
  contexts: Map<string, AddressContext>;
  ruleCache: RuleCache;
  rolePrefixes: Map<Role, AddrSet>;
  endpoints: Map<string, Endpoint[]>;
  prefixes: Map<string, AddrSet>;
  groups: Map<string, EndpointGroup[]>;
}

export class Estate {
  private readonly caches: SharedCaches;
  private parent?: { estate: Estate; changedKeys: ReadonlySet<string> };
  // Per estate: what a fix can change.
  private flows = new Map<string, { touched: ReadonlySet<string> }>();
  private compiled = new Map<string, CompiledNsg>();
  private levels = new Map<string, Level | undefined>();

  constructor(
    readonly snapshot: Snapshot,
    readonly roles: ReadonlyMap<string, Role>,
    caches?: SharedCaches,
  ) {
    if (caches) {
      this.caches = caches;
      return;
    }
    const roleKeys: Record<Role, string[]> = { cyclecloud: [], cluster: [], returnProxy: [] };
    for (const [key, role] of roles) if (snapshot.subnets.has(key)) roleKeys[role].push(key);
    this.caches = {
      address: buildSharedAddressData(snapshot),
      roleKeys,
      contexts: new Map(),
      ruleCache: new RuleCache(),
      rolePrefixes: new Map(),
      endpoints: new Map(),
      prefixes: new Map(),
      groups: new Map(),
    };
  }

  get shared(): SharedAddressData {
    return this.caches.address;
  }

  /** Every address of the subnets playing a role (fixes never change prefixes, so derived estates share it). */
  rolePrefixes(role: Role): AddrSet {
    let set = this.caches.rolePrefixes.get(role);
    if (!set) {
      set = EMPTY;
      for (const s of this.subnetsIn(role)) set = addrUnion(set, this.subnetPrefixes(s));
      this.caches.rolePrefixes.set(role, set);
    }
    return set;
  }

  /** The subnets playing a role, as this estate's snapshot has them (a fix may have changed one). */
  subnetsIn(role: Role): Subnet[] {
    return this.caches.roleKeys[role].map((k) => this.snapshot.subnets.get(k)!);
  }

  /**
   * The same estate after a fix changed some NSGs or subnets: only changed NSGs recompile, and only
   * flows that read a changed NSG or subnet are evaluated again.
   */
  derive(snapshot: Snapshot, changedKeys: ReadonlySet<string>): Estate {
    const next = new Estate(snapshot, this.roles, this.caches);
    next.parent = { estate: this, changedKeys };
    return next;
  }

  context(subnet: Subnet): AddressContext {
    let ctx = this.caches.contexts.get(subnet.vnetKey);
    if (!ctx) {
      const vnet = this.snapshot.vnets.get(subnet.vnetKey);
      const prefixes = vnet ? virtualNetworkPrefixes(this.snapshot, vnet) : subnet.addressPrefixes;
      ctx = buildAddressContext(this.caches.address, subnet.vnetKey, prefixes);
      this.caches.contexts.set(subnet.vnetKey, ctx);
    }
    return ctx;
  }

  nsg(key: string | undefined): Nsg | undefined {
    return key ? this.snapshot.nsgs.get(key) : undefined;
  }

  compiledNsg(nsg: Nsg, direction: Direction, subnet: Subnet): CompiledRule[] {
    // Nested maps keyed by the ids' own strings: this runs for every evaluation, and building a
    // composite key string each time would cost more than the lookup.
    let perNsg = this.compiled.get(nsg.key);
    if (!perNsg) this.compiled.set(nsg.key, (perNsg = { Inbound: new Map(), Outbound: new Map() }));
    let rules = perNsg[direction].get(subnet.vnetKey);
    if (rules) return rules;
    if (this.parent && !this.parent.changedKeys.has(nsg.key)) return this.parent.estate.compiledNsg(nsg, direction, subnet);
    const ctx = this.context(subnet);
    rules = orderedRules(nsg, direction).map((rule) => this.caches.ruleCache.compile(nsg, rule, ctx));
    perNsg[direction].set(subnet.vnetKey, rules);
    return rules;
  }

  /** The keys of the NSGs and subnets changed since the estate this one was derived from. */
  get changedKeys(): ReadonlySet<string> {
    return this.parent?.changedKeys ?? new Set();
  }

  /** A flow result by key, from this estate or, when nothing it read has changed since, its parent's. */
  cachedFlow<T extends { touched: ReadonlySet<string> }>(key: string, evaluate: () => T): T {
    let hit = this.flows.get(key) as T | undefined;
    if (!hit && this.parent) {
      const inherited = this.parent.estate.flows.get(key) as T | undefined;
      if (inherited && ![...inherited.touched].some((k) => this.parent!.changedKeys.has(k))) hit = inherited;
    }
    if (!hit) hit = evaluate();
    // Reuse happens within one subnet's checks (a check, then its fix plan); keeping every result of
    // a 10,000-subnet audit alive would only make each garbage collection copy it.
    if (this.flows.size >= 64) this.flows.clear();
    this.flows.set(key, hit);
    return hit;
  }

  subnetLevel(subnet: Subnet, direction: Direction): Level | undefined {
    const k = `${direction}|${subnet.key}`;
    if (this.levels.has(k)) return this.levels.get(k);
    const nsg = this.nsg(subnet.nsgKey);
    const level: Level | undefined = nsg ? { kind: "subnet", nsg, rules: this.compiledNsg(nsg, direction, subnet) } : undefined;
    this.levels.set(k, level);
    return level;
  }

  nicLevel(nicNsgKey: string | undefined, subnet: Subnet, direction: Direction): Level | undefined {
    const nsg = this.nsg(nicNsgKey);
    return nsg ? { kind: "nic", nsg, rules: this.compiledNsg(nsg, direction, subnet) } : undefined;
  }

  subnetPrefixes(subnet: Subnet): AddrSet {
    let set = this.caches.prefixes.get(subnet.key);
    if (!set) {
      const r = cidrsToRanges(subnet.addressPrefixes);
      set = concrete(r.v4, r.v6);
      this.caches.prefixes.set(subnet.key, set);
    }
    return set;
  }

  /** The traffic class of a subnet is that of every NIC in it; a subnet with no NIC stands for itself. */
  endpoints(subnet: Subnet): Endpoint[] {
    let eps = this.caches.endpoints.get(subnet.key);
    if (!eps) {
      eps = [];
      for (const nicKey of subnet.nicKeys) {
        const nic = this.snapshot.nics.get(nicKey);
        if (!nic) continue;
        let addresses = EMPTY;
        for (const ipc of nic.ipConfigurations) {
          if (ipc.subnetKey === subnet.key) addresses = addrUnion(addresses, ipConfigAddresses(this.snapshot, ipc.privateIpAddress, ipc.subnetKey));
        }
        eps.push({ nic, addresses });
      }
      if (eps.length === 0) eps.push({ addresses: this.subnetPrefixes(subnet) });
      this.caches.endpoints.set(subnet.key, eps);
    }
    return eps;
  }

  endpointGroups(subnet: Subnet): EndpointGroup[] {
    let groups = this.caches.groups.get(subnet.key);
    if (!groups) {
      const byNsg = new Map<string, EndpointGroup>();
      for (const ep of this.endpoints(subnet)) {
        const k = ep.nic?.nsgKey ?? "";
        let g = byNsg.get(k);
        if (!g) byNsg.set(k, (g = { nics: [], nicNsgKey: ep.nic?.nsgKey, addresses: EMPTY, members: [] }));
        if (ep.nic) g.nics.push(ep.nic);
        g.addresses = addrUnion(g.addresses, ep.addresses);
        g.members.push(ep);
      }
      groups = [...byNsg.values()];
      this.caches.groups.set(subnet.key, groups);
    }
    return groups;
  }

  /** Whether two subnets can reach each other at all: same VNet, or a connected peering allowing VNet access. */
  connected(a: Subnet, b: Subnet): boolean {
    if (a.vnetKey === b.vnetKey) return true;
    const va = this.snapshot.vnets.get(a.vnetKey);
    const vb = this.snapshot.vnets.get(b.vnetKey);
    const peered = (from: typeof va, to: string) =>
      !!from?.peerings.some(
        (p) => p.remoteVnetKey === to && p.allowVirtualNetworkAccess && (!p.peeringState || p.peeringState.toLowerCase() === "connected"),
      );
    // Without the VNet resources we cannot see peerings; do not claim a missing route.
    if (!va || !vb) return true;
    return peered(va, b.vnetKey) && peered(vb, a.vnetKey);
  }
}
