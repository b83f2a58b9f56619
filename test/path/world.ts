// Generators for the path properties: small estates (one or two VNets, an optional peering, a route
// table, an Azure Firewall with a policy, a NAT gateway or a private subnet, admin rules, NSGs, a NIC and/or a
// scale set in the work subnet), built
// as ARM JSON through the real loader, and packets aimed at the edges of every prefix in play.
import fc from "fast-check";
import { type CollectionSpec, EstateBuilder, type RuleSpec, SUB, estate, id } from "../helpers/estate-builder";
import { V4_TOP, mustParsePrefix } from "../reference/ip";
import type { PacketProtocol } from "../reference/nsg";
import type { PathPacket } from "../reference/path";

export const WORK_SUBNET = "a/work";
export const NIC_IP = "10.0.1.10";
/** A dual-stack world's IPv6 space: VNet a's, the work subnet's, and the NIC's second IP configuration's address. */
const VNET_A_V6 = "fd00:a::/48";
const WORK_V6 = "fd00:a:1::/64";
export const NIC_IP6 = "fd00:a:1::10";
/** An IPv6 address of the work subnet on no NIC: only a scale set's instance may hold it. */
const SCALE_SET_IP6 = "fd00:a:1::30";
/** IPv6 destinations: public ones, the subnet's own space, the VNet's, a unique local address outside it (routed to the Internet). */
const V6_DST = ["2603:1030:20::5", "2001:4860:4860::8888", "fd00:a:1::20", "fd00:a::1", "fd00:b::1"];
const FW_IP_A = "10.0.255.4";
/** Virtual hub `hub`'s address prefix and its firewall fw-hub's private IP (hubIPAddresses.privateIPAddress). */
export const HUB_PREFIX = "10.200.0.0/23";
export const FW_IP_HUB = "10.200.0.132";
const FW_IP_B = "10.100.0.4";
/** Next-hop addresses: both firewall spots, a hub address in AzureFirewallSubnet but no firewall, an NVA NIC, a subnet with no NIC there, VNet space outside every subnet, nowhere at all. */
const HOP_IPS = [FW_IP_A, FW_IP_B, FW_IP_B, "10.100.0.9", "10.100.1.5", "10.0.2.9", "10.0.9.9", "192.0.2.1"];

const VNET_A = [["10.0.0.0/16"], ["10.0.0.0/16", "192.168.0.0/16"], ["10.0.0.0/16", "20.40.0.0/16"], ["10.0.0.0/16", "100.64.0.0/10"]];
const VNET_B = [["10.100.0.0/16"], ["10.100.0.0/16", "172.16.0.0/12"]];

const ROUTE_PREFIXES = [
  "0.0.0.0/0",
  "0.0.0.0/1",
  "128.0.0.0/1",
  "10.0.0.0/8",
  "20.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "10.0.0.0/16",
  "10.100.0.0/16",
  "20.40.0.0/16",
  "10.0.1.0/24",
  "10.0.2.0/24",
  "10.100.1.0/24",
  "8.8.8.0/24",
  "20.40.1.0/24",
];
const NSG_SRC = ["*", "*", "VirtualNetwork", "10.0.1.0/24", NIC_IP, "10.0.0.0/16", "10.0.1.128/25"];
/** ASGs an NSG rule may name instead of prefixes: asg-nodes (the NIC's and scale set IP configurations' that say so) and asg-other (no member). */
export const ASG_NODES = "asg-nodes";
const ASGS: string[][] = [[ASG_NODES], [ASG_NODES], ["asg-other"], [ASG_NODES, "asg-other"]];
const NSG_DST = ["*", "Internet", "VirtualNetwork", "Storage", "AzureCloud", "8.8.8.0/24", "20.0.0.0/8", "10.100.0.0/16", "168.63.129.16", "0.0.0.0/0", "192.168.0.0/16", "128.0.0.0/1"];
const PORTS = ["*", "443", "80", "53", "22", "1-1024", "8000-9000"];
const FW_SRC = ["*", "*", "10.0.0.0/16", "10.0.1.0/25", "192.168.0.0/16", "10.0.0.0-10.0.1.15"];
const FW_PORTS = ["*", "*", "443", "80", "53", "1-1024", "8000-9000"];
// Broad entries are repeated so that collections overlap and their order decides.
const FW_DST = ["*", "*", "0.0.0.0/0", "8.8.8.0/24", "20.0.0.0/8", "20.40.0.0/16", "10.100.0.0/16", "10.0.0.0/8", "Storage", "AzureCloud", "128.0.0.0/1", "192.168.0.0/16", "20.40.1.0-20.40.1.127"];
/**
 * Network groups an admin rule may name as an address: one whose member is VNet a (known), one whose member is VNet b
 * (unknown when the world has no b), one with no static member and one the input lacks (both unknown).
 */
const group = (name: string) => `${id("networkManagers", "avnm")}/networkGroups/${name}`;
export const GROUP_OWN = group("ng-own");
export const GROUP_HUB = group("ng-hub");
export const GROUP_EMPTY = group("ng-empty");
export const GROUP_ABSENT = group("ng-absent");
const GROUPS = [GROUP_OWN, GROUP_HUB, GROUP_EMPTY, GROUP_ABSENT];
export const FQDN_PATTERNS = ["*", "github.com", "*.github.com", "*.blob.core.windows.net", "management.azure.com", "acct.blob.core.windows.net"];
export const FQDNS = ["github.com", "codeload.github.com", "acct.blob.core.windows.net", "x.y.blob.core.windows.net", "management.azure.com", "example.org"];

export interface RouteSpec {
  prefix: string;
  hop: "None" | "Internet" | "VirtualAppliance" | "VnetLocal" | "VirtualNetworkGateway";
  ip?: string;
}

export interface AdminSpec {
  vnet: "a" | "b";
  priority: number;
  direction: "Inbound" | "Outbound";
  access: "Allow" | "Deny" | "AlwaysAllow";
  protocol: "Tcp" | "Udp" | "Any";
  src?: string[];
  dst: string[];
  ports: string[];
  /** Whose rule it is: network manager avnm's configuration sac (undefined), its configuration sac2, or network manager avnm2's sac. */
  owner?: "sac2" | "avnm2";
}

export interface GroupSpec {
  priority: number;
  collections: CollectionSpec[];
}

export interface FirewallSpec {
  /** `hub`: fw-hub, an AZFW_Hub firewall in virtual hub `hub` at FW_IP_HUB (hub worlds only). */
  where: "a" | "b" | "hub";
  managementIp: boolean;
  groups: GroupSpec[];
  /** Rule collection groups of a base policy, when there is one. */
  baseGroups?: GroupSpec[];
}

/** A backend pool a NIC's IP configuration may be in (see PathWorld.nic). */
export type PoolKind = "missing" | "none" | "Tcp" | "Udp" | "All" | "lb-rule";

/**
 * An IP configuration of a scale set's NIC profile in the work subnet: in the pool of the scale set's own load balancer
 * lbss (`ss`, an IPv4 frontend), of the NIC's lb (`nic`) or lb6 (`nic6`), each absent from the input when the world
 * does not build it; and a public IP configuration, its `publicIPAddressVersion` given or not.
 */
export interface ScaleSetIpcSpec {
  pool?: "ss" | "nic" | "nic6";
  publicIp?: "unversioned" | "IPv4" | "IPv6";
  /** In ASG asg-nodes (`applicationSecurityGroups`), which NSG rules may name (ASGS). */
  asg?: boolean;
}

/**
 * A scale set placing instances in the work subnet, instead of the NIC or beside it: its orchestration mode, its
 * load balancer lbss's kind, and one or two IP configurations per family (IPv6 ones make the subnet dual-stack).
 */
export interface ScaleSetSpec {
  /** `unstated`: the input leaves `orchestrationMode` out, so the engine and the reference judge both modes. */
  mode: "Uniform" | "Flexible" | "unstated";
  besideNic: boolean;
  lb: PoolKind;
  v4: ScaleSetIpcSpec[];
  v6: ScaleSetIpcSpec[];
  /** Whether its NIC profile has an NSG (nsg-ss: the rules generated for the NIC, whether the NIC stays or not). */
  ownNsg?: boolean;
  nsg?: RuleSpec[];
}

/** A route of a virtual hub route table: CIDR destinations to the hub's firewall fw-hub or to connection conn-b (an NVA behind it). */
export interface HubRouteSpec {
  name: string;
  destinations: string[];
  to: "firewall" | "conn-b";
}

/**
 * Virtual hub `hub` (HUB_PREFIX), VNet a connected to it (connection conn-a), the work subnet learning its routes. The
 * routing intent's policies and every hub route to `firewall` name fw-hub, in the input only when the world's firewall
 * is placed in the hub.
 */
export interface HubSpec {
  intent: "none" | "Internet" | "PrivateTraffic" | "both";
  /** defaultRouteTable's routes (with a private traffic policy: its additional prefixes); `absent`: the table is not in the input. */
  table: HubRouteSpec[] | "absent";
  /** Connection conn-a associated with route table `custom` (labels `custom`) holding these routes, instead of defaultRouteTable. */
  custom?: HubRouteSpec[];
  /** conn-a's `enableInternetSecurity`; undefined: left out (Azure's default, true). */
  enableInternetSecurity?: boolean;
  /** The work subnet's route table disables BGP route propagation (the world gets a route table for it). */
  disableBgp: boolean;
  /** VNet b connected too (conn-b): propagating by default (defaultRouteTable), to no table (`none`), or to labels default and custom (`all`). */
  b?: "default" | "none" | "all";
  /** The hub's `azureFirewall` names fw-hub (whether the input has it or not). */
  secured: boolean;
}

export interface PathWorld {
  vnetA: string[];
  vnetB?: string[];
  peering: "none" | "connected" | "disconnected" | "no-access";
  /**
   * The peering is a subnet peering joining these subnets of a (`work`, `other`) and of b (`AzureFirewallSubnet`,
   * `shared`); `back`: what b's peering resource lists instead of the mirror of a's; `onlyIpv6`: enableOnlyIPv6Peering.
   */
  subnetPeering?: { a: string[]; b: string[]; back?: { local: string[]; remote: string[] }; onlyIpv6?: boolean };
  /**
   * An Azure Virtual Network Manager connectivity configuration over VNets a and b (network group ng-cg): a mesh, a
   * hub-and-spoke one with direct connectivity between its spokes, or one without it (which joins nothing by itself).
   */
  connectedGroup?: "mesh" | "direct" | "hub-spoke";
  /**
   * The network manager's deployment status list for the admin rules' configuration (sac) in the VNets' region:
   * `deployed` lists it, `other` lists only another configuration (so sac's rules are not in effect), `deploying` lists
   * it in a deployment not finished (its rules may or may not be in force), `other-manager` lists another network
   * manager's configuration only (which says nothing of sac's).
   */
  adminDeployment?: "deployed" | "other" | "deploying" | "other-manager";
  /**
   * Network manager avnm's `networkManagerScopes`: the VNets' subscription (`in`), another one (`out`), or a management
   * group only (`mg`: whether the subscription is under it is not in the input). Undefined: no scope in the input.
   */
  adminScope?: "in" | "out" | "mg";
  /**
   * Subnet a/other delegated to SQL Managed Instance (a network intent policy in VNet a), and configuration sac's
   * applyOnNetworkIntentPolicyBasedServices: a value, or `unset` (absent: None).
   */
  intentPolicy?: "None" | "AllowRulesOnly" | "All" | "unset";
  /**
   * Routes VNet a learned over BGP, as the effective route table of the world's NIC (nic-work) lists them (source
   * VirtualNetworkGateway; `invalid`: listed Invalid, as where the NIC's own subnet overrides them, which still counts:
   * each subnet's routes rank them). The table lists the subnet's user routes too, as Azure's does. `system`: system rows
   * it lists besides (none: a table cut down to its learned and user rows): the VNet's space, with the private ranges'
   * None routes Active ("none-kept") or without them ("none-gone", as under a learned 0.0.0.0/0 where Azure drops them).
   */
  bgp?: { prefixes: string[]; invalid: boolean; system?: "none-kept" | "none-gone" };
  routes?: RouteSpec[];
  firewall?: FirewallSpec;
  /**
   * A route table on the firewall's own subnet (AzureFirewallSubnet of a or b) sending the work subnet's prefix, where
   * the firewall forwards the replies of what it let out, to `None` or to the NVA at 10.100.1.5.
   */
  fwReturn?: "none" | "nva";
  /** The VNet whose peering resource of a–b has "allow forwarded traffic" off (the firewall's replies into a cross it). */
  forwardingOffAt?: "a" | "b";
  /** The firewall policy's `snat.privateRanges`: never SNAT (0.0.0.0/0), or IANA's ranges and a public range besides. */
  snatRanges?: string[];
  /** The flows are connections whose replies must come back (FlowSpec `replies`; the reference's packet `replies`). */
  replies?: boolean;
  nvaForwarding: boolean;
  nat: boolean;
  /** The subnet names NAT gateway `nat` but the input lacks it. */
  natMissing?: boolean;
  defaultOutboundAccess?: boolean;
  subnetNsg?: RuleSpec[];
  /**
   * A NIC in the subnet at NIC_IP, with its own NSG or none, and optionally in the backend pool of a Standard load
   * balancer: one the input lacks (`missing`), one without an outbound rule (`none`), with an outbound rule for
   * that protocol, or with a TCP load-balancing rule whose outbound SNAT is on (`lb-rule`).
   */
  nic?: {
    nsg?: RuleSpec[];
    pool?: PoolKind;
    /** An instance public IP on the IPv4 IP configuration (its version given as IPv4, or not given). */
    publicIp?: "IPv4" | "unversioned";
    /** Its IPv4 IP configuration is in ASG asg-nodes. */
    asg?: boolean;
    /**
     * A dual-stack NIC (VNet a and the subnet get IPv6 space): a second IP configuration at NIC_IP6 whose pool and public IP
     * differ from the first's: a pool of load balancer lb6 (IPv6 frontend; `missing`: lb6 not in the input), or the IPv4
     * configuration's pool (`v4-pool`, whose frontend is IPv4), and an IPv6 public IP.
     */
    v6?: { pool?: PoolKind | "v4-pool"; publicIp?: boolean };
  };
  scaleSet?: ScaleSetSpec;
  admin: AdminSpec[];
  hub?: HubSpec;
}

const uniqueBy = <T>(xs: T[], key: (x: T) => string | number): T[] => {
  const seen = new Set<string | number>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
};

/** The seed page's BlockOutbound rule, in half of the NSGs, so admin rules and routes meet real lockdowns. */
const BLOCK_OUTBOUND: RuleSpec = { name: "BlockOutbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", src: "*", dst: "Internet", ports: "*" };

const nsgRulesArb: fc.Arbitrary<RuleSpec[]> = fc
  .tuple(fc.boolean(), fc.array(
    fc.record({
      priority: fc.integer({ min: 100, max: 4096 }),
      direction: fc.constantFrom<"Inbound" | "Outbound">("Outbound", "Outbound", "Outbound", "Inbound"),
      access: fc.constantFrom<"Allow" | "Deny">("Allow", "Deny"),
      protocol: fc.constantFrom("Tcp", "Tcp", "Udp", "*", "Icmp"),
      src: fc.array(fc.constantFrom(...NSG_SRC), { minLength: 1, maxLength: 2 }),
      dst: fc.array(fc.constantFrom(...NSG_DST), { minLength: 1, maxLength: 2 }),
      ports: fc.array(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 2 }),
      // An ASG instead of the prefixes, now and then on either side (RuleSpec: ASGs replace the side's prefixes).
      srcAsgs: fc.option(fc.constantFrom(...ASGS), { nil: undefined, freq: 4 }),
      dstAsgs: fc.option(fc.constantFrom(...ASGS), { nil: undefined, freq: 6 }),
    }),
    { maxLength: 6 },
  ))
  .map(([block, rules]) => uniqueBy([...(block ? [BLOCK_OUTBOUND] : []), ...rules.map((r, i) => ({ name: `r${i}`, ...r }))], (r) => `${r.direction}${r.priority}`));

const routeArb: fc.Arbitrary<RouteSpec> = fc.oneof(
  { arbitrary: fc.record({ prefix: fc.constantFrom(...ROUTE_PREFIXES), hop: fc.constant("VirtualAppliance" as const), ip: fc.constantFrom(...HOP_IPS) }), weight: 4 },
  { arbitrary: fc.record({ prefix: fc.constantFrom(...ROUTE_PREFIXES), hop: fc.constantFrom("None" as const, "Internet" as const) }), weight: 4 },
  { arbitrary: fc.record({ prefix: fc.constantFrom(...ROUTE_PREFIXES), hop: fc.constantFrom("VnetLocal" as const, "VirtualNetworkGateway" as const) }), weight: 1 },
);

const networkRuleArb = fc.record({
  kind: fc.constant("network" as const),
  protocols: fc.uniqueArray(fc.constantFrom("TCP", "UDP", "ICMP", "Any"), { minLength: 1, maxLength: 2 }),
  src: fc.array(fc.constantFrom(...FW_SRC), { minLength: 1, maxLength: 2 }),
  dst: fc.array(fc.constantFrom(...FW_DST), { minLength: 1, maxLength: 2 }),
  ports: fc.array(fc.constantFrom(...FW_PORTS), { minLength: 1, maxLength: 2 }),
});

const applicationRuleArb = fc.record({
  kind: fc.constant("application" as const),
  src: fc.array(fc.constantFrom(...FW_SRC), { minLength: 1, maxLength: 2 }),
  fqdns: fc.array(fc.constantFrom(...FQDN_PATTERNS), { minLength: 1, maxLength: 2 }),
  ports: fc.uniqueArray(fc.constantFrom(80, 443), { minLength: 1, maxLength: 2 }),
  // Mostly each port's own protocol (Http:80, Https:443); now and then the other one or Mssql on it.
  types: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.array(fc.constantFrom<"Http" | "Https" | "Mssql">("Http", "Https", "Mssql"), { minLength: 2, maxLength: 2 }), weight: 1 }),
});

type Unnamed<T> = T extends unknown ? Omit<T, "name"> : never;
type RuleSeed = Unnamed<CollectionSpec["rules"][number]>;

/** One collection holds rules of one kind, as Azure requires. */
const collectionArb: fc.Arbitrary<{ priority: number; action: "Allow" | "Deny"; rules: RuleSeed[] }> = fc.record({
  priority: fc.integer({ min: 100, max: 65000 }),
  action: fc.constantFrom<"Allow" | "Deny">("Allow", "Allow", "Deny"),
  rules: fc.oneof(fc.array<RuleSeed>(networkRuleArb, { minLength: 1, maxLength: 2 }), fc.array<RuleSeed>(applicationRuleArb, { minLength: 1, maxLength: 2 })),
});

const groupsArb = (prefix: string): fc.Arbitrary<GroupSpec[]> =>
  fc
    .array(fc.record({ priority: fc.integer({ min: 100, max: 65000 }), collections: fc.array(collectionArb, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 2 })
    .map((groups) =>
      uniqueBy(groups, (g) => g.priority).map((g, gi) => ({
        priority: g.priority,
        collections: uniqueBy(g.collections, (c) => c.priority).map((c, ci) => ({
          ...c,
          name: `${prefix}g${gi}c${ci}`,
          rules: c.rules.map((r, ri) => ({ ...r, name: `${prefix}g${gi}c${ci}r${ri}` }) as CollectionSpec["rules"][number]),
        })),
      })),
    );

const adminArb: fc.Arbitrary<AdminSpec[]> = fc
  .array(
    fc.record({
      vnet: fc.constantFrom<"a" | "b">("a", "a", "a", "b"),
      // Unique here; ties (allowed across rule collections) come from path.property.test.ts's adminTieWorldArb.
      priority: fc.integer({ min: 1, max: 4096 }),
      direction: fc.constantFrom<"Inbound" | "Outbound">("Outbound", "Outbound", "Outbound", "Inbound"),
      access: fc.constantFrom<"Allow" | "Deny" | "AlwaysAllow">("Allow", "Deny", "AlwaysAllow"),
      protocol: fc.constantFrom<"Tcp" | "Udp" | "Any">("Tcp", "Udp", "Any", "Any"),
      src: fc.option(fc.array(fc.constantFrom("*", "10.0.1.0/24", "10.0.1.128/25", ...GROUPS), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
      dst: fc.array(fc.constantFrom("*", "Internet", "10.100.0.0/16", "8.8.8.0/24", "0.0.0.0/0", "Storage", "VirtualNetwork", "20.0.0.0/8", ...GROUPS), { minLength: 1, maxLength: 2 }),
      ports: fc.oneof(
        { arbitrary: fc.constant<string[]>(["0-65535"]), weight: 2 },
        { arbitrary: fc.array(fc.constantFrom("0-65535", "443", "80", "53", "1-1024"), { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
      owner: fc.oneof({ arbitrary: fc.constant<AdminSpec["owner"]>(undefined), weight: 10 }, { arbitrary: fc.constantFrom<AdminSpec["owner"]>("sac2", "avnm2"), weight: 1 }),
    }),
    { maxLength: 3 },
  )
  .map((rules) => uniqueBy(rules, (r) => r.priority));

const poolKindArb: fc.Arbitrary<PoolKind> = fc.constantFrom<PoolKind>("missing", "missing", "none", "Tcp", "Udp", "All", "lb-rule", "lb-rule", "lb-rule");

const scaleSetIpcArb: fc.Arbitrary<ScaleSetIpcSpec> = fc.record(
  {
    pool: fc.constantFrom<ScaleSetIpcSpec["pool"]>(undefined, undefined, undefined, "ss", "ss", "ss", "nic", "nic6"),
    publicIp: fc.constantFrom<ScaleSetIpcSpec["publicIp"]>(undefined, undefined, undefined, "unversioned", "IPv4", "IPv6"),
    asg: fc.constant(true),
  },
  { requiredKeys: [] },
);

export const scaleSetArb: fc.Arbitrary<ScaleSetSpec> = fc.record({
  mode: fc.constantFrom<ScaleSetSpec["mode"]>("Uniform", "Flexible"),
  besideNic: fc.boolean(),
  lb: fc.constantFrom<PoolKind>("missing", "none", "Tcp", "Udp", "All", "lb-rule", "lb-rule"),
  v4: fc.array(scaleSetIpcArb, { minLength: 1, maxLength: 2 }),
  v6: fc.oneof({ arbitrary: fc.constant<ScaleSetIpcSpec[]>([]), weight: 2 }, { arbitrary: fc.array(scaleSetIpcArb, { minLength: 1, maxLength: 2 }), weight: 1 }),
  ownNsg: fc.boolean(),
});

const A_SUBNETS = ["work", "other"];
const B_SUBNETS = ["AzureFirewallSubnet", "shared"];
/** Names as a peering may list them: any case, since Azure compares names case-insensitively. */
const listed = (names: string[]) => fc.subarray(names).chain((xs) => fc.tuple(...xs.map((x) => fc.constantFrom(x, x, x.toUpperCase()))).map((t) => [...t]));

export const subnetPeeringArb: fc.Arbitrary<NonNullable<PathWorld["subnetPeering"]>> = fc.record(
  {
    a: listed(A_SUBNETS),
    b: listed(B_SUBNETS),
    back: fc.option(fc.record({ local: listed(B_SUBNETS), remote: listed(A_SUBNETS) }), { nil: undefined, freq: 4 }),
    onlyIpv6: fc.constantFrom(false, false, false, false, true),
  },
  { requiredKeys: ["a", "b"] },
);

export const pathWorldArb: fc.Arbitrary<PathWorld> = fc
  .record({
    vnetA: fc.constantFrom(...VNET_A),
    vnetB: fc.option(fc.constantFrom(...VNET_B), { nil: undefined, freq: 4 }),
    peering: fc.constantFrom<PathWorld["peering"]>("connected", "connected", "connected", "none", "disconnected", "no-access"),
    // Rare here, so that the peering carries the firewall's traffic often in every property; a property of its own draws it always.
    subnetPeering: fc.oneof({ arbitrary: fc.constant<PathWorld["subnetPeering"]>(undefined), weight: 12 }, { arbitrary: subnetPeeringArb, weight: 1 }),
    connectedGroup: fc.constantFrom<PathWorld["connectedGroup"]>(undefined, undefined, undefined, undefined, undefined, undefined, "mesh", "direct", "hub-spoke"),
    routes: fc.option(fc.array(routeArb, { maxLength: 5 }).map((rs) => uniqueBy(rs, (r) => r.prefix)), { nil: undefined, freq: 6 }),
    firewall: fc.option(
      fc.record({
        where: fc.constantFrom<"a" | "b">("a", "b", "b"),
        managementIp: fc.constantFrom(false, false, true),
        groups: groupsArb("p"),
        baseGroups: fc.option(groupsArb("base"), { nil: undefined, freq: 3 }),
      }),
      { nil: undefined, freq: 6 },
    ),
    fwReturn: fc.constantFrom<PathWorld["fwReturn"]>(undefined, undefined, "none", "nva"),
    snatRanges: fc.constantFrom<string[] | undefined>(undefined, undefined, undefined, ["0.0.0.0/0"], ["IANAPrivateRanges", "8.8.0.0/16"]),
    forwardingOffAt: fc.constantFrom<PathWorld["forwardingOffAt"]>(undefined, undefined, undefined, "a", "b"),
    replies: fc.boolean(),
    nvaForwarding: fc.boolean(),
    nat: fc.boolean(),
    natMissing: fc.constantFrom(false, false, false, false, false, true),
    defaultOutboundAccess: fc.constantFrom<boolean | undefined>(undefined, undefined, false, true),
    subnetNsg: fc.option(nsgRulesArb, { nil: undefined, freq: 2 }),
    nic: fc.option(
      fc.record({
        nsg: fc.option(nsgRulesArb, { nil: undefined, freq: 2 }),
        pool: fc.option(poolKindArb, { nil: undefined, freq: 3 }),
        publicIp: fc.constantFrom<"IPv4" | "unversioned" | undefined>(undefined, undefined, undefined, undefined, "IPv4", "unversioned"),
        asg: fc.boolean(),
        v6: fc.option(
          fc.record({ pool: fc.option(fc.oneof(poolKindArb, fc.constant("v4-pool" as const)), { nil: undefined, freq: 3 }), publicIp: fc.constantFrom(false, false, true) }),
          { nil: undefined, freq: 2 },
        ),
      }),
      { nil: undefined },
    ),
    scaleSet: fc.option(scaleSetArb, { nil: undefined, freq: 5 }),
    admin: fc.oneof({ arbitrary: fc.constant<AdminSpec[]>([]), weight: 1 }, { arbitrary: adminArb, weight: 1 }),
    adminDeployment: fc.constantFrom<PathWorld["adminDeployment"]>(undefined, undefined, undefined, "deployed", "other", "deploying", "other-manager"),
    // Rare here, so that admin rules still decide often in every property; the admin reach property draws them often.
    adminScope: fc.oneof({ arbitrary: fc.constant<PathWorld["adminScope"]>(undefined), weight: 12 }, { arbitrary: fc.constantFrom<PathWorld["adminScope"]>("in", "out", "mg"), weight: 1 }),
    intentPolicy: fc.oneof({ arbitrary: fc.constant<PathWorld["intentPolicy"]>(undefined), weight: 12 }, { arbitrary: fc.constantFrom<PathWorld["intentPolicy"]>("None", "AllowRulesOnly", "All", "unset"), weight: 1 }),
    bgp: fc.option(
      fc.record({
        prefixes: fc.uniqueArray(fc.constantFrom("0.0.0.0/0", "8.8.0.0/16", "10.0.0.0/8", "10.0.1.0/25", "192.168.0.0/16", "20.0.0.0/8"), { minLength: 1, maxLength: 3 }),
        invalid: fc.constantFrom(false, false, false, true),
        system: fc.constantFrom<"none-kept" | "none-gone" | undefined>(undefined, "none-kept", "none-gone", "none-gone"),
      }),
      { nil: undefined, freq: 5 },
    ),
    defaultToFirewall: fc.constantFrom(true, true, true, false),
  })
  .map(withScaleSet)
  .map(({ defaultToFirewall, ...w }) => {
    // A firewall in the hub needs a hub; without one it sits in VNet a.
    const firewall = w.firewall && w.firewall.where === "b" && !w.vnetB ? { ...w.firewall, where: "a" as const } : w.firewall;
    // Most worlds with a firewall send their default route to it, as a hub-and-spoke lockdown does.
    const toFirewall: RouteSpec | undefined = firewall && defaultToFirewall ? { prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: firewall.where === "a" ? FW_IP_A : FW_IP_B } : undefined;
    const routes = toFirewall ? uniqueBy([toFirewall, ...(w.routes ?? [])], (r) => r.prefix) : w.routes;
    return { ...w, firewall, routes } as PathWorld;
  });

const PRIVATE_TRAFFIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/** The name of the `VirtualNetwork` rule hub worlds put first in the subnet's NSG now and then. */
export const VNET_RULE = "vnet-first";
/**
 * Hub routes a route table may hold: the ones Firewall Manager and routing intent write (`_policy_*`, all_traffic,
 * private_traffic), narrower ones inside b's space and the work subnet (which the peering and VNet a's own routes keep),
 * and ones to an NVA behind conn-b.
 */
const HUB_ROUTES: HubRouteSpec[] = [
  { name: "_policy_PrivateTraffic", destinations: PRIVATE_TRAFFIC, to: "firewall" },
  { name: "_policy_PublicTraffic", destinations: ["0.0.0.0/0"], to: "firewall" },
  { name: "all_traffic", destinations: ["0.0.0.0/0"], to: "firewall" },
  { name: "private_traffic", destinations: PRIVATE_TRAFFIC, to: "firewall" },
  { name: "b_shared", destinations: ["10.100.1.0/24"], to: "firewall" },
  { name: "own_subnet", destinations: ["10.0.1.0/24"], to: "firewall" },
  { name: "to_b_nva", destinations: ["172.20.0.0/16"], to: "conn-b" },
  { name: "nva_default", destinations: ["0.0.0.0/0"], to: "conn-b" },
];

/** Some of HUB_ROUTES, no destination going two ways (which of two hub routes for one prefix wins is not modelled). */
const hubRoutesArb: fc.Arbitrary<HubRouteSpec[]> = fc.shuffledSubarray(HUB_ROUTES).map((rs) => {
  const taken = new Map<string, string>();
  return rs.filter((r) => {
    if (r.destinations.some((d) => (taken.get(d) ?? r.to) !== r.to)) return false;
    for (const d of r.destinations) taken.set(d, r.to);
    return true;
  });
});

export const hubSpecArb: fc.Arbitrary<HubSpec> = fc.record(
  {
    intent: fc.constantFrom<HubSpec["intent"]>("none", "none", "none", "Internet", "Internet", "PrivateTraffic", "PrivateTraffic", "both", "both"),
    table: fc.oneof({ arbitrary: fc.constant<"absent">("absent"), weight: 2 }, { arbitrary: hubRoutesArb, weight: 4 }),
    custom: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: hubRoutesArb, weight: 2 }),
    enableInternetSecurity: fc.constantFrom<boolean | undefined>(undefined, true, true, false),
    disableBgp: fc.constantFrom(false, false, true),
    b: fc.constantFrom<HubSpec["b"]>(undefined, "default", "default", "none", "all"),
    secured: fc.constantFrom(true, true, false),
  },
  { requiredKeys: ["intent", "table", "enableInternetSecurity", "disableBgp", "secured"] },
);

/**
 * Worlds with VNet a connected to virtual hub `hub` (and b sometimes too, beside a peering or instead of it): the
 * firewall mostly in the hub (fw-hub), else in a or missing; a user default route now and then (to the Internet, to
 * fw-hub's address, or the base world's); NSGs and admin rules in half of them.
 */
export const hubWorldArb: fc.Arbitrary<PathWorld> = fc
  .record({
    base: pathWorldArb,
    hub: hubSpecArb,
    firewall: fc.constantFrom("hub", "hub", "hub", "a", "none"),
    groups: groupsArb("p"),
    baseGroups: fc.option(groupsArb("base"), { nil: undefined, freq: 3 }),
    userDefault: fc.constantFrom("none", "none", "none", "base", "internet", "hub-firewall"),
    quiet: fc.boolean(),
    forcedTunnel: fc.constantFrom(false, false, false, false, true),
    // A subnet rule on `VirtualNetwork` first, now and then: which learned prefixes it holds decides.
    vnetRule: fc.constantFrom<"Allow" | "Deny" | undefined>(undefined, undefined, undefined, "Allow", "Deny"),
  })
  .map(({ base, hub: spec, firewall: where, groups, baseGroups, userDefault, quiet, forcedTunnel, vnetRule }) => {
    // Forced tunnel mode, now and then: a private traffic policy alone, 0.0.0.0/0 an additional prefix to fw-hub.
    const allTraffic = HUB_ROUTES.find((r) => r.name === "all_traffic")!;
    const hub: HubSpec = forcedTunnel
      ? { ...spec, intent: "PrivateTraffic", table: [allTraffic, ...(spec.table === "absent" ? [] : spec.table.filter((r) => !r.destinations.includes("0.0.0.0/0")))], enableInternetSecurity: spec.enableInternetSecurity ?? true }
      : spec;
    const firewall = forcedTunnel ? "hub" : where;
    const fw: FirewallSpec | undefined = firewall === "none" ? undefined : { where: firewall as "hub" | "a", managementIp: false, groups, ...(baseGroups ? { baseGroups } : {}) };
    const kept = userDefault === "base" ? base.routes : base.routes?.filter((r) => r.prefix !== "0.0.0.0/0");
    const added: RouteSpec[] = userDefault === "internet" ? [{ prefix: "0.0.0.0/0", hop: "Internet" }] : userDefault === "hub-firewall" ? [{ prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: FW_IP_HUB }] : [];
    const routes = added.length || kept || hub.disableBgp ? [...added, ...(kept ?? [])] : undefined;
    const w: PathWorld = { ...base, hub, firewall: fw, routes, vnetB: hub.b ? (base.vnetB ?? VNET_B[0]) : base.vnetB };
    const q = quiet ? { ...w, subnetNsg: undefined, nic: w.nic && { ...w.nic, nsg: undefined }, scaleSet: w.scaleSet && { ...w.scaleSet, nsg: undefined }, admin: [] } : w;
    if (!vnetRule) return q;
    const rule: RuleSpec = { name: VNET_RULE, priority: 100, direction: "Outbound", access: vnetRule, protocol: "*", src: "*", dst: "VirtualNetwork", ports: "*" };
    return { ...q, subnetNsg: [rule, ...(q.subnetNsg ?? []).filter((r) => !(r.priority === 100 && r.direction === "Outbound"))] };
  });

/**
 * A scale set stands instead of the NIC unless beside it; in a dual-stack subnet it has an IPv6 IP configuration (one no
 * IP configuration of that family would stand for is Azure's impossible case: instances get no address of it).
 */
function withScaleSet<W extends { scaleSet?: ScaleSetSpec; nic?: PathWorld["nic"] }>(w: W): W {
  if (!w.scaleSet) return w;
  const nic = w.scaleSet.besideNic ? w.nic : undefined;
  const v6 = nic?.v6 && !w.scaleSet.v6.length ? [{}] : w.scaleSet.v6;
  const nsg = w.scaleSet.ownNsg ? w.nic?.nsg : undefined;
  return { ...w, nic, scaleSet: { ...w.scaleSet, v6, ...(nsg ? { nsg } : {}) } };
}

/** Whether the work subnet (and VNet a) has IPv6 space: a dual-stack NIC or a scale set with IPv6 IP configurations. */
export const dualStack = (w: PathWorld) => !!w.nic?.v6 || !!w.scaleSet?.v6.length;

const publicIp = (name: string, version?: string) => ({ id: id("publicIPAddresses", name), name, type: "Microsoft.Network/publicIPAddresses", properties: version ? { publicIPAddressVersion: version } : {} });

/**
 * Standard load balancer `name` with one public frontend (public IP `<name>-pip`, not in the input for `lb`: its
 * version is Azure's default, IPv4) and backend pool `poolName`: an outbound rule for that protocol, none (`none`), or
 * a TCP load-balancing rule whose outbound SNAT is on (`lb-rule`).
 */
function loadBalancer(name: string, poolName: string, kind: Exclude<PoolKind, "missing">) {
  const lbId = id("loadBalancers", name);
  const pool = `${lbId}/backendAddressPools/${poolName}`;
  const frontend = `${lbId}/frontendIPConfigurations/fe`;
  return {
    id: lbId,
    name,
    type: "Microsoft.Network/loadBalancers",
    sku: { name: "Standard" },
    properties: {
      frontendIPConfigurations: [{ id: frontend, name: "fe", properties: { publicIPAddress: { id: id("publicIPAddresses", `${name}-pip`) } } }],
      backendAddressPools: [{ id: pool, name: poolName }],
      outboundRules: kind === "none" || kind === "lb-rule" ? [] : [{ name: "out", properties: { protocol: kind, backendAddressPool: { id: pool }, frontendIPConfigurations: [{ id: frontend }] } }],
      // A load-balancing rule for TCP on the public frontend, its outbound SNAT left on.
      loadBalancingRules: kind === "lb-rule" ? [{ name: "https", properties: { protocol: "Tcp", frontendIPConfiguration: { id: frontend }, backendAddressPool: { id: pool }, disableOutboundSnat: false } }] : [],
    },
  };
}

/** The world as ARM JSON, read by the real loader. */
export function buildEstate(w: PathWorld): EstateBuilder {
  const dual = dualStack(w);
  const b = estate().vnet("a", dual ? [...w.vnetA, VNET_A_V6] : w.vnetA);
  b.subnet(WORK_SUBNET, dual ? ["10.0.1.0/24", WORK_V6] : "10.0.1.0/24", {
    ...(w.subnetNsg ? { nsg: "nsg-work" } : {}),
    ...(w.routes ? { routeTable: "rt" } : {}),
    ...(w.nat ? { natGateway: "nat" } : {}),
    ...(w.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: w.defaultOutboundAccess } : {}),
  });
  b.subnet("a/other", "10.0.2.0/24", w.intentPolicy ? { delegations: ["Microsoft.Sql/managedInstances"] } : {});
  const fwReturn = (vnet: "a" | "b") => (w.fwReturn && w.firewall?.where === vnet ? { routeTable: "rt-fw" } : {});
  if (w.firewall?.where === "a") b.subnet("a/AzureFirewallSubnet", "10.0.255.0/26", fwReturn("a"));
  if (w.fwReturn && (w.firewall?.where === "a" || w.firewall?.where === "b")) {
    b.routeTable("rt-fw", [{ name: "to-work", prefix: "10.0.1.0/24", hop: w.fwReturn === "none" ? "None" : "VirtualAppliance", ...(w.fwReturn === "nva" ? { ip: "10.100.1.5" } : {}) }]);
  }
  if (w.vnetB) {
    b.vnet("b", w.vnetB).subnet("b/AzureFirewallSubnet", "10.100.0.0/26", fwReturn("b")).subnet("b/shared", "10.100.1.0/24");
    b.extra({
      id: `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/networkInterfaces/nva`,
      name: "nva",
      type: "Microsoft.Network/networkInterfaces",
      properties: {
        enableIPForwarding: w.nvaForwarding,
        ipConfigurations: [{ name: "ipc", properties: { privateIPAddress: "10.100.1.5", subnet: { id: `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/b/subnets/shared` } } }],
      },
    });
    const sp = w.subnetPeering;
    const subnetPeering = sp ? { subnets: { a: sp.a, b: sp.b }, ...(sp.back ? { lists: { b: sp.back } } : {}), ...(sp.onlyIpv6 ? { onlyIpv6: true } : {}) } : {};
    if (w.peering !== "none") b.peer("a", "b", { ...(w.peering === "disconnected" ? { state: "Disconnected" } : w.peering === "no-access" ? { allowVnetAccess: false } : {}), ...(w.forwardingOffAt ? { forwardingOffAt: w.forwardingOffAt } : {}), ...subnetPeering });
    if (w.connectedGroup) {
      const manager = id("networkManagers", "avnm-cg");
      const group = `${manager}/networkGroups/ng-cg`;
      b.extra(
        { id: manager, name: "avnm-cg", type: "Microsoft.Network/networkManagers", properties: {} },
        { id: group, name: "ng-cg", type: "Microsoft.Network/networkManagers/networkGroups", properties: { memberType: "VirtualNetwork" } },
        ...["a", "b"].map((v) => ({ id: `${group}/staticMembers/${v}`, name: v, type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: id("virtualNetworks", v) } })),
        {
          id: `${manager}/connectivityConfigurations/cg`,
          name: "cg",
          type: "Microsoft.Network/networkManagers/connectivityConfigurations",
          properties: {
            connectivityTopology: w.connectedGroup === "mesh" ? "Mesh" : "HubAndSpoke",
            isGlobal: "False",
            hubs: w.connectedGroup === "mesh" ? [] : [{ resourceId: id("virtualNetworks", "hub-elsewhere"), resourceType: "Microsoft.Network/virtualNetworks" }],
            appliesToGroups: [{ networkGroupId: group, groupConnectivity: w.connectedGroup === "direct" ? "DirectlyConnected" : "None", isGlobal: "False", useHubGateway: "False" }],
          },
        },
      );
    }
  }
  if (w.subnetNsg) b.nsg("nsg-work", w.subnetNsg);
  if (w.nic) {
    if (w.nic.nsg) b.nsg("nsg-nic", w.nic.nsg);
    const pool = `${id("loadBalancers", "lb")}/backendAddressPools/pool`;
    const pool6 = `${id("loadBalancers", "lb6")}/backendAddressPools/pool6`;
    const v6 = w.nic.v6;
    if (!w.nic.publicIp && !v6) b.nic("nic-work", WORK_SUBNET, { ip: NIC_IP, ...(w.nic.nsg ? { nsg: "nsg-nic" } : {}), ...(w.nic.pool ? { pools: [pool] } : {}), ...(w.nic.asg ? { asgs: [ASG_NODES] } : {}) });
    else {
      // IP configurations that differ in pools and public IPs (the builder's nic() makes one IP configuration).
      const subnetId = `${id("virtualNetworks", "a")}/subnets/work`;
      const ipConfig = (name: string, ip: string, version: string, pools: string[], publicIp?: string, asg?: boolean) => ({
        name,
        properties: {
          subnet: { id: subnetId },
          privateIPAddress: ip,
          privateIPAddressVersion: version,
          ...(pools.length ? { loadBalancerBackendAddressPools: pools.map((x) => ({ id: x })) } : {}),
          ...(publicIp ? { publicIPAddress: { id: id("publicIPAddresses", publicIp) } } : {}),
          ...(asg ? { applicationSecurityGroups: [{ id: id("applicationSecurityGroups", ASG_NODES) }] } : {}),
        },
      });
      const v6Pools = !v6?.pool ? [] : v6.pool === "v4-pool" ? [pool] : [pool6];
      b.extra({
        id: id("networkInterfaces", "nic-work"),
        name: "nic-work",
        type: "Microsoft.Network/networkInterfaces",
        properties: {
          ...(w.nic.nsg ? { networkSecurityGroup: { id: id("networkSecurityGroups", "nsg-nic") } } : {}),
          ipConfigurations: [
            ipConfig("ipconfig1", NIC_IP, "IPv4", w.nic.pool ? [pool] : [], w.nic.publicIp ? "nic-pip4" : undefined, w.nic.asg),
            ...(v6 ? [ipConfig("ipconfig6", NIC_IP6, "IPv6", v6Pools, v6.publicIp ? "nic-pip6" : undefined)] : []),
          ],
        },
      });
      if (w.nic.publicIp) b.extra(publicIp("nic-pip4", w.nic.publicIp === "IPv4" ? "IPv4" : undefined));
      if (v6?.publicIp) b.extra(publicIp("nic-pip6", "IPv6"));
    }
    const v4Pool = w.nic.pool ?? (v6?.pool === "v4-pool" ? "none" : undefined);
    if (v4Pool && v4Pool !== "missing") b.extra(loadBalancer("lb", "pool", v4Pool));
    if (v6?.pool && v6.pool !== "v4-pool" && v6.pool !== "missing") b.extra(loadBalancer("lb6", "pool6", v6.pool), publicIp("lb6-pip", "IPv6"));
  }
  if (w.scaleSet) buildScaleSet(b, w.scaleSet);
  if (w.routes) b.routeTable("rt", w.routes.map((r, i) => ({ name: `route${i}`, prefix: r.prefix, hop: r.hop, ...(r.ip ? { ip: r.ip } : {}) })), { disableBgpRoutePropagation: !!w.hub?.disableBgp });
  if (w.nat && !w.natMissing) b.natGateway("nat");
  if (w.firewall) {
    const fw = w.firewall;
    const toGroups = (prefix: string, gs: GroupSpec[]) => gs.map((g, i) => ({ name: `${prefix}rcg${i}`, priority: g.priority, collections: g.collections }));
    if (fw.baseGroups) b.policy("fwp-base", toGroups("base", fw.baseGroups));
    b.policy("fwp", toGroups("child", fw.groups), { ...(fw.baseGroups ? { base: "fwp-base" } : {}), ...(w.snatRanges ? { snatPrivateRanges: w.snatRanges } : {}) });
    if (fw.where === "hub") {
      b.extra({
        id: FW_HUB,
        name: "fw-hub",
        type: "Microsoft.Network/azureFirewalls",
        properties: { sku: { name: "AZFW_Hub", tier: "Standard" }, virtualHub: { id: HUB }, firewallPolicy: { id: id("firewallPolicies", "fwp") }, hubIPAddresses: { privateIPAddress: FW_IP_HUB, publicIPs: { addresses: [{ address: "20.1.2.3" }], count: 1 } } },
      });
    } else b.firewall("fw", fw.where, fw.where === "a" ? FW_IP_A : FW_IP_B, { policy: "fwp", managementIp: fw.managementIp });
  }
  if (w.hub) buildHub(b, w.hub);
  if (w.admin.length) {
    // The groups admin rules may name as addresses (ng-absent stays out of the input).
    const member = (g: string, vnet: string) => ({ id: `${g}/staticMembers/${vnet}`, name: vnet, type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: id("virtualNetworks", vnet) } });
    const groupResource = (g: string) => ({ id: g, name: g.split("/").pop(), type: "Microsoft.Network/networkManagers/networkGroups", properties: { memberType: "VirtualNetwork" } });
    b.extra(groupResource(GROUP_OWN), member(GROUP_OWN, "a"), groupResource(GROUP_HUB), member(GROUP_HUB, "b"), groupResource(GROUP_EMPTY));
  }
  w.admin.forEach((r, i) =>
    b.adminRule(`admin${i}`, [r.vnet], {
      priority: r.priority,
      direction: r.direction,
      access: r.access,
      protocol: r.protocol,
      ...(r.src ? { src: r.src } : {}),
      dst: r.dst,
      ports: r.ports,
      ...(r.owner === "avnm2" ? { manager: "avnm2" } : r.owner === "sac2" ? { configuration: "sac2" } : {}),
    }),
  );
  if (w.admin.length && w.adminScope) {
    // Written after the rules' own (property-less) manager resource, so this one is read.
    const subscriptions = w.adminScope === "in" ? [`/subscriptions/${SUB}`] : w.adminScope === "out" ? ["/subscriptions/99999999-0000-0000-0000-000000000000"] : [];
    const managementGroups = w.adminScope === "mg" ? ["/providers/Microsoft.Management/managementGroups/mg-hpc"] : [];
    b.extra({ id: id("networkManagers", "avnm"), name: "avnm", type: "Microsoft.Network/networkManagers", properties: { networkManagerScopes: { subscriptions, managementGroups } } });
  }
  if (w.admin.length && w.intentPolicy && w.intentPolicy !== "unset") {
    b.extra({ id: `${id("networkManagers", "avnm")}/securityAdminConfigurations/sac`, name: "sac", type: "Microsoft.Network/networkManagers/securityAdminConfigurations", properties: { applyOnNetworkIntentPolicyBasedServices: [w.intentPolicy] } });
  }
  if (w.bgp && w.nic) {
    // `az network nic show-effective-route-table` for nic-work, with the NIC's id added (az prints none).
    b.extra({
      networkInterfaceId: id("networkInterfaces", "nic-work"),
      value: [
        { source: "VirtualNetworkGateway", state: w.bgp.invalid ? "Invalid" : "Active", addressPrefix: w.bgp.prefixes, nextHopType: "VirtualNetworkGateway", nextHopIpAddress: ["10.0.255.4"] },
        // No system 0.0.0.0/0 → Internet row: its state would have to match the input's routes (route-disputes.ts).
        ...(w.bgp.system ? [{ source: "Default", state: "Active", addressPrefix: w.vnetA, nextHopType: "VnetLocal", nextHopIpAddress: [] }] : []),
        ...(w.bgp.system === "none-kept" ? ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((p) => ({ source: "Default", state: "Active", addressPrefix: [p], nextHopType: "None", nextHopIpAddress: [] })) : []),
        // The subnet's user routes by name, as Azure lists them (a service-tag route as one row of the tag's prefixes,
        // which are not compared), so the table never disputes the input (lib/snapshot/route-disputes.ts).
        ...(w.routes ?? []).map((r, i) => ({ name: `route${i}`, source: "User", state: "Active", addressPrefix: [/^[\d.:]+\/\d+$/.test(r.prefix) ? r.prefix : "192.0.2.0/24"], nextHopType: r.hop, nextHopIpAddress: r.ip ? [r.ip] : [] })),
      ],
    });
  }
  if (w.admin.length && w.adminDeployment) {
    // An entry of `az network manager list-deploy-status` (no id); the builder's admin rules are all in configuration sac.
    const sac = w.adminDeployment === "other-manager" ? `${id("networkManagers", "avnm-b")}/securityAdminConfigurations/sac-b` : `${id("networkManagers", "avnm")}/securityAdminConfigurations/${w.adminDeployment === "other" ? "sac-other" : "sac"}`;
    b.extra({ commitTime: "2026-11-01T00:00:00Z", configurationIds: [sac], deploymentStatus: w.adminDeployment === "deploying" ? "Deploying" : "Deployed", deploymentType: "SecurityAdmin", errorMessage: "", region: "westeurope" });
  }
  return b;
}

const HUB = id("virtualHubs", "hub");
const FW_HUB = id("azureFirewalls", "fw-hub");

/** Virtual hub `hub` as ARM JSON: the hub, its connections to a (and b), route tables and routing intent. */
function buildHub(b: EstateBuilder, hub: HubSpec): void {
  const table = (name: string) => `${HUB}/hubRouteTables/${name}`;
  b.extra({ id: HUB, name: "hub", type: "Microsoft.Network/virtualHubs", location: "westeurope", properties: { addressPrefix: HUB_PREFIX, ...(hub.secured ? { azureFirewall: { id: FW_HUB } } : {}) } });
  const connection = (vnet: string, props: Record<string, unknown>) => ({
    id: `${HUB}/hubVirtualNetworkConnections/conn-${vnet}`,
    name: `conn-${vnet}`,
    type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
    properties: { remoteVirtualNetwork: { id: id("virtualNetworks", vnet) }, provisioningState: "Succeeded", ...props },
  });
  b.extra(
    connection("a", {
      ...(hub.enableInternetSecurity !== undefined ? { enableInternetSecurity: hub.enableInternetSecurity } : {}),
      ...(hub.custom ? { routingConfiguration: { associatedRouteTable: { id: table("custom") }, propagatedRouteTables: { ids: [{ id: table("defaultRouteTable") }], labels: ["default"] } } } : {}),
    }),
  );
  if (hub.b) {
    const propagation = hub.b === "none" ? { ids: [{ id: table("noneRouteTable") }], labels: ["none"] } : hub.b === "all" ? { ids: [], labels: ["default", "custom"] } : undefined;
    b.extra(connection("b", propagation ? { routingConfiguration: { associatedRouteTable: { id: table("defaultRouteTable") }, propagatedRouteTables: propagation } } : {}));
  }
  const routes = (rs: HubRouteSpec[]) => rs.map((r) => ({ name: r.name, destinationType: "CIDR", destinations: r.destinations, nextHopType: "ResourceId", nextHop: r.to === "firewall" ? FW_HUB : `${HUB}/hubVirtualNetworkConnections/conn-b` }));
  const routeTable = (name: string, labels: string[], rs: HubRouteSpec[]) => ({ id: table(name), name, type: "Microsoft.Network/virtualHubs/hubRouteTables", properties: { labels, routes: routes(rs) } });
  if (hub.table !== "absent") b.extra(routeTable("defaultRouteTable", ["default"], hub.table));
  if (hub.custom) b.extra(routeTable("custom", ["custom"], hub.custom));
  if (hub.intent !== "none") {
    const policies = [
      ...(hub.intent !== "PrivateTraffic" ? [{ name: "PublicTraffic", destinations: ["Internet"], nextHop: FW_HUB }] : []),
      ...(hub.intent !== "Internet" ? [{ name: "PrivateTraffic", destinations: ["PrivateTraffic"], nextHop: FW_HUB }] : []),
    ];
    b.extra({ id: `${HUB}/routingIntent/ri`, name: "ri", type: "Microsoft.Network/virtualHubs/routingIntent", properties: { routingPolicies: policies } });
  }
}

/** The scale set's ARM JSON (one NIC profile, its IP configurations in the work subnet) and its load balancer lbss. */
function buildScaleSet(b: EstateBuilder, ss: ScaleSetSpec): void {
  const subnetId = `${id("virtualNetworks", "a")}/subnets/work`;
  const pools = { ss: `${id("loadBalancers", "lbss")}/backendAddressPools/poolss`, nic: `${id("loadBalancers", "lb")}/backendAddressPools/pool`, nic6: `${id("loadBalancers", "lb6")}/backendAddressPools/pool6` };
  const ipConfig = (spec: ScaleSetIpcSpec, i: number, version: "IPv4" | "IPv6") => ({
    name: `ss${version === "IPv4" ? 4 : 6}-${i}`,
    properties: {
      primary: version === "IPv4" && i === 0,
      subnet: { id: subnetId },
      privateIPAddressVersion: version,
      ...(spec.pool ? { loadBalancerBackendAddressPools: [{ id: pools[spec.pool] }] } : {}),
      ...(spec.publicIp ? { publicIPAddressConfiguration: { name: `pip${i}`, properties: spec.publicIp === "unversioned" ? {} : { publicIPAddressVersion: spec.publicIp } } } : {}),
      ...(spec.asg ? { applicationSecurityGroups: [{ id: id("applicationSecurityGroups", ASG_NODES) }] } : {}),
    },
  });
  if (ss.nsg) b.nsg("nsg-ss", ss.nsg);
  b.extra({
    id: `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/vmss`,
    name: "vmss",
    type: "Microsoft.Compute/virtualMachineScaleSets",
    sku: { name: "Standard_D2s_v5", capacity: 2 },
    properties: {
      ...(ss.mode === "unstated" ? {} : { orchestrationMode: ss.mode }),
      virtualMachineProfile: {
        networkProfile: {
          networkInterfaceConfigurations: [{ name: "nic", properties: { primary: true, ...(ss.nsg ? { networkSecurityGroup: { id: id("networkSecurityGroups", "nsg-ss") } } : {}), ipConfigurations: [...ss.v4.map((x, i) => ipConfig(x, i, "IPv4")), ...ss.v6.map((x, i) => ipConfig(x, i, "IPv6"))] } }],
        },
      },
    },
  });
  if (ss.lb !== "missing" && [...ss.v4, ...ss.v6].some((x) => x.pool === "ss")) b.extra(loadBalancer("lbss", "poolss", ss.lb));
}

// ---- packets -----------------------------------------------------------------------------------

const dotted = (v: bigint) => {
  const n = Number(v);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
};

/** The edges of every prefix in play, the hop and platform addresses, and points of service tags. */
export const DST_CANDIDATES: string[] = (() => {
  const prefixes = new Set([...ROUTE_PREFIXES, ...VNET_A.flat(), ...VNET_B.flat(), ...NSG_DST, ...FW_DST, "10.0.1.0/24", "10.0.2.0/24", "10.0.255.0/26", "10.100.0.0/26", "10.100.1.0/24"]);
  const out = new Set<string>();
  for (const text of prefixes) {
    if (text.includes("-")) {
      for (const end of text.split("-")) out.add(end);
      continue;
    }
    if (!/^\d/.test(text)) continue;
    const p = mustParsePrefix(text);
    for (const v of [p.lo - 1n, p.lo, p.lo + 1n, (p.lo + p.hi) / 2n, p.hi, p.hi + 1n]) if (v >= 0n && v <= V4_TOP) out.add(dotted(v));
  }
  for (const ip of [...HOP_IPS, "169.254.169.254", "168.63.129.16", "8.8.8.8", "140.82.112.3"]) out.add(ip);
  // The platform's addresses get extra weight: the contract treats them specially at two stages.
  return [...out, "Storage.WestEurope", "Storage", "AzureCloud.EastUS", "Sql.WestEurope", ...Array<string>(4).fill("168.63.129.16"), ...Array<string>(3).fill("169.254.169.254")];
})();

/** Destinations for hub worlds: the edges of the hub's prefix and of the ranges its routes name, fw-hub, b's space, the private ranges outside every VNet, public addresses. */
const HUB_DST: string[] = (() => {
  const out = new Set<string>([FW_IP_HUB, "10.200.1.17", "10.100.0.5", "10.100.1.5", "10.100.200.1", "10.50.0.1", "172.16.5.5", "172.31.255.254", "192.168.1.1", "8.8.8.8", "140.82.112.3", "20.40.1.5", "Storage.WestEurope", "AzureCloud.EastUS"]);
  for (const text of [HUB_PREFIX, "10.100.1.0/24", "172.20.0.0/16"]) {
    const p = mustParsePrefix(text);
    for (const v of [p.lo - 1n, p.lo, (p.lo + p.hi) / 2n, p.hi, p.hi + 1n]) out.add(dotted(v));
  }
  return [...out];
})();

export interface PacketSeed {
  protocol: PacketProtocol;
  dst: number;
  dstPort: number;
  srcPort: number;
  srcLow: boolean;
  fqdn?: string;
  appProtocol?: PathPacket["appProtocol"];
}

export const packetSeedsArb = (n: number): fc.Arbitrary<PacketSeed[]> =>
  fc.array(
    fc.record({
      protocol: fc.constantFrom<PacketProtocol>("Tcp", "Tcp", "Tcp", "Udp", "Icmp"),
      dst: fc.nat(),
      dstPort: fc.constantFrom(443, 443, 80, 53, 22, 8080, 8500, 1433, 12345),
      srcPort: fc.constantFrom(1024, 50000),
      srcLow: fc.boolean(),
      fqdn: fc.option(fc.constantFrom(...FQDNS), { nil: undefined }),
      // Mostly not known (as for the lockdown's traffic), so application rules still decide often in every property.
      appProtocol: fc.constantFrom<PacketSeed["appProtocol"]>(undefined, undefined, undefined, undefined, undefined, "https", "http", "other"),
    }),
    { minLength: 1, maxLength: n, size: "max" },
  );

/**
 * Packets from the subnet: from its NIC when it has one, else from either half of its /24. A dual-stack NIC sends half
 * of them from its IPv6 IP configuration, to IPv6 destinations.
 */
export function packetsFor(w: PathWorld, seeds: PacketSeed[]): PathPacket[] {
  return seeds.map((s) => {
    // With a scale set, half of them come from an address only its instances may hold (the other half from the NIC's).
    const other = !!w.scaleSet && s.dst % 2 === 1;
    if (dualStack(w) && !s.srcLow) return { protocol: s.protocol, srcIp: w.nic?.v6 && !other ? NIC_IP6 : SCALE_SET_IP6, srcPort: s.srcPort, dstIp: V6_DST[s.dst % V6_DST.length], dstPort: s.dstPort };
    // In a hub world a third of them go to the hub's own space, b's, and the ranges its routes name.
    const dstIp = w.hub && s.dst % 3 === 0 ? HUB_DST[Math.floor(s.dst / 3) % HUB_DST.length] : DST_CANDIDATES[s.dst % DST_CANDIDATES.length];
    return {
      protocol: s.protocol,
      srcIp: w.scaleSet ? (other ? "10.0.1.200" : NIC_IP) : w.nic ? NIC_IP : s.srcLow ? NIC_IP : "10.0.1.200",
      srcPort: s.srcPort,
      dstIp,
      dstPort: s.dstPort,
      ...(s.fqdn ? { fqdn: s.fqdn } : {}),
      ...(s.appProtocol && s.protocol === "Tcp" ? { appProtocol: s.appProtocol } : {}),
    };
  });
}

/** A source address of the same family as `srcIp` that only a scale set's instances may hold (no NIC of a world holds it). */
export function scaleSetOnlySource(srcIp: string): string {
  return srcIp.includes(":") ? SCALE_SET_IP6 : "10.0.1.200";
}

/** Packets to the subnet (the same seeds read the other way round): from any candidate source to its NIC or either half of its /24. */
export function inboundPacketsFor(w: PathWorld, seeds: PacketSeed[]): PathPacket[] {
  return seeds
    .filter((s) => /^\d/.test(DST_CANDIDATES[s.dst % DST_CANDIDATES.length]) || s.srcLow)
    .map((s) => ({
      protocol: s.protocol,
      srcIp: DST_CANDIDATES[s.dst % DST_CANDIDATES.length],
      srcPort: s.srcPort,
      dstIp: w.nic && !w.scaleSet ? NIC_IP : s.srcLow ? NIC_IP : "10.0.1.200",
      dstPort: s.dstPort,
    }));
}

const flip = (d: "Inbound" | "Outbound"): "Inbound" | "Outbound" => (d === "Inbound" ? "Outbound" : "Inbound");

/** The world with every admin and NSG rule turned around (direction flipped, source and destination swapped), so inbound packets meet rules written for them. */
export function mirrored(w: PathWorld): PathWorld {
  const nsg = (rules: RuleSpec[] | undefined) => rules?.map(({ srcAsgs, dstAsgs, ...r }) => ({ ...r, direction: flip(r.direction), src: r.dst, dst: r.src, ...(dstAsgs ? { srcAsgs: dstAsgs } : {}), ...(srcAsgs ? { dstAsgs: srcAsgs } : {}) }));
  return {
    ...w,
    subnetNsg: nsg(w.subnetNsg),
    ...(w.nic ? { nic: { nsg: nsg(w.nic.nsg), ...(w.nic.asg ? { asg: true } : {}) } } : {}),
    ...(w.scaleSet ? { scaleSet: { ...w.scaleSet, nsg: nsg(w.scaleSet.nsg) } } : {}),
    admin: w.admin.map((r) => ({ ...r, direction: flip(r.direction), src: r.dst, dst: r.src ?? ["*"] })),
  };
}
