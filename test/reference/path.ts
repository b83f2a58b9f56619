// A brute-force walk of one packet along the whole path a flow takes (CONTRACT §4.1): admin rules, the
// NSG chain, the route (longest prefix over the subnet's effective routes, routes learned from a Virtual
// WAN hub among them), the next hop, an Azure Firewall's policy, the outbound path. Written from the
// contract and the Azure documents it names, with plain loops over rules and routes; it reads only the
// loaded model (lib/model/types) and the NSG reference, never lib/path or lib/nsg, so it can serve as the
// oracle for the set engine (test/path/*.property.test.ts).
import type {
  AzureFirewall,
  Direction,
  FirewallApplicationRule,
  FirewallNetworkRule,
  FirewallRuleCollection,
  HubRouteTable,
  NetworkInterface,
  SecurityRule,
  Snapshot,
  Subnet,
  VirtualNetwork,
} from "@/lib/model/types";
import { type RefPrefix, V4_TOP, inPrefix, isPublic, mustParsePrefix, parsePrefix, parseV4, parseV6 } from "./ip";
import { type Packet, type PacketProtocol, type RefAddr, type RefLevel, type RefWorld, addressTokenMatches, listCoversTagPoint, portTokenMatches, refChain } from "./nsg";

export type RefStage = "admin-rule" | "nsg" | "route" | "firewall" | "outbound";

/**
 * One packet of the subnet: outbound it leaves from `srcIp`, inbound it arrives at `dstIp`. The other
 * end is a dotted IPv4 address, or `Tag.Region` / `Tag` for a point of a service tag whose prefixes are
 * not known.
 */
export interface PathPacket {
  protocol: PacketProtocol;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  /** The name the packet is addressed to, as a firewall's application rules see it. */
  fqdn?: string;
  /** The packet opens a connection whose replies must come back (a TCP session): a firewall's way back then counts. */
  replies?: true;
  /** What it speaks above TCP, when known: `other` is neither HTTP nor HTTPS (AMQP, SSH). */
  appProtocol?: "http" | "https" | "other";
}

export interface RefPathVerdict {
  access: "Allow" | "Deny" | "Unaudited";
  /** The stage that dropped or handed off the packet; for a delivered packet, the last stage that let it through. */
  stage: RefStage;
  /** In words, for failure messages. */
  why: string;
  /** For a drop by an admin rule, its name; by an NSG, `nic:<rule>` or `subnet:<rule>`. */
  decidingRule?: string;
  /**
   * The admin decisions the packet may meet (`<rule>:<access>`, `none`), when admin rules of unknown addresses make it
   * more than one; the first is the one where none of those matches.
   */
  adminBranches?: string[];
  /** Who held the local address, when a scale set may: `NIC <name>`, or `<scale set>/<IP configuration>`. */
  holder?: string;
  /** Set when an NSG rule matched the packet only maybe (a far-end ASG its address cannot tell), so both ways were walked. */
  nsgBranched?: boolean;
}

/** A region named by no generator: a bare tag name stands for some region of it that no rule singles out. */
const UNNAMED_REGION = "(unnamed region)";

/** A packet address: dotted IPv4, or a point of a service tag (`Storage.WestEurope`; a bare `Storage` is a region no rule names). */
export function refAddr(text: string): RefAddr {
  const v4 = parseV4(text);
  if (v4 !== null) return { kind: "ip", family: 4, value: v4 };
  const v6 = text.includes(":") ? parseV6(text) : null;
  if (v6 !== null) return { kind: "ip", family: 6, value: v6 };
  if (text.includes(":") || /^\d/.test(text)) throw new Error(`path reference handles IPv4, IPv6 addresses and service tags only: ${JSON.stringify(text)}`);
  const lower = text.toLowerCase();
  const dot = lower.indexOf(".");
  return dot < 0 ? { kind: "tag", base: lower, region: UNNAMED_REGION } : { kind: "tag", base: lower.slice(0, dot), region: lower.slice(dot + 1) };
}

/** The packet in the NSG reference's terms, also what test/reference/membership.ts locates in the engine's boxes. */
export function toRefPacket(p: PathPacket): Packet {
  return { protocol: p.protocol, src: refAddr(p.srcIp), srcPort: p.srcPort, dst: refAddr(p.dstIp), dstPort: p.dstPort };
}

const verdict = (access: RefPathVerdict["access"], stage: RefStage, why: string): RefPathVerdict => ({ access, stage, why });

const same = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

function inAnyPrefix(addr: RefAddr, texts: readonly string[]): boolean {
  return addr.kind === "ip" && texts.some((t) => {
    const p = parsePrefix(t);
    return !!p && inPrefix(addr.family, addr.value, p);
  });
}

/** A peering carries traffic: Connected (or state not printed), VNet access allowed, on the remote side too when it is in the input. */
function peeringCarries(snapshot: Snapshot, vnet: VirtualNetwork, peering: VirtualNetwork["peerings"][number]): boolean {
  if (!peering.allowVirtualNetworkAccess) return false;
  if (peering.peeringState !== undefined && !same(peering.peeringState, "connected")) return false;
  const remote = peering.remoteVnetKey ? snapshot.vnets.get(peering.remoteVnetKey) : undefined;
  const back = remote?.peerings.find((p) => p.remoteVnetKey === vnet.key);
  return !(back && !back.allowVirtualNetworkAccess);
}

interface PeeredSpace {
  remote?: VirtualNetwork;
  prefixes: string[];
  connectedGroup?: true;
  /** A subnet peering: the subnet names (lower-case) of each side that both its peering resources list. */
  joins?: { local?: string[]; remote?: string[] };
  /** Either side peers the IPv6 space only. */
  v6Only?: boolean;
}

/** Names both lists hold (either list absent: the other's), lower-case; undefined when neither lists any. */
function bothList(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a && !b) return undefined;
  const la = a?.map((n) => n.toLowerCase());
  const lb = b?.map((n) => n.toLowerCase());
  return la && lb ? la.filter((n) => lb.includes(n)) : (la ?? lb);
}

/**
 * The spaces the VNet's connected peerings (and connected groups) join it with. A subnet peering joins only the subnets
 * both of its peering resources list, routing the remote ones' prefixes; an IPv6-only one, IPv6 prefixes only.
 * https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering
 */
function peeredSpaces(snapshot: Snapshot, vnet: VirtualNetwork): PeeredSpace[] {
  const out: PeeredSpace[] = [];
  for (const p of vnet.peerings) {
    if (!peeringCarries(snapshot, vnet, p)) continue;
    const remote = p.remoteVnetKey ? snapshot.vnets.get(p.remoteVnetKey) : undefined;
    const back = remote?.peerings.find((x) => x.remoteVnetKey === vnet.key);
    let prefixes = p.remoteAddressPrefixes.length ? p.remoteAddressPrefixes : (remote?.addressPrefixes ?? []);
    const local = bothList(p.subnets?.local, back?.subnets?.remote);
    const far = bothList(p.subnets?.remote, back?.subnets?.local);
    if (far && remote && remote.subnetKeys.length) prefixes = remote.subnetKeys.flatMap((k) => snapshot.subnets.get(k)).filter((s) => s && far.includes(s.name.toLowerCase())).flatMap((s) => s!.addressPrefixes);
    const v6Only = !!(p.onlyIpv6 || back?.onlyIpv6);
    if (v6Only) prefixes = prefixes.filter((x) => x.includes(":"));
    out.push({ remote, prefixes, ...(local || far ? { joins: { ...(local ? { local } : {}), ...(far ? { remote: far } : {}) } } : {}), ...(v6Only ? { v6Only } : {}) });
  }
  // A connected group joins VNets "just like if you were to connect virtual networks together manually".
  for (const remote of connectedGroupOf(snapshot, vnet)) if (!out.some((o) => o.remote === remote)) out.push({ remote, prefixes: remote.addressPrefixes, connectedGroup: true });
  return out;
}

/**
 * The VNets an Azure Virtual Network Manager connectivity configuration joins `vnet` with, without a peering: a mesh,
 * every static member of its groups; a hub-and-spoke one with direct connectivity, the other spokes of the group (not
 * its hubs); only VNets of the same region unless global (a VNet with no region given is taken to share it).
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
 */
function connectedGroupOf(snapshot: Snapshot, vnet: VirtualNetwork): VirtualNetwork[] {
  const out: VirtualNetwork[] = [];
  const region = (v: VirtualNetwork) => v.location?.toLowerCase().replace(/ /g, "");
  for (const c of snapshot.connectivityConfigurations?.values() ?? []) {
    const members = (g: { groupKey: string }) => snapshot.networkGroups?.get(g.groupKey)?.memberVnetKeys ?? [];
    const sets: { keys: string[]; global: boolean }[] =
      c.topology === "Mesh" ? [{ keys: c.appliesToGroups.flatMap(members), global: c.isGlobal }] : c.appliesToGroups.filter((g) => g.directlyConnected).map((g) => ({ keys: members(g).filter((k) => !c.hubVnetKeys.includes(k)), global: c.isGlobal || g.isGlobal }));
    for (const set of sets) {
      if (!set.keys.includes(vnet.key)) continue;
      for (const k of set.keys) {
        const other = snapshot.vnets.get(k);
        if (!other || other.key === vnet.key || out.includes(other)) continue;
        if (!set.global && region(vnet) && region(other) && region(vnet) !== region(other)) continue;
        out.push(other);
      }
    }
  }
  return out;
}

/** The NSG reference's view of the subnet: `VirtualNetwork` widened by 168.63.129.16 and the route table (stage 2). */
function addressWorld(snapshot: Snapshot, subnet: Subnet, vnet: VirtualNetwork): RefWorld {
  const vnetPrefixes = [...vnet.addressPrefixes, ...peeredSpaces(snapshot, vnet).flatMap((s) => s.prefixes)];
  const table = subnet.routeTableKey ? snapshot.routeTables.get(subnet.routeTableKey) : undefined;
  const prefixes = ["168.63.129.16/32"];
  let everyV4 = false;
  for (const r of table?.routes ?? []) {
    const p = parsePrefix(r.addressPrefix);
    if (!p) continue; // no service-tag route here: effectiveRoutes refuses one
    const isDefault = p.family === 4 && p.lo === 0n && p.hi === V4_TOP;
    if (isDefault) {
      if (same(r.nextHopType, "VirtualAppliance") || same(r.nextHopType, "VirtualNetworkGateway")) everyV4 = true;
    } else prefixes.push(r.addressPrefix);
  }
  // What the VNet learns from a virtual hub widens it the same way (a learned 0.0.0.0/0 to everything), unless the
  // subnet's route table keeps learned routes out.
  // The hub's own space comes through the VNet's peering with the hub, whatever BGP says.
  for (const r of hubLearned(snapshot, vnet)) {
    if (r.learned && table?.disableBgpRoutePropagation) continue;
    if (isV4Default(r.text)) everyV4 = true;
    else prefixes.push(r.text);
  }
  // "All connected on-premises address spaces" (service-tags-overview): what the VNet learns over BGP.
  if (!table?.disableBgpRoutePropagation) {
    for (const text of bgpLearned(snapshot, vnet)) {
      if (isV4Default(text)) everyV4 = true;
      else prefixes.push(text);
    }
  }
  const serviceTags = new Map<string, string[]>();
  for (const [k, v] of snapshot.serviceTags ?? []) serviceTags.set(k, v.addressPrefixes);
  const asgMembers = new Map<string, string[]>();
  for (const nic of snapshot.nics.values()) {
    for (const ipc of nic.ipConfigurations) for (const a of ipc.asgKeys) if (ipc.privateIpAddress) asgMembers.set(a, [...(asgMembers.get(a) ?? []), ipc.privateIpAddress]);
  }
  // A scale set's IP configuration puts every instance NIC in its ASGs; an instance holds an address of its subnet of the
  // IP configuration's version that no NIC of the input holds (the instances' own addresses are not in the input), and
  // any such address may be any IP configuration's of that version in that subnet: one pool per subnet and version.
  const pools = new Map<string, { prefixes: string[]; except: string[]; asgSets: (readonly string[])[] }>();
  for (const vmss of snapshot.scaleSets?.values() ?? []) {
    for (const config of vmss.nicConfigurations) {
      for (const ipc of config.ipConfigurations) {
        const where = ipc.subnetKey ? snapshot.subnets.get(ipc.subnetKey) : undefined;
        if (!where) continue;
        const v6 = ipc.privateIpAddressVersion === "IPv6";
        const k = `${where.key}|${v6}`;
        let pool = pools.get(k);
        if (!pool) {
          pool = {
            prefixes: where.addressPrefixes.filter((x) => x.includes(":") === v6),
            except: [...snapshot.nics.values()].flatMap((n) => n.ipConfigurations.filter((c) => c.subnetKey === where.key && c.privateIpAddress).map((c) => c.privateIpAddress!)),
            asgSets: [],
          };
          pools.set(k, pool);
        }
        pool.asgSets.push(ipc.asgKeys);
      }
    }
  }
  return { vnetPrefixes, widening: { prefixes, everyV4 }, serviceTags, asgMembers, scaleSetPools: [...pools.values()] };
}

// ---- stage 1: admin rules ----------------------------------------------------------------------

const MANAGED = new Set(["gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "azurebastionsubnet", "routeserversubnet"]);

type AdminHit = { access: "Allow" | "Deny" | "AlwaysAllow"; name: string };

/**
 * A network group named as an address (`addressPrefixType: NetworkGroup`): its member VNets' prefixes, `"unknown"`
 * when the input does not show them all (the group, any static member, a member VNet), undefined for any other token.
 */
function groupPrefixes(snapshot: Snapshot, token: string): string[] | "unknown" | undefined {
  if (!/\/networkgroups\/[^/]+$/i.test(token.trim())) return undefined;
  const group = snapshot.networkGroups?.get(token.trim().toLowerCase());
  if (!group || group.memberVnetKeys.length === 0) return "unknown";
  const prefixes: string[] = [];
  for (const k of group.memberVnetKeys) {
    const vnet = snapshot.vnets.get(k);
    if (!vnet?.addressPrefixes.length) return "unknown";
    prefixes.push(...vnet.addressPrefixes);
  }
  return prefixes;
}

/** Whether one side of an admin rule holds the address: surely, not at all, or only if a group the input cannot show does. */
function adminSideMatches(snapshot: Snapshot, world: RefWorld, tokens: readonly string[], addr: RefAddr): boolean | "unknown" {
  let unknown = false;
  const plain: string[] = [];
  for (const t of tokens) {
    const g = groupPrefixes(snapshot, t);
    if (g === undefined ? addressTokenMatches(world, t, addr) : g !== "unknown" && inAnyPrefix(addr, g)) return true;
    if (g === "unknown") unknown = true;
    if (g === undefined) plain.push(t);
  }
  // As for NSG rules: CIDRs (VirtualNetwork widened by a subnet's routes included) adding up to a whole family hold every tag.
  if (listCoversTagPoint(world, plain, addr)) return true;
  return unknown ? "unknown" : false;
}

/**
 * Whether a security admin configuration is in effect in the subnet's region, by its own network manager's deployment
 * status list (entries whose ids are that manager's configurations): `yes` when listed Deployed there, `maybe` when
 * listed in a deployment not Deployed, `no` when the manager's finished (`Deployed`) security admin deployment to the
 * region names others only ("only one security admin configuration can be deployed from a single network manager to a
 * region at a time"), else `yes` (evaluated as deployed, CONTRACT §4.1 stage 1). Another manager's list says nothing.
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
 */
function deployedHere(snapshot: Snapshot, subnet: Subnet, configurationId: string, managerKey: string): "yes" | "no" | "maybe" {
  const region = (snapshot.vnets.get(subnet.vnetKey)?.location ?? "").replace(/ /g, "").toLowerCase();
  const ours = (snapshot.deploymentStatuses ?? []).filter(
    (e) => e.region === region && e.type !== undefined && ["securityadmin", "adminpolicy"].includes(e.type.toLowerCase()) && (e.manager === managerKey || (e.configurations.length > 0 && e.configurations.every((c) => c.startsWith(`${managerKey}/`)))),
  );
  const naming = ours.filter((e) => e.configurations.includes(configurationId));
  if (naming.some((e) => e.status.toLowerCase() === "deployed")) return "yes";
  if (naming.length) return "maybe";
  return ours.some((e) => e.status.toLowerCase() === "deployed") ? "no" : "yes";
}

/** Whether the configuration's own network manager's deployment status list shows it deployed to the subnet's region. */
function deploymentListed(snapshot: Snapshot, subnet: Subnet, configurationId: string): boolean {
  const region = (snapshot.vnets.get(subnet.vnetKey)?.location ?? "").replace(/ /g, "").toLowerCase();
  return (snapshot.deploymentStatuses ?? []).some((e) => e.region === region && e.status.toLowerCase() === "deployed" && e.configurations.includes(configurationId));
}

/**
 * Whether a configuration reaches the subnet's VNet beyond its network groups. Scope: a manager whose
 * `networkManagerScopes` the input shows reaches the VNet if it names its subscription; if it names management groups
 * only besides, maybe; else not. Network intent policy: a VNet with a subnet delegated to SQL Managed Instance or
 * Azure Databricks gets the configuration's rules as `applyOnNetworkIntentPolicyBasedServices` says (All: all,
 * AllowRulesOnly: no Deny, else none; the configuration missing from the input: maybe).
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
 */
function reachesVnet(snapshot: Snapshot, subnet: Subnet, configurationKey: string, managerKey: string, access: string): "yes" | "no" | "maybe" {
  let answer: "yes" | "maybe" = "yes";
  const scopes = snapshot.networkManagers?.get(managerKey)?.scopes;
  if (scopes && !scopes.subscriptions.includes(subnet.subscriptionId.toLowerCase())) {
    if (scopes.managementGroups.length === 0) return "no";
    answer = "maybe";
  }
  const vnet = snapshot.vnets.get(subnet.vnetKey);
  const intent = (vnet?.subnetKeys ?? []).some((k) => (snapshot.subnets.get(k)?.delegations ?? []).some((d) => ["microsoft.sql/managedinstances", "microsoft.databricks/workspaces"].includes(d.toLowerCase())));
  if (intent) {
    const configuration = snapshot.securityAdminConfigurations?.get(configurationKey);
    if (!configuration) return "maybe";
    const values = configuration.applyOnNetworkIntentPolicyBasedServices.map((v) => v.toLowerCase());
    if (!values.includes("all")) {
      if (!values.includes("allowrulesonly") || access === "Deny") return "no";
    }
  }
  return answer;
}

/**
 * Every admin decision the packet may meet: the first rule by priority that matches it, once for each choice of
 * "matches / does not match" for the rules that match it only if a network group the input cannot show holds the
 * packet. The first entry is the one where none of those matches; `undefined` is "no admin rule".
 */
function adminDecisions(snapshot: Snapshot, subnet: Subnet, world: RefWorld, direction: Direction, p: Packet): (AdminHit | undefined)[] {
  if (MANAGED.has(subnet.name.toLowerCase())) return [undefined];
  const candidates: { priority: number; id: string; hit: AdminHit; sure: boolean; manager: string }[] = [];
  // A network manager deploys one security admin configuration to a region at a time: two of its configurations
  // with rules here and no deployment status to choose are each in force or not.
  const rivalConfigurations = new Map<string, Set<string>>();
  for (const rule of snapshot.adminRules?.values() ?? []) {
    const collection = snapshot.adminRuleCollections?.get(rule.collectionKey);
    if (!collection || !collection.appliesToGroupKeys.some((g) => snapshot.networkGroups?.get(g)?.memberVnetKeys.includes(subnet.vnetKey))) continue;
    if (deployedHere(snapshot, subnet, collection.configurationKey, collection.networkManagerKey) !== "yes" || deploymentListed(snapshot, subnet, collection.configurationKey)) continue;
    if (reachesVnet(snapshot, subnet, collection.configurationKey, collection.networkManagerKey, "Allow") === "no") continue;
    rivalConfigurations.set(collection.networkManagerKey, (rivalConfigurations.get(collection.networkManagerKey) ?? new Set()).add(collection.configurationKey));
  }
  for (const rule of snapshot.adminRules?.values() ?? []) {
    if (rule.direction !== direction) continue;
    const collection = snapshot.adminRuleCollections?.get(rule.collectionKey);
    if (!collection) continue;
    const deployed = deployedHere(snapshot, subnet, collection.configurationKey, collection.networkManagerKey);
    if (deployed === "no") continue;
    let applies = false;
    for (const g of collection.appliesToGroupKeys) if (snapshot.networkGroups?.get(g)?.memberVnetKeys.includes(subnet.vnetKey)) applies = true;
    if (!applies) continue;
    const reach = reachesVnet(snapshot, subnet, collection.configurationKey, collection.networkManagerKey, rule.access);
    if (reach === "no") continue;
    const competing = (rivalConfigurations.get(collection.networkManagerKey)?.size ?? 0) > 1 && rivalConfigurations.get(collection.networkManagerKey)!.has(collection.configurationKey);
    const src = rule.sources.length ? rule.sources : ["*"];
    const dst = rule.destinations.length ? rule.destinations : ["*"];
    const sp = rule.sourcePortRanges.length ? rule.sourcePortRanges : ["*"];
    const dp = rule.destinationPortRanges.length ? rule.destinationPortRanges : ["*"];
    if (!(rule.protocol === "*" || rule.protocol === p.protocol) || !sp.some((t) => portTokenMatches(t, p.srcPort)) || !dp.some((t) => portTokenMatches(t, p.dstPort))) continue;
    const s = adminSideMatches(snapshot, world, src, p.src);
    const d = adminSideMatches(snapshot, world, dst, p.dst);
    if (s === false || d === false) continue;
    candidates.push({ priority: rule.priority, id: rule.id.toLowerCase(), hit: { access: rule.access, name: rule.name }, sure: s === true && d === true && deployed === "yes" && reach === "yes" && !competing, manager: collection.networkManagerKey });
  }
  // On a tie, by id, as the engine lists them (whichever of two alike rules decides, the verdict is the same).
  candidates.sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Brute force over the choices: the rule at `i` decides if it surely matches and no later rule of its priority with
  // another action matches too; else it may (a rule of unknown addresses, or one of a tie: priorities are unique only
  // within a rule collection, and which tied rule Azure applies first is not documented), and so may what follows.
  // The first entry is the one where none of those matches: a tie is then decided by its last rule by id.
  const walk = (i: number): (AdminHit | undefined)[] => {
    if (i === candidates.length) return [undefined];
    const c = candidates[i];
    // Two network managers' rules that conflict: the one of higher scope wins, whatever the priorities.
    const rival = candidates.slice(i + 1).some((d) => (d.priority === c.priority || d.manager !== c.manager) && d.hit.access !== c.hit.access);
    return c.sure && !rival ? [c.hit] : [...walk(i + 1), c.hit];
  };
  return walk(0);
}

// ---- stage 3: routes ---------------------------------------------------------------------------

interface RefRoute {
  prefix: RefPrefix;
  text: string;
  user: boolean;
  /** Set for a route learned from a virtual hub: where the hub sends it. */
  hub?: HubHop;
  /** Set for a route the VNet's gateway learned over BGP, as a NIC's effective route table lists it. */
  bgp?: true;
  /** Set on the route pickRoute chose when a learned route held the address too and lost (for coverage counts). */
  overLearned?: boolean;
  /** Among system routes on an equal prefix: the VNet and peerings (0) before None (1) before Internet (2). */
  systemOrder: number;
  hop: string;
  ip?: string;
  name: string;
  /** A peering route of a subnet peering that does not list this subnet: Azure drops what takes it. */
  leftOut?: true;
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** Whether the union of `prefixes` holds every address of `range`: merge the intervals, then look for one that holds it. */
function unionHolds(prefixes: readonly RefPrefix[], range: RefPrefix): boolean {
  const sorted = prefixes.filter((p) => p.family === range.family).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  let lo = -1n;
  let hi = -2n;
  for (const p of sorted) {
    if (p.lo <= hi + 1n) {
      if (p.hi > hi) hi = p.hi;
    } else {
      if (lo <= range.lo && range.hi <= hi) return true;
      lo = p.lo;
      hi = p.hi;
    }
  }
  return lo <= range.lo && range.hi <= hi;
}

function effectiveRoutes(snapshot: Snapshot, subnet: Subnet, vnet: VirtualNetwork): RefRoute[] {
  const routes: RefRoute[] = [];
  const system = (text: string, hop: string, systemOrder: number, name: string) => routes.push({ prefix: mustParsePrefix(text), text, user: false, systemOrder, hop, name });
  for (const p of vnet.addressPrefixes) system(p, "VnetLocal", 0, "Virtual network");
  for (const s of peeredSpaces(snapshot, vnet)) {
    // A subnet the subnet peering leaves out keeps the route, but its packets are dropped.
    const leftOut = !!s.joins?.local && !s.joins.local.includes(subnet.name.toLowerCase());
    for (const p of s.prefixes) {
      system(p, s.connectedGroup ? "ConnectedGroup" : "VNetPeering", 0, s.connectedGroup ? "Connected group" : "Peering");
      if (leftOut) routes[routes.length - 1].leftOut = true;
    }
  }
  const space = vnet.addressPrefixes.map(mustParsePrefix);
  const table = subnet.routeTableKey ? snapshot.routeTables.get(subnet.routeTableKey) : undefined;
  // A user route for 0.0.0.0/0 removes the private ranges' None routes (virtual-networks-udr-overview, routing example).
  const userDefault = (table?.routes ?? []).some((r) => {
    const p = parsePrefix(r.addressPrefix);
    return p !== null && p.family === 4 && p.lo === 0n && p.hi === V4_TOP;
  });
  // Under a learned 0.0.0.0/0, only where a counted table of Azure's shows them gone (bgpDropsNone).
  const learnedDefault = !table?.disableBgpRoutePropagation && bgpDropsNone(snapshot, vnet);
  if (!userDefault && !learnedDefault) for (const r of PRIVATE_RANGES) if (!unionHolds(space, mustParsePrefix(r))) system(r, "None", 1, "Default");
  system("0.0.0.0/0", "Internet", 2, "Default");
  system("::/0", "Internet", 2, "Default");
  for (const r of table?.routes ?? []) {
    const prefix = parsePrefix(r.addressPrefix);
    if (!prefix) throw new Error(`path reference handles CIDR routes only: ${r.addressPrefix}`);
    routes.push({ prefix, text: r.addressPrefix, user: true, systemOrder: 0, hop: r.nextHopType, ip: r.nextHopIpAddress, name: r.name });
  }
  for (const r of hubLearned(snapshot, vnet)) {
    // The hub's space is a peering route (a system route learned routes never override); the rest is learned.
    if (!r.learned) routes.push({ prefix: mustParsePrefix(r.text), text: r.text, user: false, systemOrder: 0, hop: "VNetPeering", name: r.name });
    else if (!table?.disableBgpRoutePropagation) routes.push({ prefix: mustParsePrefix(r.text), text: r.text, user: false, systemOrder: 0, hop: "Hub", hub: r.hop, name: r.name });
  }
  if (!table?.disableBgpRoutePropagation) {
    const fromHub = new Set(routes.filter((r) => r.hub).map((r) => r.text));
    for (const text of bgpLearned(snapshot, vnet)) if (!fromHub.has(text)) routes.push({ prefix: mustParsePrefix(text), text, user: false, systemOrder: 0, hop: "VirtualNetworkGateway", bgp: true, name: "BGP" });
  }
  return routes;
}

/**
 * What a VNet learned over BGP: the `VirtualNetworkGateway` routes (Active or Invalid: Invalid only where the NIC's own
 * subnet overrides them) of the effective route tables of NICs in subnets of the VNet, or of the VNet whose gateway it
 * uses through a connected peering (gateway transit: the same learned routes), whose route table does not disable BGP
 * route propagation (a table taken there shows none).
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#border-gateway-protocol
 */
function bgpLearned(snapshot: Snapshot, vnet: VirtualNetwork): string[] {
  const out: string[] = [];
  for (const t of bgpTables(snapshot, vnet)) for (const r of t.routes) if (same(r.source, "VirtualNetworkGateway")) for (const p of r.prefixes) if (!out.includes(p)) out.push(p);
  return out;
}

/** The effective route tables whose learned routes are VNet `vnet`'s (see bgpLearned). */
function bgpTables(snapshot: Snapshot, vnet: VirtualNetwork) {
  const gatewayOf = (v: VirtualNetwork | undefined) => v?.peerings.find((p) => p.useRemoteGateways && p.remoteVnetKey && peeringCarries(snapshot, v, p))?.remoteVnetKey ?? v?.key;
  return [...(snapshot.effectiveRouteTables?.values() ?? [])].filter((t) => {
    if (t.propagationOff) return false;
    const nic = snapshot.nics.get(t.nicKey);
    const subnetKey = nic?.ipConfigurations.find((c) => c.subnetKey)?.subnetKey;
    const subnet = subnetKey ? snapshot.subnets.get(subnetKey) : undefined;
    if (!subnet || gatewayOf(snapshot.vnets.get(subnet.vnetKey)) !== gatewayOf(vnet)) return false;
    return !(subnet.routeTableKey && snapshot.routeTables.get(subnet.routeTableKey)?.disableBgpRoutePropagation);
  });
}

/**
 * Whether a table of the VNet's shows the private ranges' None routes gone under a learned 0.0.0.0/0: it lists system
 * rows and a learned 0.0.0.0/0, no user 0.0.0.0/0 (which alone removes them), and no Active None row.
 */
function bgpDropsNone(snapshot: Snapshot, vnet: VirtualNetwork): boolean {
  return bgpTables(snapshot, vnet).some(
    (t) =>
      t.routes.some((r) => same(r.source, "Default")) &&
      t.routes.some((r) => same(r.source, "VirtualNetworkGateway") && r.prefixes.some(isV4Default)) &&
      !t.routes.some((r) => same(r.source, "User") && r.prefixes.some(isV4Default)) &&
      !t.routes.some((r) => same(r.source, "Default") && same(r.nextHopType, "None") && same(r.state, "Active")),
  );
}

// ---- stage 3, continued: what a VNet learns from a Virtual WAN hub --------------------------------

/**
 * Where a hub sends a learned route: its router (delivered, to a connected VNet or into the hub), an Azure Firewall
 * (by id, found or not in the input), another resource (an NVA behind a connection: outside the audit), or somewhere
 * unread (a route table the input lacks, a connection not provisioned: cannot be judged).
 */
type HubHop = { kind: "router" } | { kind: "firewall"; id: string } | { kind: "other"; id: string } | { kind: "unread"; hub: string };

interface HubLearnedRoute {
  text: string;
  hop: HubHop;
  name: string;
  /** False for the hub's own prefix, which comes through the VNet's peering with the hub. */
  learned: boolean;
}

const isV4Default = (text: string) => {
  const p = parsePrefix(text);
  return !!p && p.family === 4 && p.lo === 0n && p.hi === V4_TOP;
};

/** A next-hop resource id of a hub route or routing policy: an Azure Firewall by its resource type, else something else. */
const hopOf = (id: string | undefined): HubHop => (id && /\/providers\/microsoft\.network\/azurefirewalls\//i.test(id) ? { kind: "firewall", id: id.toLowerCase() } : { kind: "other", id: id ?? "(none)" });

/** A hub route's CIDR destinations (`destinationType` CIDR, the default); a ResourceId or Service route names no addresses. */
const cidrDestinations = (r: { destinationType?: string; destinations: string[] }) => (!r.destinationType || same(r.destinationType, "CIDR") ? r.destinations : []);

const provisioned = (c: { provisioningState?: string }) => !c.provisioningState || same(c.provisioningState, "Succeeded");

/**
 * The routes `vnet` learns from each virtual hub a connection joins it to, written from the Virtual WAN documents:
 * always the hub's own prefix (through the peering with the hub); with routing intent, an Internet policy's 0.0.0.0/0
 * (when the connection propagates the default route, `enableInternetSecurity`), a private traffic policy's RFC 1918
 * ranges and the default route table's additional prefixes to the same next hop (names `_policy_*` are the policies'
 * own); with an Internet policy alone, the default route table's other routes (not its default routes) and the spaces
 * of the connections propagating to it; without routing intent, the routes of the associated route table and the
 * spaces (and static routes) of the connections propagating to it, by id within the hub or by label across the hubs of
 * the WAN. A route table the input lacks: what would come from it cannot be judged, and a default route too when the
 * hub has a firewall or is itself unread; so is everything of a connection not provisioned.
 * https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing, https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies
 */
function hubLearned(snapshot: Snapshot, vnet: VirtualNetwork): HubLearnedRoute[] {
  const out: HubLearnedRoute[] = [];
  const connections = [...(snapshot.hubConnections?.values() ?? [])];
  for (const c of connections) {
    if (c.remoteVnetKey !== vnet.key) continue;
    const hub = snapshot.virtualHubs?.get(c.hubKey);
    const hubName = hub?.name ?? c.hubKey.split("/").pop()!;
    const add = (text: string, hop: HubHop, why: string, learned = true) => out.push({ text, hop, name: `hub ${hubName} ${why}`, learned });
    // Only a connection that propagates the default route learns 0.0.0.0/0.
    const addDst = (text: string, hop: HubHop, why: string) => (!isV4Default(text) || c.enableInternetSecurity) && add(text, hop, why);
    if (hub?.addressPrefix) add(hub.addressPrefix, { kind: "router" }, "address prefix", false);
    if (!provisioned(c)) {
      for (const p of ["0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]) addDst(p, { kind: "unread", hub: hubName }, `connection ${c.name} not provisioned`);
      continue;
    }
    const tables = [...(snapshot.hubRouteTables?.values() ?? [])];
    const defaultKey = `${c.hubKey}/hubroutetables/defaultroutetable`;
    const defaultTable = tables.find((t) => t.key === defaultKey);
    const wan = hub?.virtualWanKey;
    /** The other connections' spaces and static routes that reach route table `key` (see above). */
    const spaces = (key: string, table: HubRouteTable | undefined, unread: boolean, internetPolicy: boolean) => {
      const labels = new Set([...(table?.labels ?? []), ...(!table && key === defaultKey ? ["default"] : [])].map((l) => l.toLowerCase()));
      for (const o of connections) {
        if (o === c || !o.remoteVnetKey || o.remoteVnetKey === vnet.key) continue;
        const sameHub = o.hubKey === c.hubKey;
        const otherWan = snapshot.virtualHubs?.get(o.hubKey)?.virtualWanKey;
        if (!sameHub && wan && otherWan && wan !== otherWan) continue;
        const stated = o.propagatedRouteTableKeys !== undefined || o.propagatedLabels !== undefined;
        const oLabels = (stated ? (o.propagatedLabels ?? []) : ["default"]).map((l) => l.toLowerCase());
        const byId = sameHub && (stated ? (o.propagatedRouteTableKeys ?? []).includes(key) : key === defaultKey);
        if (!byId && !oLabels.some((l) => labels.has(l)) && !(unread && oLabels.some((l) => l !== "none"))) continue;
        const farPrivate = sameHub ? undefined : [...(snapshot.routingIntents?.values() ?? [])].find((i) => i.hubKey === o.hubKey)?.policies.find((x) => x.destinations.some((y) => same(y, "PrivateTraffic")));
        const hop: HubHop = !provisioned(o) || unread ? { kind: "unread", hub: hubName } : farPrivate ? { kind: "other", id: farPrivate.nextHopKey ?? "(none)" } : { kind: "router" };
        for (const p of snapshot.vnets.get(o.remoteVnetKey)?.addressPrefixes ?? []) add(p, hop, `connection ${o.name}`);
        if (o.propagateStaticRoutes === false) continue;
        for (const r of o.staticRoutes ?? []) {
          for (const p of r.addressPrefixes) {
            if (isV4Default(p) && (!c.enableInternetSecurity || internetPolicy)) continue;
            add(p, unread ? { kind: "unread", hub: hubName } : { kind: "other", id: `${r.nextHopIpAddress ?? "?"}` }, `static route ${r.name} of ${o.name}`);
          }
        }
      }
    };
    const intent = [...(snapshot.routingIntents?.values() ?? [])].find((i) => i.hubKey === c.hubKey && i.policies.length > 0);
    if (intent) {
      const policy = (d: string) => intent.policies.find((x) => x.destinations.some((y) => same(y, d)));
      const internet = policy("Internet");
      const priv = policy("PrivateTraffic");
      if (internet) addDst("0.0.0.0/0", hopOf(internet.nextHopKey), `policy ${internet.name}`);
      if (!priv) {
        for (const r of defaultTable?.routes ?? []) {
          if (r.name.toLowerCase().startsWith("_policy_") || cidrDestinations(r).some(isV4Default)) continue;
          for (const d of cidrDestinations(r)) add(d, hopOf(r.nextHopKey), `route ${r.name} of defaultRouteTable`);
        }
        spaces(defaultKey, defaultTable, false, !!internet);
        continue;
      }
      for (const p of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]) add(p, hopOf(priv.nextHopKey), `policy ${priv.name}`);
      for (const r of defaultTable?.routes ?? []) {
        if (r.name.toLowerCase().startsWith("_policy_") || !r.nextHopKey || r.nextHopKey !== priv.nextHopKey?.toLowerCase()) continue;
        for (const d of cidrDestinations(r)) addDst(d, hopOf(priv.nextHopKey), `additional prefix ${r.name}`);
      }
      continue;
    }
    const tableKey = c.associatedRouteTableKey ?? defaultKey;
    const table = tables.find((t) => t.key === tableKey);
    if (table) {
      for (const r of table.routes) for (const d of cidrDestinations(r)) addDst(d, hopOf(r.nextHopKey), `route ${r.name} of ${table.name}`);
    } else {
      const hasFirewall = !!hub?.firewallKey || [...(snapshot.firewalls?.values() ?? [])].some((f) => f.virtualHubKey === c.hubKey);
      if (!hub || hasFirewall) addDst("0.0.0.0/0", { kind: "unread", hub: hubName }, "route table not in the input");
    }
    spaces(tableKey, table, !table, false);
  }
  return out;
}

/**
 * Forced tunnel mode of a hub (about-internet-routing): a private traffic policy, no Internet policy, and 0.0.0.0/0
 * among the additional prefixes (a route of the defaultRouteTable, not a policy's own, to the same next hop). What the
 * hub's firewall lets out to the Internet then follows a learned default route outside the audit.
 */
function hubForcedTunnel(snapshot: Snapshot, hubKey: string): boolean {
  const intent = [...(snapshot.routingIntents?.values() ?? [])].find((i) => i.hubKey === hubKey && i.policies.length > 0);
  const priv = intent?.policies.find((x) => x.destinations.some((y) => same(y, "PrivateTraffic")));
  if (!intent || !priv || intent.policies.some((x) => x.destinations.some((y) => same(y, "Internet")))) return false;
  const table = [...(snapshot.hubRouteTables?.values() ?? [])].find((t) => t.hubKey === hubKey && same(t.name, "defaultRouteTable"));
  return !!table?.routes.some((r) => !r.name.toLowerCase().startsWith("_policy_") && !!r.nextHopKey && r.nextHopKey === priv.nextHopKey?.toLowerCase() && cidrDestinations(r).some(isV4Default));
}

function prefixBits(p: RefPrefix): number {
  let size = p.hi - p.lo + 1n;
  let hostBits = 0;
  while (size > 1n) {
    size >>= 1n;
    hostBits++;
  }
  return (p.family === 4 ? 32 : 128) - hostBits;
}

/**
 * Longest prefix first; on an equal prefix a route-table route beats a learned (hub) route, which beats a system route;
 * a learned route never takes an address of the VNet's own space, its connected peerings or service endpoints, even
 * when more specific (virtual-networks-udr-overview, "How Azure selects a route"). A tag point (a public address
 * whose prefix was not given) lies in a /0, and in the routes that together hold every IPv4 address without it (a
 * 0.0.0.0/1 and 128.0.0.0/1 pair) when all of those reaching public space send it one way: it lies in one of them.
 */
function pickRoute(routes: readonly RefRoute[], dst: RefAddr): RefRoute {
  const WHOLE: RefPrefix = { family: 4, lo: 0n, hi: V4_TOP };
  const isWhole = (p: RefPrefix) => p.family === 4 && p.lo === 0n && p.hi === V4_TOP;
  const narrower = routes.filter((r) => r.prefix.family === 4 && !isWhole(r.prefix));
  const publicOnes = narrower.filter((r) => !PRIVATE_RANGES.some((x) => unionHolds([mustParsePrefix(x)], r.prefix)));
  const oneWay = publicOnes.length > 0 && publicOnes.every((r) => same(r.hop, publicOnes[0].hop) && (r.ip ?? "") === (publicOnes[0].ip ?? ""));
  const tagIn = dst.kind === "tag" && oneWay && unionHolds(narrower.map((r) => r.prefix), WHOLE) ? new Set(publicOnes) : undefined;
  const KEPT = ["vnetlocal", "vnetpeering", "connectedgroup", "virtualnetworkserviceendpoint", "interfaceendpoint"];
  const shielded = dst.kind === "ip" && routes.some((r) => !r.user && !r.hub && !r.bgp && KEPT.includes(r.hop.toLowerCase()) && inPrefix(dst.family, dst.value, r.prefix));
  const learned = (r: RefRoute) => !!r.hub || !!r.bgp;
  const rank = (r: RefRoute) => (r.user ? 0 : learned(r) ? 1 : 2 + r.systemOrder);
  let best: RefRoute | undefined;
  let learnedHeld = false;
  for (const r of routes) {
    const holds = dst.kind === "tag" ? (tagIn ? tagIn.has(r) : isWhole(r.prefix)) : inPrefix(dst.family, dst.value, r.prefix);
    if (!holds) continue;
    if (learned(r)) learnedHeld = true;
    if (learned(r) && shielded) continue;
    if (!best) {
      best = r;
      continue;
    }
    const [a, b] = [prefixBits(r.prefix), prefixBits(best.prefix)];
    if (a > b || (a === b && rank(r) < rank(best))) best = r;
  }
  if (!best) throw new Error("reference: no route holds the packet although 0.0.0.0/0 is always there");
  return learnedHeld && !learned(best) ? { ...best, overLearned: true } : best;
}

// ---- stage 5: Azure Firewall -------------------------------------------------------------------

/** `*`, an address, a CIDR, a range `a-b` or a service tag, read like an NSG address. */
function firewallAddressMatches(world: RefWorld, token: string, addr: RefAddr): boolean {
  const t = token.trim();
  const dash = t.indexOf("-");
  if (dash > 0) {
    const lo = parseV4(t.slice(0, dash));
    const hi = parseV4(t.slice(dash + 1));
    if (lo !== null && hi !== null) return addr.kind === "ip" && addr.family === 4 && lo <= addr.value && addr.value <= hi;
  }
  return addressTokenMatches(world, t, addr);
}

function ipGroupAddresses(snapshot: Snapshot, keys: readonly string[]): string[] {
  return keys.flatMap((k) => snapshot.ipGroups?.get(k)?.ipAddresses ?? []);
}

/** Azure Firewall wildcards stand only at the start and match one or more labels. */
export function fqdnMatches(pattern: string, fqdn: string | undefined): boolean {
  const p = pattern.trim().toLowerCase();
  if (p === "*") return true;
  if (fqdn === undefined) return false;
  const name = fqdn.trim().toLowerCase();
  if (p.startsWith("*.")) return name.endsWith(p.slice(1)) && name.length > p.length - 1;
  return p === name;
}

function networkRuleMatches(snapshot: Snapshot, world: RefWorld, r: FirewallNetworkRule, p: Packet): boolean {
  const protos = r.protocols.map((x) => x.toLowerCase());
  if (!protos.includes("any") && !protos.includes(p.protocol.toLowerCase())) return false;
  const src = [...r.sourceAddresses, ...ipGroupAddresses(snapshot, r.sourceIpGroupKeys)];
  const dst = [...r.destinationAddresses, ...ipGroupAddresses(snapshot, r.destinationIpGroupKeys)];
  const ports = r.destinationPorts.length ? r.destinationPorts : ["*"];
  return src.some((t) => firewallAddressMatches(world, t, p.src)) && dst.some((t) => firewallAddressMatches(world, t, p.dst)) && ports.some((t) => portTokenMatches(t, p.dstPort));
}

const APP_DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, mssql: 1433 };

/**
 * An application rule matches TCP to one of its protocol:port pairs — of the packet's own protocol when it speaks a
 * known one (HTTP or HTTPS; AMQP, SSH and the like meet no application rule), of any type when it is not known.
 */
function applicationRuleMatches(snapshot: Snapshot, world: RefWorld, r: FirewallApplicationRule, p: Packet, fqdn: string | undefined, appProtocol?: PathPacket["appProtocol"]): boolean {
  if (p.protocol !== "Tcp" || appProtocol === "other") return false;
  if (!r.protocols.some((x) => (x.port || APP_DEFAULT_PORT[x.type.toLowerCase()] || 443) === p.dstPort && (!appProtocol || same(x.type, appProtocol)))) return false;
  const src = [...r.sourceAddresses, ...ipGroupAddresses(snapshot, r.sourceIpGroupKeys)];
  if (!src.some((t) => firewallAddressMatches(world, t, p.src))) return false;
  const names = [...r.targetFqdns, ...r.targetUrls.map((u) => u.split("/")[0])];
  return names.some((n) => fqdnMatches(n, fqdn));
}

/** The firewall's collections in processing order: base policy first, then group priority, then collection priority. */
function orderedCollections(snapshot: Snapshot, fw: AzureFirewall): FirewallRuleCollection[] | string {
  if (!fw.policyKey) {
    const byPriority = (a: FirewallRuleCollection, b: FirewallRuleCollection) => a.priority - b.priority;
    return [...fw.networkRuleCollections].sort(byPriority).concat([...fw.applicationRuleCollections].sort(byPriority));
  }
  const chain: string[] = [];
  for (let key: string | undefined = fw.policyKey; key && !chain.includes(key); key = snapshot.firewallPolicies?.get(key)?.basePolicyKey) chain.unshift(key);
  if (!snapshot.firewallPolicies?.get(fw.policyKey)) return `policy ${fw.policyKey} is not in the input`;
  const entries: { depth: number; group: number; collection: number; c: FirewallRuleCollection }[] = [];
  chain.forEach((policyKey, depth) => {
    for (const g of snapshot.ruleCollectionGroups?.values() ?? []) {
      if (g.policyKey !== policyKey) continue;
      for (const c of g.ruleCollections) entries.push({ depth, group: g.priority, collection: c.priority, c });
    }
  });
  entries.sort((a, b) => a.depth - b.depth || a.group - b.group || a.collection - b.collection);
  return entries.map((e) => e.c);
}

/** Whether a packet's destination is public: a service tag, or an address outside the private ranges. */
const toPublic = (dst: RefAddr) => dst.kind === "tag" || isPublic(dst.family, dst.value);

function firewallStage(snapshot: Snapshot, world: RefWorld, fw: AzureFirewall, p: Packet, fqdn: string | undefined, appProtocol?: PathPacket["appProtocol"]): RefPathVerdict {
  const collections = orderedCollections(snapshot, fw);
  if (typeof collections === "string") return verdict("Unaudited", "firewall", collections);
  let decided: { action: string; rule: string } | undefined;
  // Every network rule before any application rule (https://learn.microsoft.com/azure/firewall/rule-processing).
  for (const kind of ["network", "application"] as const) {
    for (const c of collections) {
      if (decided || c.action === "Dnat") continue;
      for (const r of c.rules) {
        if (decided || r.kind !== kind) continue;
        const hit = r.kind === "network" ? networkRuleMatches(snapshot, world, r, p) : applicationRuleMatches(snapshot, world, r as FirewallApplicationRule, p, fqdn, appProtocol);
        if (hit) decided = { action: c.action, rule: `${kind} rule ${c.name}/${r.name}` };
      }
    }
  }
  if (!decided) return verdict("Deny", "firewall", `no rule of ${fw.name} matches`);
  if (decided.action !== "Allow") return verdict("Deny", "firewall", `denied by ${decided.rule}`);
  const publicDst = toPublic(p.dst);
  if (publicDst && fw.hasManagementIpConfiguration) return verdict("Unaudited", "firewall", `allowed by ${decided.rule}; forced tunnelling`);
  if (publicDst && fw.virtualHubKey && hubForcedTunnel(snapshot, fw.virtualHubKey)) return verdict("Unaudited", "firewall", `allowed by ${decided.rule}; its hub is in forced tunnel mode`);
  return verdict("Allow", "firewall", `allowed by ${decided.rule}`);
}

// ---- stage 4: outbound path --------------------------------------------------------------------

const PLATFORM = ["168.63.129.16/32", "169.254.169.254/32"];

/**
 * The outbound facts of the IP configuration holding the packet's source address: its public IP's version (none
 * without one), its backend pools, the pools of its NIC's other IP configurations, and whether it belongs to an
 * instance of a Flexible-orchestration scale set.
 */
export interface RefSource {
  publicIpVersion?: "IPv4" | "IPv6";
  pools: string[];
  otherPools: string[];
  /** `maybe`: a scale set whose input does not state `orchestrationMode`; the packet is walked both ways. */
  flexible?: boolean | "maybe";
}

/** A NIC's IP configuration holding the packet's source address (the packet's own, not the NIC's others). */
function nicSource(snapshot: Snapshot, subnet: Subnet, nic: NetworkInterface | undefined, p: Packet): RefSource | undefined {
  const ipc = nic?.ipConfigurations.find((c) => {
    const at = c.subnetKey === subnet.key && c.privateIpAddress ? parsePrefix(c.privateIpAddress) : null;
    return !!at && p.src.kind === "ip" && at.family === p.src.family && at.lo === p.src.value;
  });
  if (!nic || !ipc) return undefined;
  const publicIpVersion = ipc.publicIpKey ? (snapshot.publicIps?.get(ipc.publicIpKey)?.version ?? ipc.privateIpAddressVersion ?? (ipc.privateIpAddress?.includes(":") ? "IPv6" : "IPv4")) : undefined;
  const otherPools = nic.ipConfigurations.filter((c) => c !== ipc).flatMap((c) => c.lbBackendPoolKeys ?? []);
  // A Flexible scale set's instance NIC: its VM (by the NIC's `virtualMachine`, or the VM's network profile) names the scale set.
  const vms = [...(snapshot.virtualMachines?.values() ?? [])];
  const vm = vms.find((v) => v.nicKeys.includes(nic.key)) ?? (nic.virtualMachineKey ? snapshot.virtualMachines?.get(nic.virtualMachineKey) : undefined);
  // A VM resource naming a scale set is a Flexible instance (a Uniform one's instances are no VMs of their own), unless
  // the input states the scale set's mode as Uniform.
  const ss = vm?.scaleSetKey ? snapshot.scaleSets?.get(vm.scaleSetKey) : undefined;
  const flexible = !!vm?.scaleSetKey && !(ss?.orchestrationMode === "Uniform" && !ss.orchestrationModeDefaulted);
  return { ...(publicIpVersion ? { publicIpVersion } : {}), pools: ipc.lbBackendPoolKeys ?? [], otherPools, ...(flexible ? { flexible } : {}) };
}

/**
 * The outbound method of the packet's source address, decided by the IP configuration holding it: a backend pool holds
 * IP configurations and an instance public IP belongs to one, serving its own address family (`publicIPAddressVersion`,
 * else the IP configuration's). A NAT gateway takes an IPv6 packet only when it has an IPv6 public IP (StandardV2);
 * otherwise the packet goes by the methods below it, as if the subnet had none (nat-overview: a NAT gateway "can't be
 * associated to an IPv6 public IP address or prefix"); where the input cannot show whether it has one (the NAT gateway
 * missing, or a public IP prefix, whose version is not read), a packet those methods drop is unaudited. IPv6 leaves only
 * by a public IP or frontend with an IPv6 address (or one the input does not show); default outbound access is IPv4
 * only, and no Flexible scale set's instance has it.
 * https://learn.microsoft.com/azure/nat-gateway/nat-overview
 */
function outboundStage(snapshot: Snapshot, subnet: Subnet, src: RefSource | undefined, p: Packet): RefPathVerdict {
  const family = p.src.kind === "ip" ? p.src.family : 4;
  const v6 = family === 6;
  const publicV6 = (key: string | undefined) => !!key && snapshot.publicIps?.get(key)?.version === "IPv6";
  if (subnet.natGatewayKey) {
    const nat = snapshot.natGateways?.get(subnet.natGatewayKey);
    const natV6 = !nat ? "maybe" : nat.publicIpKeys.some(publicV6) ? "yes" : nat.publicIpPrefixKeys.length ? "maybe" : "no";
    if (!v6 || natV6 === "yes") {
      // One the input lacks may have no public IP: whether anything leaves is unknown. The platform's own addresses
      // answer whatever the outbound method.
      const noWayKnown = !nat || nat.publicIpKeys.length + nat.publicIpPrefixKeys.length === 0;
      if (noWayKnown && inAnyPrefix(p.dst, PLATFORM)) return verdict("Allow", "outbound", "the platform's own address, reachable without an outbound method");
      if (!nat) return verdict("Unaudited", "outbound", "NAT gateway not in the input");
      if (nat.publicIpKeys.length + nat.publicIpPrefixKeys.length === 0) return verdict("Deny", "outbound", "NAT gateway without a public IP");
      return verdict("Allow", "outbound", "NAT gateway");
    }
    const below = withoutNatGateway(snapshot, subnet, src, p, v6, publicV6);
    return natV6 === "maybe" && below.access === "Deny" ? verdict("Unaudited", "outbound", "NAT gateway that may carry IPv6, which the input does not show") : below;
  }
  return withoutNatGateway(snapshot, subnet, src, p, v6, publicV6);
}

/**
 * The outbound methods below a NAT gateway: the instance public IP, a load balancer's rules, default outbound access.
 * A scale set whose mode the input does not state is walked as Uniform and as Flexible: the same access either way is
 * the verdict, else the packet is unaudited.
 */
function withoutNatGateway(snapshot: Snapshot, subnet: Subnet, src: RefSource | undefined, p: Packet, v6: boolean, publicV6: (key: string | undefined) => boolean): RefPathVerdict {
  if (src?.flexible === "maybe") {
    const [uniform, flexible] = [false, true].map((f) => withoutNatGateway(snapshot, subnet, { ...src, flexible: f }, p, v6, publicV6));
    return uniform.access === flexible.access ? flexible : verdict("Unaudited", "outbound", "scale set whose orchestrationMode is not stated: Uniform and Flexible differ");
  }
  if (src?.publicIpVersion && (src.publicIpVersion === "IPv6") === v6) return verdict("Allow", "outbound", "public IP");
  let standardPool = false;
  let missingLb = false;
  for (const pool of src?.pools ?? []) {
    const lb = snapshot.loadBalancers?.get(pool.split("/backendaddresspools/")[0]);
    if (!lb) {
      missingLb = true;
      continue;
    }
    if (!same(lb.sku, "standard")) continue;
    standardPool = true;
    // An outbound rule translates only its protocol: Tcp, Udp, or All (any).
    const carries = (protocol: string | undefined) => !protocol || same(protocol, "all") || same(protocol, p.protocol);
    // A frontend translates its own family only; one the input lacks, or a prefix (version not read), may be either.
    const frontendV6 = (key: string | undefined) => {
      const f = lb.frontendIpConfigurations.find((x) => x.key === key);
      return !f || (f.publicIpKey ? publicV6(f.publicIpKey) : !!f.publicIpPrefixKey);
    };
    const frontendV4 = (key: string | undefined) => {
      const f = lb.frontendIpConfigurations.find((x) => x.key === key);
      return !f || !f.publicIpKey || !publicV6(f.publicIpKey);
    };
    const ofFamily = (key: string | undefined) => (v6 ? frontendV6(key) : frontendV4(key));
    const rule = lb.outboundRules.find((r) => r.backendPoolKey === pool && r.frontendKeys.length && carries(r.protocol));
    // The platform's own addresses answer whatever the outbound method (the engine's "platform" method).
    const platform = () => verdict("Allow", "outbound", "the platform's own address, reachable without an outbound method");
    if (rule) return rule.frontendKeys.some(ofFamily) ? verdict("Allow", "outbound", "load balancer outbound rule") : inAnyPrefix(p.dst, PLATFORM) ? platform() : verdict("Deny", "outbound", `load balancer outbound rule with ${v6 ? "IPv4" : "IPv6"} frontends only`);
    // A load-balancing rule on a public frontend SNATs outbound traffic of its protocol, unless disabled.
    const publicFrontend = (key: string | undefined) => lb.frontendIpConfigurations.some((f) => f.key === key && (f.publicIpKey || f.publicIpPrefixKey));
    const snat = (lb.snatRules ?? []).find((r) => r.backendPoolKeys.includes(pool) && publicFrontend(r.frontendKey) && carries(r.protocol));
    if (snat) return ofFamily(snat.frontendKey) ? verdict("Allow", "outbound", "load-balancing rule SNAT") : inAnyPrefix(p.dst, PLATFORM) ? platform() : verdict("Deny", "outbound", `load-balancing rule SNAT with an ${v6 ? "IPv4" : "IPv6"} frontend only`);
  }
  // A NIC in any Standard pool has no default outbound access, for each of its IP configurations (CONTRACT §4.1).
  let otherMissing = false;
  for (const pool of src?.otherPools ?? []) {
    const lb = snapshot.loadBalancers?.get(pool.split("/backendaddresspools/")[0]);
    if (!lb) otherMissing = true;
    else if (same(lb.sku, "standard")) standardPool = true;
  }
  // A pool whose load balancer the input lacks: no outbound rule can be seen, nor whether it is Standard (which matters
  // for default outbound access only where the subnet, or a Flexible scale set, does not turn it off anyway).
  if (missingLb || (otherMissing && !standardPool && subnet.defaultOutboundAccess !== false && !src?.flexible)) {
    if (inAnyPrefix(p.dst, PLATFORM)) return verdict("Allow", "outbound", "the platform's own address, reachable without an outbound method");
    return verdict("Unaudited", "outbound", "load balancer not in the input");
  }
  if (subnet.defaultOutboundAccess === false || standardPool) {
    if (inAnyPrefix(p.dst, PLATFORM)) return verdict("Allow", "outbound", "the platform's own address, reachable without an outbound method");
    return verdict("Deny", "outbound", subnet.defaultOutboundAccess === false ? "private subnet, no outbound method" : "Standard load balancer pool without outbound rule");
  }
  if (src?.flexible) {
    if (inAnyPrefix(p.dst, PLATFORM)) return verdict("Allow", "outbound", "the platform's own address, reachable without an outbound method");
    return verdict("Deny", "outbound", "Flexible scale set instance, no default outbound access");
  }
  return v6 ? verdict("Deny", "outbound", "default outbound access is IPv4 only") : verdict("Allow", "outbound", "default outbound access");
}

// ---- the walk ----------------------------------------------------------------------------------

function nsgLevel(snapshot: Snapshot, kind: "nic" | "subnet", key: string | undefined): RefLevel | undefined {
  const nsg = key ? snapshot.nsgs.get(key) : undefined;
  if (!nsg) return undefined;
  const rules: SecurityRule[] = [...nsg.securityRules, ...nsg.defaultSecurityRules];
  return { kind, rules };
}

/**
 * Who may hold the subnet's local address of a packet: the NIC whose IP configuration has it, alone (Azure gives each
 * address of a subnet to one IP configuration); else each IP configuration of a scale set's NIC profile in the subnet
 * of the address's family (the instances' addresses are not in the input, so any address of the subnet no NIC holds
 * may be any instance's, under any of those IP configurations). A subnet with neither stands for itself. Each holder
 * brings its NIC-level NSG and its outbound facts.
 * https://learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses
 */
interface RefHolder {
  label?: string;
  nsgKey?: string;
  source?: RefSource;
  /** The ASGs of the IP configuration holding the local address (see RefWorld.localEnd); unset for a subnet standing for itself. */
  asgKeys?: readonly string[];
  /** The holder is in the subnet through a NIC that is not its machine's primary one, whose NIC is elsewhere (see secondaryOnly). */
  secondary?: true;
}

/**
 * Whether a machine is in `subnet` only through a non-primary NIC: Azure gives the default gateway to the primary NIC
 * alone, so traffic with addresses outside the subnet leaves by the primary NIC unless the guest OS routes otherwise.
 * `flags`: the `primary` of each of the machine's NICs (or NIC configurations), `mine` the index of the one here,
 * `subnetsOf(i)` the subnets NIC `i` is in. A NIC or configuration is primary when marked so, or when it is the only one
 * not marked otherwise. Where that leaves it open, `partial` (NICs: the input may lack the machine's primary NIC) takes
 * a NIC marked not primary at its word; a scale set's configurations are all there, and a single one is primary.
 * https://learn.microsoft.com/azure/virtual-machines/linux/multiple-nics
 */
function secondaryOnly(flags: readonly (boolean | undefined)[], mine: number, subnetsOf: (i: number) => readonly (string | undefined)[], subnetKey: string, partial: boolean): boolean {
  if (!partial && flags.length === 1) return false;
  const marked = flags.flatMap((f, i) => (f === true ? [i] : []));
  const open = flags.flatMap((f, i) => (f !== false ? [i] : []));
  const primary = marked.length === 1 ? marked[0] : marked.length === 0 && open.length === 1 ? open[0] : undefined;
  if (primary === undefined) return partial && flags[mine] === false;
  return primary !== mine && !subnetsOf(primary).includes(subnetKey);
}

/**
 * `secondaryOnly` for a VM's NIC. Its machine's NICs: those naming its VM (a NIC with no VM and no flag is its machine's
 * only one). A NIC's flag is its own `primary`, else its VM's `networkProfile.networkInterfaces[].primary` (a Uniform
 * instance's: its scale set model's configuration of the same name); the two
 * disagreeing count as no flag. The primary may be: the one NIC marked; else several marked; else a NIC the VM marks that
 * the input lacks; else those not marked otherwise; else (all marked not primary) any of them when the VM lists its NICs
 * and all are here, a NIC the input lacks when not. Secondary-only unless `nic` is sure to be the primary or every
 * possible primary is in `subnetKey` too.
 */
function nicSecondaryOnly(snapshot: Snapshot, nic: NetworkInterface, subnetKey: string): boolean {
  const vmKey = nic.virtualMachineKey;
  if (!vmKey) return nic.primary === false;
  const vm = snapshot.virtualMachines?.get(vmKey);
  const siblings = [...snapshot.nics.values()].filter((n) => n.virtualMachineKey === vmKey);
  // A Uniform instance NIC is named after its scale set model's NIC configuration, whose flag it then takes.
  const model = (n: NetworkInterface) => {
    const configs = (n.scaleSetKey ? snapshot.scaleSets?.get(n.scaleSetKey)?.nicConfigurations : undefined) ?? [];
    const mine = configs.findIndex((c) => c.name.toLowerCase() === n.name.toLowerCase());
    if (mine < 0) return undefined;
    if (configs.length === 1) return true;
    const marked = configs.flatMap((c, i) => (c.primary === true ? [i] : []));
    const open = configs.flatMap((c, i) => (c.primary !== false ? [i] : []));
    const primary = marked.length === 1 ? marked[0] : marked.length === 0 && open.length === 1 ? open[0] : undefined;
    return primary === undefined ? configs[mine].primary : primary === mine;
  };
  const flagOf = (n: NetworkInterface) => {
    const listed = vm?.primaryByNic?.get(n.key) ?? model(n);
    return n.primary !== undefined && listed !== undefined && n.primary !== listed ? undefined : (n.primary ?? listed);
  };
  const marked = siblings.filter((n) => flagOf(n) === true);
  const vmMarked = [...(vm?.primaryByNic ?? [])].filter(([, v]) => v).map(([k]) => k);
  const open = siblings.filter((n) => flagOf(n) !== false);
  const complete = !!vm && vm.nicKeys.length > 0 && vm.nicKeys.every((k) => siblings.some((n) => n.key === k));
  const ABSENT = "absent" as const;
  const possible: (NetworkInterface | typeof ABSENT)[] = marked.length
    ? marked
    : vmMarked.length === 1 && !siblings.some((n) => n.key === vmMarked[0])
      ? [ABSENT]
      : open.length
        ? open
        : complete
          ? siblings
          : [ABSENT];
  if (possible.length === 1 && possible[0] === nic) return false;
  return possible.some((n) => n === ABSENT || !n.ipConfigurations.some((c) => c.subnetKey === subnetKey));
}

function holders(snapshot: Snapshot, subnet: Subnet, local: string, p: Packet, direction: Direction): RefHolder[] {
  const nics = subnet.nicKeys.map((k) => snapshot.nics.get(k)).filter((n): n is NetworkInterface => !!n);
  const nic = nics.find((n) => n.ipConfigurations.some((c) => c.privateIpAddress === local));
  if (nic) {
    const asgKeys = nic.ipConfigurations.find((c) => c.privateIpAddress === local)!.asgKeys;
    const secondary = nicSecondaryOnly(snapshot, nic, subnet.key);
    return [{ label: `NIC ${nic.name}`, nsgKey: nic.nsgKey, source: direction === "Outbound" ? nicSource(snapshot, subnet, nic, p) : undefined, asgKeys, ...(secondary ? { secondary: true as const } : {}) }];
  }
  const out: RefHolder[] = [];
  const at = refAddr(local);
  const family = at.kind === "ip" ? at.family : 4;
  for (const vmss of snapshot.scaleSets?.values() ?? []) {
    for (const config of vmss.nicConfigurations) {
      const here = config.ipConfigurations.filter((i) => i.subnetKey === subnet.key);
      for (const ipc of here) {
        if ((ipc.privateIpAddressVersion === "IPv6" ? 6 : 4) !== family) continue;
        // Azure pairs a public IP configuration with its IP configuration's version unless `publicIPAddressVersion` says otherwise.
        const publicIpVersion = ipc.hasPublicIp ? (ipc.publicIpAddressVersion ?? ipc.privateIpAddressVersion ?? "IPv4") : undefined;
        const otherPools = here.filter((i) => i !== ipc).flatMap((i) => i.lbBackendPoolKeys);
        const configs = vmss.nicConfigurations;
        const secondary = secondaryOnly(configs.map((c) => c.primary), configs.indexOf(config), (i) => configs[i].ipConfigurations.map((c) => c.subnetKey), subnet.key, false);
        out.push({ label: `${vmss.name}/${ipc.name}`, nsgKey: config.nsgKey, asgKeys: ipc.asgKeys, source: { ...(publicIpVersion ? { publicIpVersion } : {}), pools: ipc.lbBackendPoolKeys, otherPools, flexible: vmss.orchestrationModeDefaulted ? "maybe" : vmss.orchestrationMode === "Flexible" }, ...(secondary ? { secondary: true as const } : {}) });
      }
    }
  }
  if (!out.length && (nics.length || snapshot.scaleSets?.size)) {
    const inSubnet = [...(snapshot.scaleSets?.values() ?? [])].some((v) => v.nicConfigurations.some((c) => c.ipConfigurations.some((i) => i.subnetKey === subnet.key)));
    if (nics.length || inSubnet) throw new Error(`reference: ${local} is on no NIC or scale set of ${subnet.name}`);
  }
  return out.length ? out : [{}];
}

/**
 * Walks one packet of `subnetKey` through every stage of CONTRACT §4.1 and says what becomes of it and
 * which stage decided. Outbound (the default), the packet leaves from `srcIp`: admin rules, the NIC's
 * then the subnet's NSG, the route, the next hop and what follows. Inbound, it arrives at `dstIp`: admin
 * rules, the subnet's then the NIC's NSG, and nothing more (the sender's side is its own check), so a
 * delivered inbound packet was decided by the NSGs, or by an AlwaysAllow admin rule. The subnet's NIC
 * holding the local address supplies the NIC-level NSG and the outbound method; a subnet without NICs
 * stands for itself. Throws on input it does not model (service-tag routes, a local address on
 * no NIC of a subnet that has NICs), and where several scale set IP configurations may hold the address (see referencePackets).
 */
export function referencePacket(snapshot: Snapshot, subnetKey: string, packet: PathPacket, direction: Direction = "Outbound"): RefPathVerdict {
  const all = referencePackets(snapshot, subnetKey, packet, direction);
  if (all.length !== 1) throw new Error(`reference: ${all.length} holders of the packet's local address; use referencePackets`);
  return all[0];
}

/**
 * The packet's fate for each holder of its local address (see holders): one verdict for a NIC's address or a subnet
 * without NICs or scale sets, else one per IP configuration of that family of every scale set placing instances in the subnet.
 * Where they differ, part of the subnet's traffic from that address goes each way.
 */
export function referencePackets(snapshot: Snapshot, subnetKey: string, packet: PathPacket, direction: Direction = "Outbound"): RefPathVerdict[] {
  const subnet = snapshot.subnets.get(subnetKey);
  if (!subnet) throw new Error(`reference: no subnet ${subnetKey}`);
  const vnet = snapshot.vnets.get(subnet.vnetKey);
  if (!vnet) throw new Error(`reference: the VNet of ${subnetKey} is not in the input`);
  const p = toRefPacket(packet);
  const local = direction === "Outbound" ? packet.srcIp : packet.dstIp;
  const world = addressWorld(snapshot, subnet, vnet);
  const all = holders(snapshot, subnet, local, p, direction);
  const remote = refAddr(direction === "Outbound" ? packet.dstIp : packet.srcIp);
  return all.map((h) => {
    // Through a non-primary NIC, traffic with the world outside the subnet takes the primary NIC: the subnet's path holds
    // only if the guest OS routes otherwise. Inbound, the packet arrives at this NIC: only an allow rests on the replies.
    const walked = () => walk(snapshot, subnet, vnet, world, h, p, packet, direction);
    const away = h.secondary && !inAnyPrefix(remote, subnet.addressPrefixes);
    const inbound = away && direction === "Inbound" ? walked() : undefined;
    const v = away && (!inbound || inbound.access === "Allow") ? verdict("Unaudited", "route", "cannot be judged: in the subnet through a non-primary NIC") : (inbound ?? walked());
    return h.label ? { ...v, holder: h.label } : v;
  });
}

function walk(snapshot: Snapshot, subnet: Subnet, vnet: VirtualNetwork, world: RefWorld, holder: RefHolder, p: Packet, packet: PathPacket, direction: Direction): RefPathVerdict {
  // 1. Admin rules: Deny drops, AlwaysAllow skips the NSGs, Allow hands on.
  // 2. NSGs (refChain orders the levels by direction), unless an AlwaysAllow admin rule skips them.
  // The NSGs judge the local end as its holder's: an ASG there matches exactly when the holder's IP configuration is in it.
  const local: RefWorld = holder.asgKeys ? { ...world, localEnd: { side: direction === "Outbound" ? "src" : "dst", asgKeys: holder.asgKeys } } : world;
  const chain = refChain(local, direction, nsgLevel(snapshot, "nic", holder.nsgKey), nsgLevel(snapshot, "subnet", subnet.nsgKey), p);
  // With admin rules whose network groups the input cannot show, every choice of which of them match is walked to
  // the end of the NSGs; where they disagree (one drops, one lets through) the packet cannot be judged.
  const branches = adminDecisions(snapshot, subnet, world, direction, p);
  // A branch the NSGs cannot judge (a far-end ASG its address cannot tell) ends as neither.
  const ends = new Set(branches.map((a) => (a?.access === "Deny" || (a?.access !== "AlwaysAllow" && chain.access === "Deny") ? "Deny" : a?.access !== "AlwaysAllow" && chain.access === "Unaudited" ? "Unaudited" : "on")));
  const tag = (v: RefPathVerdict): RefPathVerdict => ({
    ...v,
    ...(branches.length > 1 ? { adminBranches: branches.map((a) => (a ? `${a.name}:${a.access}` : "none")) } : {}),
    ...(chain.branched ? { nsgBranched: true } : {}),
  });
  if (ends.size > 1) return tag(verdict("Unaudited", "admin-rule", `admin rules of unknown addresses decide it: ${branches.map((a) => a?.name ?? "none").join(" / ")}`));
  // They agree: the verdict is the one where none of them matches.
  const admin = branches[0];
  if (admin?.access === "Deny") return tag({ ...verdict("Deny", "admin-rule", `admin rule ${admin.name}`), decidingRule: admin.name });
  const walked = admin?.access === "AlwaysAllow" ? `AlwaysAllow ${admin.name}${chain.access === "Deny" ? " skipped an NSG deny" : ""}` : undefined;
  if (!walked && chain.access === "Deny") {
    const last = chain.decisions.at(-1)!;
    return tag({ ...verdict("Deny", "nsg", `NSG rule ${last.level}:${last.rule.name}`), decidingRule: `${last.level}:${last.rule.name}` });
  }
  if (!walked && chain.access === "Unaudited") {
    // Unknown at the NSGs, it goes on: a later stage that drops it decides (dropped either way); one that cannot
    // follow it names itself (firewall, outbound method, a firewall the input lacks); else the NSGs' reason stands.
    const unsure = verdict("Unaudited", "nsg", `cannot be judged: ${chain.why}`);
    if (direction === "Inbound") return tag(unsure);
    const rest = routeStage(snapshot, subnet, vnet, world, holder.source, p, packet);
    if (rest.access === "Deny") return tag(rest);
    if (rest.access === "Unaudited" && (rest.stage === "firewall" || rest.stage === "outbound" || /the input lacks$/.test(rest.why))) return tag(rest);
    return tag({ ...unsure, why: `${unsure.why}; ${rest.why}` });
  }
  if (direction === "Inbound") return tag(walked ? verdict("Allow", "admin-rule", walked) : verdict("Allow", "nsg", chain.decisions.map((d) => d.rule.name).join(" > ") || "no NSG"));
  const rest = routeStage(snapshot, subnet, vnet, world, holder.source, p, packet);
  return tag(walked ? { ...rest, why: `${walked}; ${rest.why}` } : rest);
}

/** The AzureFirewallSubnet a firewall in a VNet forwards from, when the input holds it. */
const ownSubnet = (snapshot: Snapshot, fw: AzureFirewall) => fw.subnetKeys.map((k) => snapshot.subnets.get(k)).find((s) => s !== undefined);

/**
 * Where a firewall in a VNet sends what it lets out to a public address: by its own subnet's routes, which must take it to
 * the Internet (its egress needs direct Internet connectivity). `None`: Deny at the route; anything else (a gateway, over
 * BGP, an appliance): forced tunnelling without the mode for it, not judged, at the firewall. Out to the Internet:
 * undefined; delivered in the VNets' own space (a public range used privately): Allow at the route. https://learn.microsoft.com/azure/firewall/forced-tunneling
 */
function firewallOnward(snapshot: Snapshot, fw: AzureFirewall, p: Packet): RefPathVerdict | undefined {
  const own = ownSubnet(snapshot, fw);
  const vnet = own && snapshot.vnets.get(own.vnetKey);
  if (!own || !vnet) return undefined;
  const route = pickRoute(effectiveRoutes(snapshot, own, vnet), p.dst);
  const via = `onward: ${route.user ? "user" : route.bgp ? "learned" : "system"} route ${route.text} -> ${route.hop}`;
  if (!route.bgp && same(route.hop, "Internet")) return undefined;
  if (!route.bgp && same(route.hop, "None")) return verdict("Deny", "route", via);
  if (route.leftOut) return verdict("Deny", "route", `${via}: the subnet peering leaves the firewall's subnet out`);
  // A public range the VNets use as their own space: delivered there, not sent out.
  if (!route.bgp && ["vnetlocal", "vnetpeering", "virtualnetworkserviceendpoint", "interfaceendpoint"].includes(route.hop.toLowerCase())) return verdict("Allow", "route", via);
  return verdict("Unaudited", "firewall", `${via}: forced tunnelling`);
}

/**
 * Whether the firewall leaves `dst` un-SNATed when a network rule lets it through: its SNAT private ranges (the
 * policy's own, else the nearest base policy's that has them; a classic firewall's own; IANA's private ranges by
 * default) hold the address; ranges covering all of IPv4 hold a service tag too. Then the packet would leave with its
 * private source, which Azure does not route to the Internet. https://learn.microsoft.com/azure/firewall/snat-private-range
 */
/** A network rule's Allow to a public address the firewall leaves un-SNATed: Deny at the outbound stage; else undefined. */
function snatDrop(snapshot: Snapshot, fw: AzureFirewall, p: Packet, out: RefPathVerdict): RefPathVerdict | undefined {
  const publicDst = toPublic(p.dst);
  if (out.access !== "Allow" || !publicDst || !/^allowed by network rule/.test(out.why) || !notSnatted(snapshot, fw, p.dst)) return undefined;
  return verdict("Deny", "outbound", `${out.why}; not SNATed: a private source to the Internet`);
}

function notSnatted(snapshot: Snapshot, fw: AzureFirewall, dst: RefAddr): boolean {
  let ranges: string[] | undefined = fw.policyKey ? undefined : fw.snatPrivateRanges;
  for (let k = fw.policyKey; !ranges && k; k = snapshot.firewallPolicies?.get(k)?.basePolicyKey) ranges = snapshot.firewallPolicies?.get(k)?.snatPrivateRanges;
  const cidrs = (ranges ?? ["IANAPrivateRanges"]).flatMap((r) => (same(r, "IANAPrivateRanges") ? ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] : [r]));
  if (dst.kind === "tag") return cidrs.includes("0.0.0.0/0");
  return dst.family === 4 && cidrs.some((c) => inPrefix(4, dst.value, mustParsePrefix(c)));
}

/**
 * The reply to a connection a firewall in a VNet let out through its public IP: the firewall forwards it to the packet's
 * source by its own subnet's routes. A route that drops it: Deny at the route. An appliance or gateway it goes to, or a
 * peering into the source's VNet whose "allow forwarded traffic" is off on either side: not judged, at the firewall.
 * Delivered: undefined (the firewall's Allow stands). https://learn.microsoft.com/azure/firewall/firewall-faq
 */
function replyFromFirewall(snapshot: Snapshot, fw: AzureFirewall, srcVnet: VirtualNetwork, p: Packet): RefPathVerdict | undefined {
  const own = ownSubnet(snapshot, fw);
  const vnet = own && snapshot.vnets.get(own.vnetKey);
  if (!own || !vnet) return undefined;
  const route = pickRoute(effectiveRoutes(snapshot, own, vnet), p.src);
  const via = `reply: ${route.user ? "user" : route.bgp ? "learned" : "system"} route ${route.text} -> ${route.hop}${route.ip ? ` ${route.ip}` : ""}`;
  if (route.bgp) return verdict("Unaudited", "firewall", `${via} (over BGP): a gateway outside the audit`);
  switch (route.hop.toLowerCase()) {
    case "vnetlocal":
      return undefined;
    case "vnetpeering": {
      if (route.leftOut) return verdict("Deny", "route", `${via}: the subnet peering leaves the firewall's subnet out`);
      const off = (from: VirtualNetwork, to: VirtualNetwork) => from.peerings.some((x) => x.remoteVnetKey === to.key && x.allowForwardedTraffic === false);
      return off(vnet, srcVnet) || off(srcVnet, vnet) ? verdict("Unaudited", "firewall", `${via}: a peering refuses forwarded traffic`) : undefined;
    }
    case "none":
      return verdict("Deny", "route", via);
    case "virtualappliance": {
      const ip = route.ip?.trim() ?? "";
      const holder = [vnet, ...peeredSpaces(snapshot, vnet).flatMap((x) => (x.remote && !x.connectedGroup ? [x.remote] : []))]
        .flatMap((v) => v.subnetKeys.map((k) => snapshot.subnets.get(k)!).filter(Boolean))
        .find((s) => inAnyPrefix(refAddr(ip), s.addressPrefixes));
      if (!holder && peeredSpaces(snapshot, vnet).some((x) => x.connectedGroup && inAnyPrefix(refAddr(ip), x.prefixes))) return verdict("Unaudited", "firewall", `${via}: a next hop in a connected group's VNet`);
      if (!holder) return verdict("Deny", "route", `${via}: unreachable next hop`);
      if (!peerJoins(snapshot, vnet, own, holder, refAddr(ip))) return verdict("Deny", "route", `${via}: a next hop the subnet peering does not join`);
      const nic = holder.nicKeys.map((k) => snapshot.nics.get(k)).find((n) => n?.ipConfigurations.some((c) => c.privateIpAddress?.trim() === ip));
      if (nic?.enableIpForwarding === false) return verdict("Deny", "route", `${via}: IP forwarding off on ${nic.name}`);
      return verdict("Unaudited", "firewall", `${via}: an appliance outside the audit`);
    }
    default:
      throw new Error(`reference: reply by a route the worlds do not make: ${via}`);
  }
}

/**
 * Whether a packet from `subnet` (in `vnet`) reaches next hop `at` in `holder`: in the same VNet always; in a peered
 * VNet unless a subnet peering leaves either subnet out, or an IPv6-only peering meets an IPv4 next hop.
 */
function peerJoins(snapshot: Snapshot, vnet: VirtualNetwork, subnet: Subnet, holder: Subnet, at: RefAddr): boolean {
  if (holder.vnetKey === vnet.key) return true;
  const space = peeredSpaces(snapshot, vnet).find((x) => !x.connectedGroup && x.remote?.key === holder.vnetKey);
  if (!space) return true;
  if (space.v6Only && at.kind === "ip" && at.family === 4) return false;
  if (space.joins?.local && !space.joins.local.includes(subnet.name.toLowerCase())) return false;
  return !(space.joins?.remote && !space.joins.remote.includes(holder.name.toLowerCase()));
}

/** Stage 3 and what follows it: the route, its next hop, then the firewall or the outbound path. */
function routeStage(snapshot: Snapshot, subnet: Subnet, vnet: VirtualNetwork, world: RefWorld, source: RefSource | undefined, p: Packet, packet: PathPacket): RefPathVerdict {
  const route = pickRoute(effectiveRoutes(snapshot, subnet, vnet), p.dst);
  const via = `${route.user ? "user" : route.hub || route.bgp ? "learned" : "system"} route ${route.text} -> ${route.hop}${route.ip ? ` ${route.ip}` : ""}${route.overLearned ? " over a learned route" : ""}`;
  // On-premises, an ExpressRoute circuit or an NVA behind Route Server: beyond the gateway, outside the audit.
  if (route.bgp) return verdict("Unaudited", "route", `${via} (over BGP): a gateway outside the audit`);
  if (route.hub) {
    const at = `${via} (${route.name})`;
    const h = route.hub;
    if (h.kind === "router") return verdict("Allow", "route", `${at}: the hub's router delivers`);
    if (h.kind === "other") return verdict("Unaudited", "route", `${at}: ${h.id.split("/").pop()}, a next hop outside the audit`);
    if (h.kind === "unread") return verdict("Unaudited", "route", `${at}: the routing of hub ${h.hub} (a route table, or a connection not provisioned) is what the input lacks`);
    const fw = snapshot.firewalls?.get(h.id);
    if (!fw) return verdict("Unaudited", "route", `${at}: ${h.id.split("/").pop()}, a firewall the input lacks`);
    const out = firewallStage(snapshot, world, fw, p, packet.fqdn, packet.appProtocol);
    const decided = snatDrop(snapshot, fw, p, out) ?? out;
    return { ...decided, why: `${at}; ${decided.why}` };
  }
  switch (route.hop.toLowerCase()) {
    case "connectedgroup":
      // Joined once the configuration is deployed to the region, which no GET shows.
      return verdict("Unaudited", "route", `${via}: whether the connected group's configuration is deployed is what the input lacks`);
    case "vnetpeering":
      return route.leftOut ? verdict("Deny", "route", `${via}: the subnet peering leaves the subnet out`) : verdict("Allow", "route", via);
    case "vnetlocal":
    case "virtualnetworkserviceendpoint":
    case "interfaceendpoint":
      return verdict("Allow", "route", via);
    case "none":
      return verdict("Deny", "route", via);
    case "internet": {
      // The contract describes the outbound path for public destinations; a private destination that a
      // user route sends to the Internet is not specified, and takes the same outbound path here.
      const out = outboundStage(snapshot, subnet, source, p);
      return { ...out, why: `${via}; ${out.why}` };
    }
    case "virtualnetworkgateway": {
      const own = vnet.subnetKeys.some((k) => same(snapshot.subnets.get(k)?.name, "GatewaySubnet"));
      const remote = vnet.peerings.find((x) => x.useRemoteGateways && peeringCarries(snapshot, vnet, x));
      // Over a subnet peering that leaves the subnet out, to the remote gateway too, the packets are dropped.
      const joins = remote && peeredSpaces(snapshot, vnet).find((x) => !x.connectedGroup && x.remote?.key === remote.remoteVnetKey)?.joins;
      if (!own && joins?.local && !joins.local.includes(subnet.name.toLowerCase())) return verdict("Deny", "route", `${via}: the subnet peering to the gateway's VNet leaves the subnet out`);
      return own || remote ? verdict("Unaudited", "route", `${via}: a gateway`) : verdict("Deny", "route", `${via}: no gateway`);
    }
    case "virtualappliance": {
      const ip = route.ip?.trim();
      if (!ip) return verdict("Deny", "route", `${via}: no address`);
      const at = refAddr(ip);
      // The next hop must sit in a subnet of the VNet or of a connected peering, or it cannot be reached.
      const spaces = peeredSpaces(snapshot, vnet);
      const vnets = [vnet, ...spaces.flatMap((s) => (s.remote && !s.connectedGroup ? [s.remote] : []))];
      let holder: Subnet | undefined;
      for (const v of vnets) {
        for (const k of v.subnetKeys) {
          const s = snapshot.subnets.get(k);
          if (s && !holder && inAnyPrefix(at, s.addressPrefixes)) holder = s;
        }
      }
      const fw = [...(snapshot.firewalls?.values() ?? [])].find((f) => f.privateIpAddresses.some((a) => a.trim() === ip));
      // A secured hub's firewall is reached through the hub the VNet is connected to (its connection is a peering with
      // the hub's own VNet), in the hub's address prefix.
      const hubFirewall = fw?.virtualHubKey && [...(snapshot.hubConnections?.values() ?? [])].some((c) => c.remoteVnetKey === vnet.key && c.hubKey === fw.virtualHubKey && inAnyPrefix(at, [snapshot.virtualHubs?.get(c.hubKey)?.addressPrefix ?? ""].filter(Boolean)));
      if (fw && hubFirewall) {
        const out = firewallStage(snapshot, world, fw, p, packet.fqdn, packet.appProtocol);
        const decided = snatDrop(snapshot, fw, p, out) ?? out;
        return { ...decided, why: `${via}; ${decided.why}` };
      }
      if (!holder && spaces.some((s) => s.connectedGroup && inAnyPrefix(at, s.prefixes))) return verdict("Unaudited", "route", `${via}: a next hop in a connected group's VNet, whose deployment is what the input lacks`);
      if (!holder) return verdict("Deny", "route", `${via}: unreachable next hop`);
      if (!peerJoins(snapshot, vnet, subnet, holder, at)) return verdict("Deny", "route", `${via}: a next hop the subnet peering does not join`);
      if (fw) {
        const out = firewallStage(snapshot, world, fw, p, packet.fqdn, packet.appProtocol);
        const publicDst = toPublic(p.dst);
        const onward = out.access === "Allow" && publicDst ? firewallOnward(snapshot, fw, p) : undefined;
        if (onward) return { ...onward, why: `${via}; ${out.why}; ${onward.why}` };
        const unSnatted = snatDrop(snapshot, fw, p, out);
        if (unSnatted) return { ...unSnatted, why: `${via}; ${unSnatted.why}` };
        const back = packet.replies && out.access === "Allow" && publicDst ? replyFromFirewall(snapshot, fw, vnet, p) : undefined;
        return { ...(back ?? out), why: `${via}; ${out.why}${back ? `; ${back.why}` : ""}` };
      }
      if (same(holder.name, "AzureFirewallSubnet")) return verdict("Unaudited", "route", `${via}: a firewall the input lacks`);
      for (const k of holder.nicKeys) {
        const n = snapshot.nics.get(k);
        if (!n?.ipConfigurations.some((c) => c.privateIpAddress?.trim() === ip)) continue;
        if (n.enableIpForwarding === false) return verdict("Deny", "route", `${via}: IP forwarding off on ${n.name}`);
      }
      return verdict("Unaudited", "route", `${via}: an appliance outside the audit`);
    }
    default:
      throw new Error(`reference: unknown next hop ${route.hop}`);
  }
}
