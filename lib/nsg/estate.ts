// The evaluation-ready view of a snapshot: address contexts per VNet, compiled NSGs per
// (NSG, direction, VNet), and each subnet's endpoints. Built once per audit; everything is cached
// because thousands of subnets share a few NSGs.
import { type AddrSet, EMPTY, addrIsEmpty, addrSubtract, addrUnionAll, concrete } from "../net/addr-set";
import * as iv from "../net/intervals";
import { pushTo } from "../collections";
import { cidrsToRanges } from "../net/ip";
import { missingNicKeys } from "../snapshot/gaps";
import type { Direction, NetworkInterface, Nsg, ProxySetting, Role, RouteTable, ScaleSet, ScaleSetIpConfiguration, SecurityRule, Snapshot, Subnet } from "../model/types";
import { type CompiledRule, compileRule, isContextFree, namesAsg, orderedRules } from "./compile";
import {
  type AddressContext,
  type AsgView,
  type RouteWidening,
  type ScaleSetPool,
  type SharedAddressData,
  buildAddressContext,
  buildSharedAddressData,
  ipConfigAddresses,
  routeWidening,
  virtualNetworkPrefixes,
  withAsgView,
} from "./context";
import type { Level } from "./evaluate";
import { type HubLearnedRoute, hubLearnedRoutes } from "../path/virtual-hub";
import { bgpLearnedPrefixes } from "../path/routes";
import { connectedGroupPrefixes } from "../path/connected-groups";
import { SINGLE_DEPLOYMENT } from "../snapshot/parse-profile";
import { type SecondaryNic, secondaryConfiguration, secondaryNic } from "./secondary-nic";

/**
 * One place traffic starts or ends in a subnet: a NIC, a scale set's network profile (the NIC level of
 * every instance, running or not: CycleCloud node arrays scale to zero), a NIC the subnet names but the
 * input lacks, or the subnet itself when it has none of these.
 */
export interface Endpoint {
  /** The NIC; for a scale set's profile a stand-in whose id is the scale set's and whose `nsgKey` is the profile's. */
  nic?: NetworkInterface;
  scaleSet?: ScaleSet;
  /** Set when the subnet's `ipConfigurations` name this NIC and the input does not hold it: its NSG is unknown. */
  missingNic?: string;
  addresses: AddrSet;
  /**
   * What decides the outbound path at this endpoint (CONTRACT §4.1 stage 4), when `sources` is not set. With
   * `sources` set these are the NIC's as a whole (every pool of any IP configuration, the first public IP), for words only.
   */
  publicIpKey?: string;
  hasPublicIp?: boolean;
  lbBackendPoolKeys: string[];
  /**
   * Set when the endpoint's IP configurations differ in what decides their outbound path (a dual-stack NIC whose IPv4
   * IP configuration alone is in a backend pool, or alone has a public IP): the addresses of `addresses` split by it.
   * A packet's outbound method is that of the IP configuration holding its source address. A NIC's sources are
   * disjoint; a scale set's may overlap (its IP configurations of one version all stand for the same prefixes, the
   * instances' addresses being unknown), and then each source's outcome holds for those addresses in part.
   */
  sources?: OutboundSource[];
  /**
   * Set on the stand-in for a subnet whose only occupants in the input are private endpoints (which send nothing and
   * receive at their own addresses): it stands for the subnet's traffic class, but no machine of the input holds its
   * other addresses, so a flow narrowed to one of them (a proxy's address) is not vouched for (lib/nsg/flow.ts).
   */
  privateEndpointsOnly?: boolean;
  /** A scale set's endpoint: the ASGs of its IP configurations (`applicationSecurityGroups`); on each of `asgParts`, that part's. */
  asgKeys?: string[];
  /**
   * A scale set's endpoint whose IP configurations differ in ASGs: one part per set of ASGs, each with those IP
   * configurations alone (their addresses and outbound facts). The NSGs judge each part's traffic as its ASGs' (AsgView).
   */
  asgParts?: Endpoint[];
  /**
   * Set when the machine holds the subnet only through a NIC that is not its primary one (or that the input does not
   * show to be): its traffic to addresses outside the subnet leaves by the primary NIC unless the guest OS routes it
   * otherwise (lib/nsg/secondary-nic.ts).
   */
  secondary?: SecondaryNic;
}

/**
 * Some of an endpoint's addresses with what decides their outbound path: one IP configuration's, or several IP
 * configurations' that share it. A load balancer's backend pool holds IP configurations, and its outbound rule (or a
 * load-balancing rule's SNAT) translates traffic from those IP configurations' addresses only; an instance-level
 * public IP serves its own IP configuration's address, in its own address family.
 * https://learn.microsoft.com/azure/load-balancer/outbound-rules
 * https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
 */
export interface OutboundSource {
  addresses: AddrSet;
  publicIpKey?: string;
  hasPublicIp?: boolean;
  lbBackendPoolKeys: string[];
  /** The IP configurations these addresses belong to, named in details when the endpoint is split. */
  ipConfigNames?: string[];
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
    // A traffic class's view (AsgView) changes only what rules naming ASGs match: the others share its base context's.
    const key = namesAsg(rule) ? ctx.key : (ctx.baseKey ?? ctx.key);
    const known = this.perVnet.get(rule)?.get(key);
    if (known) return known;
    const compiled = compileRule(nsg, rule, ctx);
    if (isContextFree(rule)) this.free.set(rule, compiled);
    else {
      let byVnet = this.perVnet.get(rule);
      if (!byVnet) this.perVnet.set(rule, (byVnet = new Map()));
      byVnet.set(key, compiled);
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
  /** A NIC the subnet names but the input lacks: the group's NIC level cannot be judged. */
  missingNic?: string;
  /** Scale-set IP configurations sharing ASGs in a subnet where scale sets carry ASGs: their ASG membership for the NSGs. */
  asgView?: AsgView;
  /** Its members hold the subnet through non-primary NICs (each member's `secondary`): a group of their own. */
  secondary?: SecondaryNic[];
}

/**
 * What an estate and every estate derived from it by fixes share: fixes never touch NICs, ASGs,
 * VNets, prefixes or service tags, so address data, contexts, endpoints and compiled rules carry over.
 */
/**
 * Which CycleCloud deployment each role subnet belongs to, and the CycleCloud servers and proxies the
 * profile names (CONTRACT §1.2). Flows between roles are checked only within a deployment.
 */
export interface Placement {
  /** Deployment name by subnet key (every subnet with a role has one). */
  deploymentOf: ReadonlyMap<string, string>;
  /** The CycleCloud server's endpoints, by the key of the subnet holding it. */
  servers: ReadonlyMap<string, Endpoint[]>;
  /** The HTTPS proxy of each deployment that names one. */
  proxies: ReadonlyMap<string, ProxySetting>;
  /** The storage account (an id or name, as the profile gives it) of each deployment that names one. */
  storageAccounts?: ReadonlyMap<string, string>;
}

// Defined beside the profile parser, which the browser runs too (lib/snapshot/parse-profile.ts).
export { SINGLE_DEPLOYMENT };

interface SharedCaches {
  address: SharedAddressData;
  placement: Placement;
  /** Subnet keys per role, per deployment. */
  roleKeys: Map<string, Record<Role, string[]>>;
  contexts: Map<string, AddressContext>;
  tableContexts: WeakMap<RouteTable, Map<string, AddressContext>>;
  contextSeq: number;
  ruleCache: RuleCache;
  rolePrefixes: Map<string, AddrSet>;
  endpoints: Map<string, Endpoint[]>;
  prefixes: Map<string, AddrSet>;
  groups: Map<string, EndpointGroup[]>;
  /** Scale sets by the subnet keys their network profiles place instances in; built on first use. */
  scaleSetsBySubnet?: Map<string, ScaleSet[]>;
}

export class Estate {
  private readonly caches: SharedCaches;
  private parent?: { estate: Estate; changedKeys: ReadonlySet<string> };
  // Per estate: what a fix can change.
  private flows = new Map<string, { touched: ReadonlySet<string> }>();
  private pinned = new Map<string, { touched: ReadonlySet<string> }>();
  private compiled = new Map<string, CompiledNsg>();
  private levels = new Map<string, Level | undefined>();
  private memos = new Map<string, { value: unknown }>();
  private locals = new Map<string, unknown>();

  constructor(
    readonly snapshot: Snapshot,
    readonly roles: ReadonlyMap<string, Role>,
    placement?: Placement,
    caches?: SharedCaches,
  ) {
    if (caches) {
      this.caches = caches;
      return;
    }
    const place: Placement = placement ?? { deploymentOf: new Map(), servers: new Map(), proxies: new Map() };
    const roleKeys = new Map<string, Record<Role, string[]>>();
    for (const [key, role] of roles) {
      if (!snapshot.subnets.has(key)) continue;
      const d = place.deploymentOf.get(key) ?? SINGLE_DEPLOYMENT;
      let keys = roleKeys.get(d);
      if (!keys) roleKeys.set(d, (keys = { cyclecloud: [], cluster: [], returnProxy: [] }));
      keys[role].push(key);
    }
    this.caches = {
      address: buildSharedAddressData(snapshot, this.scaleSetPools(snapshot)),
      placement: place,
      roleKeys,
      contexts: new Map(),
      tableContexts: new WeakMap(),
      contextSeq: 0,
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

  get placement(): Placement {
    return this.caches.placement;
  }

  /** The deployment a role subnet belongs to. */
  deploymentOf(subnet: Subnet): string {
    return this.caches.placement.deploymentOf.get(subnet.key) ?? SINGLE_DEPLOYMENT;
  }

  /**
   * Every address of a deployment's subnets playing a role, or of the CycleCloud servers when the
   * profile names them (fixes never change prefixes, so derived estates share it).
   */
  rolePrefixes(role: Role, deployment = SINGLE_DEPLOYMENT): AddrSet {
    const k = `${deployment}|${role}`;
    let set = this.caches.rolePrefixes.get(k);
    if (!set) {
      set = addrUnionAll(this.subnetsIn(role, deployment).map((s) => this.roleAddresses(s)));
      this.caches.rolePrefixes.set(k, set);
    }
    return set;
  }

  /** What a role subnet stands for in flows: the CycleCloud server's addresses when named, else its prefixes. */
  roleAddresses(subnet: Subnet): AddrSet {
    const server = this.caches.placement.servers.get(subnet.key);
    return server ? addrUnionAll(server.map((e) => e.addresses)) : this.subnetPrefixes(subnet);
  }

  /** The subnets of a deployment playing a role, as this estate's snapshot has them (a fix may have changed one). */
  subnetsIn(role: Role, deployment = SINGLE_DEPLOYMENT): Subnet[] {
    return (this.caches.roleKeys.get(deployment)?.[role] ?? []).map((k) => this.snapshot.subnets.get(k)!);
  }

  /** The deployments that have a subnet in some role. */
  get deployments(): string[] {
    return [...this.caches.roleKeys.keys()];
  }

  /**
   * The same estate after a fix changed some NSGs or subnets: only changed NSGs recompile, and only
   * flows that read a changed NSG or subnet are evaluated again.
   */
  derive(snapshot: Snapshot, changedKeys: ReadonlySet<string>): Estate {
    const next = new Estate(snapshot, this.roles, undefined, this.caches);
    next.parent = { estate: this, changedKeys };
    return next;
  }

  /**
   * The address context of NSGs evaluated in this subnet: per VNet, and per route table, because the
   * table's routes widen `VirtualNetwork` (CONTRACT §4.1 stage 2). Keyed by the table object, so a fix
   * that changes a route table gets a fresh context.
   */
  context(subnet: Subnet, view?: AsgView): AddressContext {
    if (view) {
      // Remembered on the base context, which derived estates share while the subnet's route table stays.
      const base = this.context(subnet);
      let views = asgViews.get(base);
      if (!views) asgViews.set(base, (views = new Map()));
      let ctx = views.get(view.key);
      if (!ctx) views.set(view.key, (ctx = withAsgView(base, view)));
      return ctx;
    }
    const table = subnet.routeTableKey ? this.snapshot.routeTables.get(subnet.routeTableKey) : undefined;
    let byVnet = table ? this.caches.tableContexts.get(table) : this.caches.contexts;
    if (!byVnet) this.caches.tableContexts.set(table!, (byVnet = new Map()));
    let ctx = byVnet.get(subnet.vnetKey);
    if (!ctx) {
      const vnet = this.snapshot.vnets.get(subnet.vnetKey);
      // A connected group joins VNets as a peering would: their spaces are in each other's VirtualNetwork.
      const prefixes = vnet ? [...virtualNetworkPrefixes(this, vnet), ...connectedGroupPrefixes(this, vnet.key)] : subnet.addressPrefixes;
      // Without a route table `VirtualNetwork` still holds the platform's 168.63.129.16.
      const fromHubs = hubLearnedRoutes(this, subnet.vnetKey);
      // "All connected on-premises address spaces" are in VirtualNetwork too: the routes learned over BGP, as a NIC's
      // effective route table shows them (https://learn.microsoft.com/azure/virtual-network/service-tags-overview).
      const overBgp = table?.disableBgpRoutePropagation ? [] : bgpLearnedPrefixes(this, subnet.vnetKey);
      const widening = withLearnedRoutes(table ? routeWidening(table) : { cidrs: [] }, [...(table?.disableBgpRoutePropagation ? fromHubs.filter((r) => !r.learned) : fromHubs), ...overBgp]);
      ctx = buildAddressContext(this.caches.address, subnet.vnetKey, prefixes, widening, table ? `${subnet.vnetKey}|${table.key}|${++this.caches.contextSeq}` : subnet.vnetKey);
      byVnet.set(subnet.vnetKey, ctx);
    }
    return ctx;
  }

  /**
   * Path data that a fix may change (effective routes, firewall tables): per estate, so an estate derived
   * by a fix builds its own. `key` names what is cached.
   */
  memo<T>(key: string, build: () => T, deps?: readonly (string | undefined)[]): T {
    const own = this.memos.get(key);
    if (own) return own.value as T;
    // An estate derived by a fix reuses its parent's entry unless the fix changed what it depends on
    // (`deps`; no deps: data fixes never change, such as VNets, peerings and admin rules).
    if (this.parent && (!deps || !deps.some((d) => d !== undefined && this.parent!.changedKeys.has(d)))) {
      const value = this.parent.estate.memo(key, build, deps);
      this.memos.set(key, { value });
      return value;
    }
    const value = build();
    this.memos.set(key, { value });
    return value;
  }

  /**
   * A value of this estate alone, never inherited by estates derived from it: for front caches keyed by objects (a
   * subnet), whose misses fall back on `memo` and its rules of inheritance.
   */
  local<T>(key: string, build: () => T): T {
    if (this.locals.has(key)) return this.locals.get(key) as T;
    const value = build();
    this.locals.set(key, value);
    return value;
  }

  nsg(key: string | undefined): Nsg | undefined {
    return key ? this.snapshot.nsgs.get(key) : undefined;
  }

  /** `view`: the traffic class whose traffic the rules judge, where ASG membership depends on it (EndpointGroup.asgView). */
  compiledNsg(nsg: Nsg, direction: Direction, subnet: Subnet, view?: AsgView): CompiledRule[] {
    // Nested maps keyed by the ids' own strings: this runs for every evaluation, and building a
    // composite key string each time would cost more than the lookup.
    let perNsg = this.compiled.get(nsg.key);
    if (!perNsg) this.compiled.set(nsg.key, (perNsg = { Inbound: new Map(), Outbound: new Map() }));
    const ctx = this.context(subnet, view);
    let rules = perNsg[direction].get(ctx.key);
    if (rules) return rules;
    if (this.parent && !this.parent.changedKeys.has(nsg.key) && this.parent.estate.context(subnet, view) === ctx) return this.parent.estate.compiledNsg(nsg, direction, subnet, view);
    rules = orderedRules(nsg, direction).map((rule) => this.caches.ruleCache.compile(nsg, rule, ctx));
    perNsg[direction].set(ctx.key, rules);
    return rules;
  }

  /** The keys of the NSGs and subnets changed since the estate this one was derived from. */
  get changedKeys(): ReadonlySet<string> {
    return this.parent?.changedKeys ?? new Set();
  }

  /** A flow result by key, from this estate or, when nothing it read has changed since, its parent's. */
  cachedFlow<T extends { touched: ReadonlySet<string> }>(key: string, evaluate: () => T): T {
    const pin = key.includes("|subnet:");
    let hit = (pin ? this.pinned.get(key) : this.flows.get(key)) as T | undefined;
    if (!hit && this.parent) {
      const from = this.parent.estate;
      const inherited = (pin ? from.pinned.get(key) : from.flows.get(key)) as T | undefined;
      if (inherited && ![...inherited.touched].some((k) => this.parent!.changedKeys.has(k))) hit = inherited;
    }
    if (!hit) hit = evaluate();
    if (pin) {
      // A peer's side of a subnet flow ("subnet:" keys) is read again by every re-verification of that
      // flow's finding; keeping these (one per peer) makes a re-run cost the peers a fix changed, not all.
      this.pinned.set(key, hit);
      return hit;
    }
    // Other reuse happens within one subnet's checks (a check, then its fix plan); keeping every result
    // of a 10,000-subnet audit alive would only make each garbage collection copy it.
    if (this.flows.size >= 64) this.flows.clear();
    this.flows.set(key, hit);
    return hit;
  }

  /**
   * Lets go of what evaluating flows built once no fix will be verified against this estate: the flow results kept
   * for re-verification (a peer's side of every subnet flow, ~70 MB on a 10,000-subnet audit) and the compiled NSG
   * rules and levels (~65 MB there, shared with the estates derived from this one). Routes, next hops and other
   * memos stay: the report's subnet facts read them. Anything asked later is built afresh, with the same answer.
   */
  releaseEvaluation(): void {
    this.flows.clear();
    this.pinned.clear();
    this.compiled.clear();
    this.levels.clear();
    this.caches.ruleCache = new RuleCache();
  }

  /** The subnet's NSG, compiled for `view`'s traffic when given (EndpointGroup.asgView). */
  subnetLevel(subnet: Subnet, direction: Direction, view?: AsgView): Level | undefined {
    const k = `${direction}|${subnet.key}${view ? `|asg:${view.key}` : ""}`;
    if (this.levels.has(k)) return this.levels.get(k);
    const nsg = this.nsg(subnet.nsgKey);
    const level: Level | undefined = nsg ? { kind: "subnet", nsg, rules: this.compiledNsg(nsg, direction, subnet, view) } : undefined;
    this.levels.set(k, level);
    return level;
  }

  nicLevel(nicNsgKey: string | undefined, subnet: Subnet, direction: Direction, view?: AsgView): Level | undefined {
    const nsg = this.nsg(nicNsgKey);
    return nsg ? { kind: "nic", nsg, rules: this.compiledNsg(nsg, direction, subnet, view) } : undefined;
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

  /**
   * The traffic class of a subnet is that of every NIC in it and of every scale set placing instances
   * in it (CONTRACT §4.2); a subnet with none stands for itself. When the profile names the CycleCloud
   * server, its subnet's traffic class is the server alone (`servers`).
   */
  endpoints(subnet: Subnet): Endpoint[] {
    let eps = this.caches.endpoints.get(subnet.key);
    if (!eps) {
      eps = this.caches.placement.servers.get(subnet.key) ?? this.subnetEndpoints(subnet);
      this.caches.endpoints.set(subnet.key, eps);
    }
    return eps;
  }

  private subnetEndpoints(subnet: Subnet): Endpoint[] {
    const eps: Endpoint[] = [];
    const prefixes = this.subnetPrefixes(subnet);
    for (const nicKey of subnet.nicKeys) {
      const nic = this.snapshot.nics.get(nicKey);
      // A private endpoint's NIC only receives: it is no source of the subnet's traffic.
      if (nic && !nic.privateEndpointKey) eps.push(nicEndpoint(this.snapshot, nic, subnet.key));
    }
    const scaleSets = this.scaleSetsIn(subnet);
    // An instance never holds an address a NIC of the input holds: the scale sets stand for the rest of the subnet.
    const free = scaleSets.length ? this.freeAddresses(subnet) : prefixes;
    for (const vmss of scaleSets) {
      for (const config of vmss.nicConfigurations) {
        const ipcs = config.ipConfigurations.filter((ipc) => ipc.subnetKey === subnet.key);
        if (!ipcs.length) continue;
        const stand: NetworkInterface = { id: vmss.id, key: vmss.key, name: `${vmss.name} (scale set model, NIC ${config.name})`, resourceGroup: vmss.resourceGroup, subscriptionId: vmss.subscriptionId, ipConfigurations: [], scaleSetKey: vmss.key, ...(config.nsgKey ? { nsgKey: config.nsgKey } : {}), ...(config.dnsServers ? { dnsServers: config.dnsServers } : {}) };
        const ep = scaleSetEndpoint(stand, vmss, ipcs, free);
        // An IP configuration of a version the subnet has no prefix of gets no address: it stands for nothing here.
        if (addrIsEmpty(ep.addresses)) continue;
        const secondary = secondaryConfiguration(this.snapshot, vmss, config, subnet.key);
        if (secondary) ep.secondary = secondary;
        const byAsgs = new Map<string, ScaleSetIpConfiguration[]>();
        for (const ipc of ipcs) pushTo(byAsgs, asgSetKey(ipc.asgKeys), ipc);
        if (byAsgs.size === 1) {
          if (ipcs[0].asgKeys.length) ep.asgKeys = [...new Set(ipcs[0].asgKeys)];
        } else {
          // Each part keeps the NIC's pools and public IPs as a whole: a pool of any IP configuration turns default outbound access off for all of them.
          ep.asgParts = [...byAsgs.values()].map((part) => ({ ...scaleSetEndpoint(stand, vmss, part, free, ipcs), asgKeys: [...new Set(part[0].asgKeys)], ...(secondary ? { secondary } : {}) })).filter((part) => !addrIsEmpty(part.addresses));
        }
        eps.push(ep);
      }
    }
    for (const nicKey of missingNicKeys(this.snapshot, subnet)) eps.push({ missingNic: nicKey, addresses: prefixes, lbBackendPoolKeys: [] });
    if (eps.length === 0) eps.push({ addresses: prefixes, lbBackendPoolKeys: [], ...(this.holdsPrivateEndpoints(subnet) ? { privateEndpointsOnly: true } : {}) });
    return eps;
  }

  /** Whether the input places a private endpoint in the subnet: its NIC there, the subnet's back-reference, or the endpoint's `subnet`. */
  private holdsPrivateEndpoints(subnet: Subnet): boolean {
    if (subnet.privateEndpointKeys.length || subnet.nicKeys.some((k) => this.snapshot.nics.get(k)?.privateEndpointKey)) return true;
    // Indexed once (fixes never change private endpoints): a scan per subnet would cost subnets × endpoints.
    const subnets = this.memo("private-endpoint-subnets", () => new Set([...this.snapshot.privateEndpoints.values()].map((pe) => pe.subnetKey).filter(Boolean)));
    return subnets.has(subnet.key);
  }

  /**
   * The subnet's `prefixes` less every address the input shows held there: its NICs' private IPs (private endpoints'
   * NICs among them) and its private endpoints' own listed addresses. Azure gives each address of a subnet to one IP
   * configuration, so a scale set's instances (whose addresses are not in ARM) hold only the rest. One subtraction
   * per subnet. Should the input leave nothing (it cannot: Azure reserves five addresses of every subnet), the prefixes.
   * https://learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses
   * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
   */
  private freeAddresses(subnet: Subnet): AddrSet {
    // Once per subnet (fixes never change NICs or private endpoints): the endpoints and the scale-set ASG pools both ask.
    return this.memo(`free-addresses|${subnet.key}`, () => {
      const r = cidrsToRanges(subnet.addressPrefixes);
      return this.addressesNotHeld(subnet, concrete(r.v4, r.v6));
    });
  }

  private addressesNotHeld(subnet: Subnet, prefixes: AddrSet): AddrSet {
    const held: string[] = [];
    for (const nicKey of subnet.nicKeys)
      for (const ipc of this.snapshot.nics.get(nicKey)?.ipConfigurations ?? []) if (ipc.subnetKey === subnet.key && ipc.privateIpAddress) held.push(ipc.privateIpAddress);
    // Indexed once (fixes never change private endpoints): a scan per subnet would cost subnets × endpoints.
    const bySubnet = this.memo("private-endpoint-addresses-by-subnet", () => {
      const m = new Map<string, string[]>();
      for (const pe of this.snapshot.privateEndpoints.values()) if (pe.subnetKey && pe.ipAddresses?.length) m.set(pe.subnetKey, [...(m.get(pe.subnetKey) ?? []), ...pe.ipAddresses]);
      return m;
    });
    held.push(...(bySubnet.get(subnet.key) ?? []));
    if (!held.length) return prefixes;
    const r = cidrsToRanges(held);
    const rest = addrSubtract(prefixes, concrete(r.v4, r.v6));
    return addrIsEmpty(rest) ? prefixes : rest;
  }

  /**
   * The scale-set IP configurations taking addresses from each subnet's free addresses (`addressesNotHeld`) of each
   * family, where any of them carries an ASG (ScaleSetPool): every IP configuration of that family in the subnet, with
   * or without ASGs, since instances of any of them may hold any of those addresses. Computed once, before the shared
   * address data it goes into.
   */
  private scaleSetPools(snapshot: Snapshot): ScaleSetPool[] {
    const bySubnet = new Map<string, { subnet: Subnet; family: 4 | 6; ipConfigurations: ScaleSetPool["ipConfigurations"] }>();
    for (const vmss of snapshot.scaleSets?.values() ?? []) {
      for (const config of vmss.nicConfigurations) {
        for (const ipc of config.ipConfigurations) {
          const subnet = ipc.subnetKey ? snapshot.subnets.get(ipc.subnetKey) : undefined;
          if (!subnet) continue;
          const family = familyOf(ipc.privateIpAddressVersion ?? "IPv4");
          const k = `${subnet.key}|${family}`;
          let pool = bySubnet.get(k);
          if (!pool) bySubnet.set(k, (pool = { subnet, family, ipConfigurations: [] }));
          pool.ipConfigurations.push({ scaleSet: vmss.name, name: ipc.name, asgKeys: ipc.asgKeys });
        }
      }
    }
    const out: ScaleSetPool[] = [];
    for (const { subnet, family, ipConfigurations } of bySubnet.values()) {
      if (!ipConfigurations.some((i) => i.asgKeys.length)) continue;
      out.push({ subnet: `${subnet.vnetName}/${subnet.name}`, family, addresses: inFamily(this.freeAddresses(subnet), family), ipConfigurations });
    }
    return out;
  }

  /**
   * The scale sets whose network profile places instances in the subnet, in input order. Indexed once per
   * audit (fixes never change scale sets): a scan per subnet would cost subnets × scale sets.
   */
  scaleSetsIn(subnet: Subnet): ScaleSet[] {
    let index = this.caches.scaleSetsBySubnet;
    if (!index) {
      index = new Map();
      for (const vmss of this.snapshot.scaleSets?.values() ?? []) {
        const keys = new Set(vmss.nicConfigurations.flatMap((c) => c.ipConfigurations.map((i) => i.subnetKey)));
        for (const k of keys) if (k) pushTo(index, k, vmss);
      }
      this.caches.scaleSetsBySubnet = index;
    }
    return index.get(subnet.key) ?? [];
  }

  /**
   * The subnet's endpoints grouped by what the NSGs see of them: the NIC-level NSG, and where scale sets in the subnet
   * carry ASGs, a scale set's ASGs too (its IP configurations' addresses overlap other holders', so only the traffic
   * class tells whether an ASG holds them: `asgView`). A scale set's endpoint whose IP configurations differ in ASGs
   * is grouped by parts (`asgParts`).
   */
  endpointGroups(subnet: Subnet): EndpointGroup[] {
    let groups = this.caches.groups.get(subnet.key);
    if (!groups) {
      const byNsg = new Map<string, EndpointGroup>();
      /** The groups whose traffic the NSGs judge as their ASGs' (AsgView), by group key. */
      const viewed = new Set<string>();
      const eps = this.endpoints(subnet).flatMap((ep) => ep.asgParts ?? [ep]);
      const views = eps.some((ep) => ep.scaleSet && ep.asgKeys?.length);
      for (const ep of eps) {
        const view = views && !!ep.scaleSet;
        // Machines in the subnet through a non-primary NIC send elsewhere by another NIC: never one class with the rest.
        const k = ep.missingNic ? `missing|${ep.missingNic}` : `${ep.nic?.nsgKey ?? ""}${view ? `|asg:${asgSetKey(ep.asgKeys ?? [])}` : ""}${ep.secondary ? "|secondary" : ""}`;
        let g = byNsg.get(k);
        if (!g) byNsg.set(k, (g = { nics: [], nicNsgKey: ep.nic?.nsgKey, addresses: EMPTY, members: [], ...(ep.missingNic ? { missingNic: ep.missingNic } : {}) }));
        if (ep.secondary) (g.secondary ??= []).push(ep.secondary);
        if (view && !ep.missingNic) viewed.add(k);
        // Each part of a scale set that differs in ASGs goes to a group of its own, with the scale set's stand-in NIC.
        if (ep.nic) g.nics.push(ep.nic);
        g.members.push(ep);
      }
      // United once per group (O(n log n)): one union per NIC made 80,000 NICs in a subnet take 39 s.
      for (const [k, g] of byNsg) {
        g.addresses = addrUnionAll(g.members.map((m) => m.addresses));
        if (viewed.has(k)) g.asgView = { key: `${subnet.key}|${k}`, local: g.addresses, asgKeys: new Set(g.members[0].asgKeys ?? []) };
      }
      groups = [...byNsg.values()];
      this.caches.groups.set(subnet.key, groups);
    }
    return groups;
  }
}

/** A NIC's endpoint in one subnet: its addresses there and what decides the outbound path of each (`sources`). */
export function nicEndpoint(snapshot: Snapshot, nic: NetworkInterface, subnetKey: string): Endpoint {
  const ipcs = nic.ipConfigurations.filter((ipc) => ipc.subnetKey === subnetKey);
  const secondary = secondaryNic(snapshot, nic, subnetKey);
  // Almost every NIC: no public IP and the same pools on every IP configuration, so nothing to split (20,000 NICs).
  const pools = (ipc: (typeof ipcs)[number]) => (ipc.lbBackendPoolKeys ?? []).join(",");
  if (ipcs.every((ipc) => !ipc.publicIpKey && pools(ipc) === pools(ipcs[0]))) {
    return { nic, addresses: addrUnionAll(ipcs.map((ipc) => ipcAddresses(snapshot, ipc))), lbBackendPoolKeys: ipcs.flatMap((ipc) => ipc.lbBackendPoolKeys ?? []), ...(secondary ? { secondary } : {}) };
  }
  const own = ipcs.map((ipc) => {
    const addresses = ipcAddresses(snapshot, ipc);
    // Azure pairs an IP configuration's public IP with its own version; the public IP's `publicIPAddressVersion` says which.
    const family = !ipc.publicIpKey ? undefined : familyOf(snapshot.publicIps?.get(ipc.publicIpKey)?.version ?? ipc.privateIpAddressVersion ?? (addresses.v4.length || !addresses.v6.length ? "IPv4" : "IPv6"));
    return { names: [ipc.name], addresses, publicIpKey: ipc.publicIpKey, family, lbBackendPoolKeys: ipc.lbBackendPoolKeys ?? [] };
  });
  const addresses = addrUnionAll(own.map((o) => o.addresses));
  const publicIpKey = ipcs.find((ipc) => ipc.publicIpKey)?.publicIpKey;
  const endpoint: Endpoint = { nic, addresses, lbBackendPoolKeys: ipcs.flatMap((ipc) => ipc.lbBackendPoolKeys ?? []), ...(publicIpKey ? { publicIpKey, hasPublicIp: true } : {}), ...(secondary ? { secondary } : {}) };
  withSources(endpoint, own);
  return endpoint;
}

/** An IP configuration's addresses: its own, or without one the input shows, the subnet's prefixes of its version when given. */
function ipcAddresses(snapshot: Snapshot, ipc: NetworkInterface["ipConfigurations"][number]): AddrSet {
  const all = ipConfigAddresses(snapshot, ipc.privateIpAddress, ipc.subnetKey);
  return ipc.privateIpAddress || !ipc.privateIpAddressVersion ? all : inFamily(all, familyOf(ipc.privateIpAddressVersion));
}

const familyOf = (version: string): 4 | 6 => (version === "IPv6" ? 6 : 4);
const asgSetKey = (keys: readonly string[]) => [...new Set(keys)].sort().join(",");
/** Views by view key, per base address context (Estate.context). */
const asgViews = new WeakMap<AddressContext, Map<string, AddressContext>>();
const inFamily = (a: AddrSet, family: 4 | 6): AddrSet => (family === 4 ? concrete(a.v4) : concrete([], a.v6));
const factsKey = (s: { publicIpKey?: string; hasPublicIp?: boolean; lbBackendPoolKeys: string[] }) => `${s.hasPublicIp ? (s.publicIpKey ?? "*") : ""}|${[...new Set(s.lbBackendPoolKeys)].sort().join(",")}`;

/** Sets `endpoint.sources` from its IP configurations' facts (`own`), unless one source holding every address is the endpoint's own facts (almost every NIC). */
function withSources(endpoint: Endpoint, own: Parameters<typeof outboundSources>[0]): void {
  const sources = outboundSources(own);
  if (sources.length > 1 || (sources.length === 1 && !sameFacts(sources[0], endpoint))) endpoint.sources = sources;
}

function sameFacts(source: OutboundSource, endpoint: Endpoint): boolean {
  return factsKey(source) === factsKey(endpoint) && iv.equals(source.addresses.v4, endpoint.addresses.v4) && iv.equals(source.addresses.v6, endpoint.addresses.v6);
}

/**
 * IP configurations' addresses grouped by what decides their outbound path (public IP, backend pools). A public IP
 * serves only the addresses of its own family (`family`); the rest of its IP configuration's addresses go without it.
 */
function outboundSources(own: { names: string[]; addresses: AddrSet; publicIpKey?: string; hasPublicIp?: boolean; family?: 4 | 6; lbBackendPoolKeys: string[] }[]): OutboundSource[] {
  const byFacts = new Map<string, { addresses: AddrSet[]; source: OutboundSource }>();
  const add = (addresses: AddrSet, names: string[], pools: string[], publicIpKey?: string, hasPublicIp?: boolean) => {
    if (addrIsEmpty(addresses)) return;
    const facts = { lbBackendPoolKeys: pools, ...(hasPublicIp ? { hasPublicIp, ...(publicIpKey ? { publicIpKey } : {}) } : {}) };
    const k = factsKey(facts);
    let slot = byFacts.get(k);
    if (!slot) byFacts.set(k, (slot = { addresses: [], source: { addresses: EMPTY, ...facts, lbBackendPoolKeys: [...new Set(pools)], ipConfigNames: [] } }));
    slot.addresses.push(addresses);
    for (const name of names) if (!slot.source.ipConfigNames!.includes(name)) slot.source.ipConfigNames!.push(name);
  };
  for (const o of own) {
    const hasPublicIp = o.hasPublicIp ?? !!o.publicIpKey;
    if (!hasPublicIp || !o.family) {
      add(o.addresses, o.names, o.lbBackendPoolKeys);
      continue;
    }
    add(inFamily(o.addresses, o.family), o.names, o.lbBackendPoolKeys, o.publicIpKey, true);
    add(inFamily(o.addresses, o.family === 4 ? 6 : 4), o.names, o.lbBackendPoolKeys);
  }
  return [...byFacts.values()].map(({ addresses, source }) => ({ ...source, addresses: addrUnionAll(addresses) }));
}

/**
 * A scale set's network profile in one subnet. The instances' addresses are not in the model, so an IP configuration
 * stands for the subnet's prefixes of its version (`privateIPAddressVersion`, Azure's default IPv4). A version no IP
 * configuration names is no address of the instances (an instance gets an IPv6 address only through an IPv6 IP
 * configuration, so an IPv4-only scale set in a dual-stack subnet holds none of its IPv6 prefix). Several IP configurations of one version each stand for the same
 * prefixes, since any address there may be any of theirs: where their outbound facts differ, the endpoint's `sources`
 * overlap, each is judged, and the traffic from those prefixes goes out only in part (as a NIC's split by address
 * does), never taking the best IP configuration's way out for all of them.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-networking
 * https://learn.microsoft.com/azure/virtual-network/ip-services/ipv6-overview
 * https://learn.microsoft.com/azure/load-balancer/outbound-rules
 */
function scaleSetEndpoint(stand: NetworkInterface, vmss: ScaleSet, ipcs: ScaleSetIpConfiguration[], prefixes: AddrSet, nicIpcs: ScaleSetIpConfiguration[] = ipcs): Endpoint {
  const families = new Set(ipcs.map((i) => familyOf(i.privateIpAddressVersion ?? "IPv4")));
  const held = addrUnionAll([...families].map((f) => inFamily(prefixes, f)));
  // The NIC's facts as a whole (`nicIpcs`: all its IP configurations in the subnet); `sources` are `ipcs`' own.
  const endpoint: Endpoint = { nic: stand, scaleSet: vmss, addresses: held, hasPublicIp: nicIpcs.some((i) => i.hasPublicIp), lbBackendPoolKeys: nicIpcs.flatMap((i) => i.lbBackendPoolKeys) };
  const own: Parameters<typeof outboundSources>[0] = [];
  for (const family of [4, 6] as const) {
    const addresses = inFamily(prefixes, family);
    if (addrIsEmpty(addresses)) continue;
    const mine = ipcs.filter((i) => familyOf(i.privateIpAddressVersion ?? "IPv4") === family);
    // Each IP configuration on its own, over the same addresses: outboundSources merges those whose facts agree, so
    // only differing ones overlap (the outbound stage then gives the prefixes each one's outcome: "partly").
    for (const i of mine) {
      // The public IP configuration's `publicIPAddressVersion`, else the IP configuration's own version (Azure pairs them).
      const ipFamily = i.hasPublicIp ? familyOf(i.publicIpAddressVersion ?? i.privateIpAddressVersion ?? "IPv4") : undefined;
      own.push({ names: [i.name], addresses, hasPublicIp: !!i.hasPublicIp, family: ipFamily, lbBackendPoolKeys: i.lbBackendPoolKeys });
    }
  }
  withSources(endpoint, own);
  return endpoint;
}

/**
 * `VirtualNetwork` also holds what a VNet learns from its virtual hub (the other connected VNets, a routing intent's
 * private ranges) and the hub's space it peers with: "virtual networks connected to a virtual network gateway … This tag
 * might also contain default routes", so a learned 0.0.0.0/0 widens it as a route table's default route to a gateway does.
 * https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
 */
function withLearnedRoutes(widening: RouteWidening, learned: readonly Pick<HubLearnedRoute, "prefix" | "name">[]): RouteWidening {
  if (!learned.length) return widening;
  const cidrs = [...widening.cidrs];
  let defaultRoute = widening.defaultRoute;
  for (const r of learned) {
    if (r.prefix.trim() === "0.0.0.0/0") defaultRoute ??= `the route for 0.0.0.0/0 learned from ${r.name}`;
    else cidrs.push(r.prefix);
  }
  return { ...widening, cidrs, ...(defaultRoute ? { defaultRoute } : {}) };
}
