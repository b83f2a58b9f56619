// Builds small estates as ARM REST JSON (the shape users export), so rule tests go through the real loader.
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { audit } from "../../lib/audit";
import type { Profile } from "../../lib/model/types";
import { type Finding, type NsgEvidence, type Report, evidenceStage } from "../../lib/report/types";

export const SUB = "11111111-2222-3333-4444-555555555555";
const RG = "rg-test";
const base = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network`;
export const id = (type: string, name: string) => `${base}/${type}/${name}`;
/** A virtual machine's id (Microsoft.Compute), as a NIC's `virtualMachine` and a profile's server ref name it. */
export const vmId = (name: string) => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;

export interface RuleSpec {
  name: string;
  priority: number;
  direction: "Inbound" | "Outbound";
  access: "Allow" | "Deny";
  protocol?: string;
  src?: string | string[];
  dst?: string | string[];
  ports?: string | string[];
  srcPorts?: string | string[];
  srcAsgs?: string[];
  dstAsgs?: string[];
}

const one = (x: string | string[] | undefined, fallback: string) => {
  const list = x === undefined ? [fallback] : Array.isArray(x) ? x : [x];
  return list.length === 1 ? { single: list[0], plural: [] as string[] } : { single: undefined, plural: list };
};

function armRule(r: RuleSpec) {
  const src = one(r.src, "*");
  const dst = one(r.dst, "*");
  const ports = one(r.ports, "*");
  const sports = one(r.srcPorts, "*");
  return {
    name: r.name,
    properties: {
      priority: r.priority,
      direction: r.direction,
      access: r.access,
      protocol: r.protocol ?? "Tcp",
      ...(r.srcAsgs ? { sourceApplicationSecurityGroups: r.srcAsgs.map((a) => ({ id: id("applicationSecurityGroups", a) })) } : { sourceAddressPrefix: src.single, sourceAddressPrefixes: src.plural }),
      ...(r.dstAsgs ? { destinationApplicationSecurityGroups: r.dstAsgs.map((a) => ({ id: id("applicationSecurityGroups", a) })) } : { destinationAddressPrefix: dst.single, destinationAddressPrefixes: dst.plural }),
      sourcePortRange: sports.single,
      sourcePortRanges: sports.plural,
      destinationPortRange: ports.single,
      destinationPortRanges: ports.plural,
    },
  };
}

/** The seed page's CycleCloud NSG: allows 100–103 to the four service tags, BlockOutbound at 4000. */
export const SEED_RULES: RuleSpec[] = [
  { name: "AllowAzureStorage", priority: 100, direction: "Outbound", access: "Allow", dst: "Storage", ports: "443" },
  { name: "AllowActiveDirectory", priority: 101, direction: "Outbound", access: "Allow", dst: "AzureActiveDirectory", ports: "443" },
  { name: "AllowAzureMonitor", priority: 102, direction: "Outbound", access: "Allow", dst: "AzureMonitor", ports: "443" },
  { name: "AllowAzureRM", priority: 103, direction: "Outbound", access: "Allow", dst: "AzureResourceManager", ports: "443" },
  { name: "BlockOutbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
];

export interface SubnetOpts {
  nsg?: string;
  routeTable?: string;
  serviceEndpoints?: { service: string; state?: string }[];
  natGateway?: string;
  defaultOutboundAccess?: boolean;
  /** Services the subnet is delegated to (`serviceName`), e.g. Microsoft.Sql/managedInstances. */
  delegations?: string[];
}

/** A firewall policy rule collection in test shorthand. */
export interface CollectionSpec {
  name: string;
  priority: number;
  action?: "Allow" | "Deny";
  rules: (
    | { kind: "network"; name: string; protocols?: string[]; src?: string[]; dst?: string[]; fqdns?: string[]; ports: string[] }
    | { kind: "application"; name: string; src?: string[]; fqdns?: string[]; ports?: number[]; webCategories?: string[]; /** Protocol type per port (default Http on 80, else Https). */ types?: ("Http" | "Https" | "Mssql")[] }
  )[];
}

export class EstateBuilder {
  private vnets = new Map<string, { prefixes: string[]; subnets: { name: string; prefix: string | string[]; opts: SubnetOpts }[]; peerings: unknown[]; dnsServers?: string[] }>();
  private nsgs = new Map<string, RuleSpec[]>();
  private nics: unknown[] = [];
  private routeTables: unknown[] = [];
  private privateEndpoints: unknown[] = [];
  private asgs = new Set<string>();
  private others: unknown[] = [];
  serviceTags?: unknown;

  /** Any resource as ARM JSON (scale sets, admin rules, NAT gateways, …). */
  extra(...resources: unknown[]): this {
    this.others.push(...resources);
    return this;
  }

  /** Leaves out every resource of `type` added so far through extra (firewall, policy, …): an input missing a part. */
  omit(type: string): this {
    this.others = this.others.filter((r) => (r as { type?: string }).type !== type);
    return this;
  }

  /** An Azure Firewall in `<vnet>/AzureFirewallSubnet` at `ip`, with a policy (or, without one, no rules). */
  firewall(name: string, vnet: string, ip: string, opts: { policy?: string; managementIp?: boolean } = {}): this {
    return this.extra({
      id: id("azureFirewalls", name),
      name,
      type: "Microsoft.Network/azureFirewalls",
      properties: {
        sku: { name: "AZFW_VNet", tier: "Standard" },
        ...(opts.policy ? { firewallPolicy: { id: id("firewallPolicies", opts.policy) } } : {}),
        ipConfigurations: [{ name: "ipconfig", properties: { privateIPAddress: ip, subnet: { id: `${id("virtualNetworks", vnet)}/subnets/AzureFirewallSubnet` }, publicIPAddress: { id: id("publicIPAddresses", `pip-${name}`) } } }],
        ...(opts.managementIp ? { managementIpConfiguration: { name: "mgmt", properties: { subnet: { id: `${id("virtualNetworks", vnet)}/subnets/AzureFirewallManagementSubnet` } } } } : {}),
      },
    });
  }

  /** A firewall policy with one rule collection group per entry. */
  policy(name: string, groups: { name: string; priority: number; collections: CollectionSpec[] }[], opts: { dnsProxy?: boolean; base?: string; snatPrivateRanges?: string[] } = {}): this {
    const pid = id("firewallPolicies", name);
    this.extra({
      id: pid,
      name,
      type: "Microsoft.Network/firewallPolicies",
      properties: {
        threatIntelMode: "Alert",
        ...(opts.dnsProxy ? { dnsSettings: { enableProxy: true } } : {}),
        ...(opts.base ? { basePolicy: { id: id("firewallPolicies", opts.base) } } : {}),
        ...(opts.snatPrivateRanges ? { snat: { privateRanges: opts.snatPrivateRanges } } : {}),
        ruleCollectionGroups: groups.map((g) => ({ id: `${pid}/ruleCollectionGroups/${g.name}` })),
      },
    });
    for (const g of groups) {
      this.extra({
        id: `${pid}/ruleCollectionGroups/${g.name}`,
        name: g.name,
        type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
        properties: {
          priority: g.priority,
          ruleCollections: g.collections.map((c) => ({
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: c.name,
            priority: c.priority,
            action: { type: c.action ?? "Allow" },
            rules: c.rules.map((r) =>
              r.kind === "network"
                ? { ruleType: "NetworkRule", name: r.name, ipProtocols: r.protocols ?? ["TCP"], sourceAddresses: r.src ?? ["*"], destinationAddresses: r.dst ?? [], destinationFqdns: r.fqdns ?? [], destinationPorts: r.ports }
                : { ruleType: "ApplicationRule", name: r.name, sourceAddresses: r.src ?? ["*"], protocols: (r.ports ?? [443]).map((port, i) => ({ protocolType: r.types?.[i] ?? (port === 80 ? "Http" : "Https"), port })), targetFqdns: r.fqdns ?? [], webCategories: r.webCategories ?? [] },
            ),
          })),
        },
      });
    }
    return this;
  }

  /** A NAT gateway with one public IP. */
  natGateway(name: string): this {
    return this.extra({ id: id("natGateways", name), name, type: "Microsoft.Network/natGateways", sku: { name: "Standard" }, properties: { publicIpAddresses: [{ id: id("publicIPAddresses", `pip-${name}`) }] } });
  }

  /** A security admin rule applied to the given VNets (one manager, group, configuration and collection per call). */
  /**
   * A security admin rule in its own rule collection and network group (holding `vnets`), in configuration `sac` of
   * network manager `avnm` unless `rule.manager` / `rule.configuration` name others. The manager and configuration are
   * written with no properties: a test adds its own after this call to give them scopes or
   * applyOnNetworkIntentPolicyBasedServices (the last resource of an id wins).
   */
  adminRule(name: string, vnets: string[], rule: { priority: number; direction: "Inbound" | "Outbound"; access: "Allow" | "Deny" | "AlwaysAllow"; protocol?: string; dst?: string[]; src?: string[]; ports?: string[]; manager?: string; configuration?: string }): this {
    const managerName = rule.manager ?? "avnm";
    const configuration = rule.configuration ?? "sac";
    const mgr = id("networkManagers", managerName);
    const group = `${mgr}/networkGroups/ng-${name}`;
    const coll = `${mgr}/securityAdminConfigurations/${configuration}/ruleCollections/rc-${name}`;
    return this.extra(
      { id: mgr, name: managerName, type: "Microsoft.Network/networkManagers", properties: {} },
      { id: group, name: `ng-${name}`, type: "Microsoft.Network/networkManagers/networkGroups", properties: { memberType: "VirtualNetwork" } },
      ...vnets.map((v) => ({ id: `${group}/staticMembers/${v}`, name: v, type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: id("virtualNetworks", v) } })),
      { id: `${mgr}/securityAdminConfigurations/${configuration}`, name: configuration, type: "Microsoft.Network/networkManagers/securityAdminConfigurations", properties: {} },
      { id: coll, name: `rc-${name}`, type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections", properties: { appliesToGroups: [{ networkGroupId: group }] } },
      {
        id: `${coll}/rules/${name}`,
        name,
        kind: "Custom",
        type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
        properties: {
          priority: rule.priority,
          direction: rule.direction,
          access: rule.access,
          protocol: rule.protocol ?? "Tcp",
          sources: (rule.src ?? ["*"]).map((a) => ({ addressPrefix: a, addressPrefixType: /^[A-Za-z]/.test(a) ? "ServiceTag" : "IPPrefix" })),
          destinations: (rule.dst ?? ["*"]).map((a) => ({ addressPrefix: a, addressPrefixType: /^[A-Za-z]/.test(a) ? "ServiceTag" : "IPPrefix" })),
          sourcePortRanges: ["0-65535"],
          destinationPortRanges: rule.ports ?? ["0-65535"],
        },
      },
    );
  }

  /** A scale set whose network profile places instances in `subnetRef` with a NIC-level NSG. */
  scaleSet(name: string, subnetRef: string, opts: ScaleSetOpts = {}): this {
    return this.extra(scaleSetResource(name, subnetRef, opts));
  }

  /** A VNet; `dnsServers`: its custom DNS servers (`dhcpOptions.dnsServers`), else Azure-provided DNS. */
  vnet(name: string, prefixes: string[], opts: { dnsServers?: string[] } = {}): this {
    this.vnets.set(name, { prefixes, subnets: [], peerings: [], ...(opts.dnsServers ? { dnsServers: opts.dnsServers } : {}) });
    return this;
  }
  /** A subnet of VNet `ref`'s first part; several prefixes (a dual-stack subnet) are written as `addressPrefixes`. */
  subnet(ref: string, prefix: string | string[], opts: SubnetOpts = {}): this {
    const [v, s] = ref.split("/");
    this.vnets.get(v)!.subnets.push({ name: s, prefix, opts });
    return this;
  }
  nsg(name: string, rules: RuleSpec[] = []): this {
    this.nsgs.set(name, rules);
    return this;
  }
  addRule(nsg: string, rule: RuleSpec): this {
    this.nsgs.get(nsg)!.push(rule);
    return this;
  }
  /** A NIC in `subnetRef`; `pools` are load balancer backend pool ids its IP configuration is in, `vm` the VM it is attached to. */
  nic(name: string, subnetRef: string, opts: { ip?: string; nsg?: string; asgs?: string[]; pools?: string[]; vm?: string; dnsServers?: string[]; primary?: boolean } = {}): this {
    const [v, s] = subnetRef.split("/");
    for (const a of opts.asgs ?? []) this.asgs.add(a);
    this.nics.push({
      id: id("networkInterfaces", name),
      name,
      type: "Microsoft.Network/networkInterfaces",
      properties: {
        ...(opts.nsg ? { networkSecurityGroup: { id: id("networkSecurityGroups", opts.nsg) } } : {}),
        ...(opts.vm ? { virtualMachine: { id: vmId(opts.vm) } } : {}),
        ...(opts.primary !== undefined ? { primary: opts.primary } : {}),
        ...(opts.dnsServers ? { dnsSettings: { dnsServers: opts.dnsServers } } : {}),
        ipConfigurations: [
          {
            name: "ipconfig1",
            properties: {
              subnet: { id: `${id("virtualNetworks", v)}/subnets/${s}` },
              ...(opts.ip ? { privateIPAddress: opts.ip } : {}),
              ...(opts.asgs ? { applicationSecurityGroups: opts.asgs.map((a) => ({ id: id("applicationSecurityGroups", a) })) } : {}),
              ...(opts.pools ? { loadBalancerBackendAddressPools: opts.pools.map((p) => ({ id: p })) } : {}),
            },
          },
        ],
      },
    });
    return this;
  }
  /**
   * Peers two VNets both ways; `forwardingOffAt` names the VNet whose peering resource has "allow forwarded traffic"
   * off, `remoteGatewaysAt` the VNet whose peering uses the other's gateways. `subnets` makes it a subnet peering
   * (`peerCompleteVnets: false`) joining, per VNet, the subnets named (without the VNet); `lists` overrides what one
   * VNet's peering resource lists; `onlyIpv6` sets `enableOnlyIPv6Peering` on both.
   */
  peer(
    a: string,
    b: string,
    opts: { state?: string; allowVnetAccess?: boolean; forwardingOffAt?: string; remoteGatewaysAt?: string; subnets?: Record<string, string[]>; lists?: Record<string, { local: string[]; remote: string[] }>; onlyIpv6?: boolean } = {},
  ): this {
    for (const [from, to] of [[a, b], [b, a]]) {
      const lists = opts.lists?.[from] ?? (opts.subnets ? { local: opts.subnets[from] ?? [], remote: opts.subnets[to] ?? [] } : undefined);
      this.vnets.get(from)!.peerings.push({
        name: `${from}-to-${to}`,
        properties: {
          remoteVirtualNetwork: { id: id("virtualNetworks", to) },
          remoteAddressSpace: { addressPrefixes: this.vnets.get(to)!.prefixes },
          allowVirtualNetworkAccess: opts.allowVnetAccess ?? true,
          ...(opts.forwardingOffAt === from ? { allowForwardedTraffic: false } : {}),
          ...(opts.remoteGatewaysAt === from ? { useRemoteGateways: true } : {}),
          ...(lists ? { peerCompleteVnets: false, localSubnetNames: lists.local, remoteSubnetNames: lists.remote } : {}),
          ...(opts.onlyIpv6 ? { enableOnlyIPv6Peering: true } : {}),
          peeringState: opts.state ?? "Connected",
        },
      });
    }
    return this;
  }
  routeTable(name: string, routes: { name: string; prefix: string; hop: string; ip?: string }[], opts: { disableBgpRoutePropagation?: boolean } = {}): this {
    this.routeTables.push({
      id: id("routeTables", name),
      name,
      type: "Microsoft.Network/routeTables",
      properties: { ...(opts.disableBgpRoutePropagation ? { disableBgpRoutePropagation: true } : {}), routes: routes.map((r) => ({ name: r.name, properties: { addressPrefix: r.prefix, nextHopType: r.hop, ...(r.ip ? { nextHopIpAddress: r.ip } : {}) } })) },
    });
    return this;
  }
  storagePrivateEndpoint(name: string, subnetRef: string, opts: { state?: string; status?: string; account?: string } = {}): this {
    const [v, s] = subnetRef.split("/");
    this.privateEndpoints.push({
      id: id("privateEndpoints", name),
      name,
      type: "Microsoft.Network/privateEndpoints",
      properties: {
        provisioningState: opts.state ?? "Succeeded",
        subnet: { id: `${id("virtualNetworks", v)}/subnets/${s}` },
        privateLinkServiceConnections: [
          {
            name: `${name}-conn`,
            properties: {
              privateLinkServiceId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${opts.account ?? "sthpc"}`,
              groupIds: ["blob"],
              privateLinkServiceConnectionState: { status: opts.status ?? "Approved" },
            },
          },
        ],
      },
    });
    return this;
  }

  resources(): unknown[] {
    const vnets = [...this.vnets].map(([name, v]) => ({
      id: id("virtualNetworks", name),
      name,
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: v.prefixes },
        ...(v.dnsServers ? { dhcpOptions: { dnsServers: v.dnsServers } } : {}),
        subnets: v.subnets.map((s) => ({
          id: `${id("virtualNetworks", name)}/subnets/${s.name}`,
          name: s.name,
          properties: {
            ...(Array.isArray(s.prefix) ? { addressPrefixes: s.prefix } : { addressPrefix: s.prefix }),
            ...(s.opts.nsg ? { networkSecurityGroup: { id: id("networkSecurityGroups", s.opts.nsg) } } : {}),
            ...(s.opts.routeTable ? { routeTable: { id: id("routeTables", s.opts.routeTable) } } : {}),
            ...(s.opts.natGateway ? { natGateway: { id: id("natGateways", s.opts.natGateway) } } : {}),
            ...(s.opts.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: s.opts.defaultOutboundAccess } : {}),
            ...(s.opts.delegations ? { delegations: s.opts.delegations.map((serviceName, i) => ({ name: `delegation${i}`, properties: { serviceName } })) } : {}),
            serviceEndpoints: (s.opts.serviceEndpoints ?? []).map((e) => ({ service: e.service, locations: ["westeurope"], provisioningState: e.state ?? "Succeeded" })),
          },
        })),
        virtualNetworkPeerings: v.peerings,
      },
    }));
    const nsgs = [...this.nsgs].map(([name, rules]) => ({
      id: id("networkSecurityGroups", name),
      name,
      type: "Microsoft.Network/networkSecurityGroups",
      location: "westeurope",
      properties: { securityRules: rules.map(armRule) },
    }));
    const asgs = [...this.asgs].map((name) => ({ id: id("applicationSecurityGroups", name), name, type: "Microsoft.Network/applicationSecurityGroups" }));
    return [...vnets, ...nsgs, ...this.nics, ...this.routeTables, ...this.privateEndpoints, ...asgs, ...this.others];
  }

  snapshot() {
    return loadSnapshot([{ name: "estate.json", value: { value: this.resources() } }], this.serviceTags ? { serviceTags: { name: "tags.json", value: this.serviceTags } } : {});
  }

  audit(roles: Partial<Profile["roles"]>): Report {
    const profile: Profile = { roles: { cyclecloud: [], cluster: [], returnProxy: [], ...roles } };
    return audit(this.snapshot(), profile, { generatedAt: "2026-01-01T00:00:00.000Z" });
  }

  /** Audits with a profile as a user writes it (deployments, cyclecloudServer, proxy), read by the real parser. */
  auditProfile(profile: unknown): Report {
    return audit(this.snapshot(), parseProfile("profile.json", profile), { generatedAt: "2026-01-01T00:00:00.000Z" });
  }
}

export interface ScaleSetOpts {
  nsg?: string;
  /** `unstated`: no `orchestrationMode` at all (an export that leaves it out). */
  mode?: "Uniform" | "Flexible" | "unstated";
  publicIp?: boolean;
  /** ASGs (by name) of the one `ipc`: its `applicationSecurityGroups`, which Azure applies to every instance NIC. */
  asgs?: string[];
  /** The NIC profile's IP configurations (each placed in the subnet), instead of one `ipc`; `publicIp` and `asgs` then do not apply. */
  ipConfigurations?: { name: string; properties?: Record<string, unknown> }[];
  /** The NIC profile's own DNS servers (`dnsSettings.dnsServers`). */
  dnsServers?: string[];
}

/** A scale set's ARM JSON, its network profile placing instances in `subnetRef` ("vnet/subnet"). */
export function scaleSetResource(name: string, subnetRef: string, opts: ScaleSetOpts = {}) {
  const [v, s] = subnetRef.split("/");
  const subnet = { id: `${id("virtualNetworks", v)}/subnets/${s}` };
  const asgs = opts.asgs ? { applicationSecurityGroups: opts.asgs.map((a) => ({ id: id("applicationSecurityGroups", a) })) } : {};
  const ipConfigurations = opts.ipConfigurations?.map((c) => ({ name: c.name, properties: { subnet, ...c.properties } })) ?? [{ name: "ipc", properties: { subnet, ...(opts.publicIp ? { publicIPAddressConfiguration: { name: "pip" } } : {}), ...asgs } }];
  return {
    id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`,
    name,
    type: "Microsoft.Compute/virtualMachineScaleSets",
    sku: { name: "Standard_HB176rs_v4", capacity: 0 },
    properties: {
      ...(opts.mode === "unstated" ? {} : { orchestrationMode: opts.mode ?? "Uniform" }),
      virtualMachineProfile: {
        networkProfile: {
          networkInterfaceConfigurations: [{ name: "nic", properties: { primary: true, ...(opts.nsg ? { networkSecurityGroup: { id: id("networkSecurityGroups", opts.nsg) } } : {}), ...(opts.dnsServers ? { dnsSettings: { dnsServers: opts.dnsServers } } : {}), ipConfigurations } }],
        },
      },
    },
  };
}

export const estate = () => new EstateBuilder();

/**
 * Two spoke VNets with the seed's NSG rules: cc (10.1.0.0/16, subnet snet-cc 10.1.1.0/24) and compute (10.2.0.0/16,
 * subnet snet-compute 10.2.1.0/24), neither peered; `ccSubnet` adds to snet-cc's options (a route table).
 */
export const spokePair = (ccSubnet: SubnetOpts = {}) =>
  estate()
    .vnet("cc", ["10.1.0.0/16"])
    .subnet("cc/snet-cc", "10.1.1.0/24", { nsg: "nsg-cc", ...ccSubnet })
    .nsg("nsg-cc", SEED_RULES)
    .vnet("compute", ["10.2.0.0/16"])
    .subnet("compute/snet-compute", "10.2.1.0/24", { nsg: "nsg-compute" })
    .nsg("nsg-compute", SEED_RULES);

/**
 * A hub VNet (10.100.0.0/24) with an AzureFirewallSubnet, peered with a spoke (10.1.0.0/16) whose subnet `spoke/cc`
 * (10.1.0.0/24) sends 0.0.0.0/0 to `fwIp` through route table `rt`, then `routes`; `cc` adds to the subnet's options (an
 * NSG). The firewall itself is the test's to add.
 */
export const hubAndSpoke = (fwIp = "10.100.0.4", opts: { cc?: SubnetOpts; routes?: { name: string; prefix: string; hop: string; ip?: string }[] } = {}) =>
  estate()
    .vnet("hub", ["10.100.0.0/24"])
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", ...opts.cc })
    .peer("hub", "spoke")
    .routeTable("rt", [{ name: "to-firewall", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: fwIp }, ...(opts.routes ?? [])]);

/** The NSG-stage entries of a finding's evidence (the other stages carry routes, firewalls, outbound). */
export function nsgEvidence(f: Finding): NsgEvidence[] {
  return f.evidence.filter((e): e is NsgEvidence => evidenceStage(e) === "nsg");
}

export function finding(report: Report, subnet: string, rule: string): Finding {
  const s = report.subnets.find((x) => `${x.vnet}/${x.name}` === subnet);
  if (!s) throw new Error(`no subnet ${subnet}`);
  const f = s.findings.find((x) => x.rule === rule);
  if (!f) throw new Error(`no ${rule} on ${subnet}: ${s.findings.map((x) => x.rule).join(", ")}`);
  return f;
}

/** Reads back the NSG rules an az-cli fix would create, so a test can apply the fix and re-audit. */
export function rulesFromAzCli(text: string): { nsg: string; rule: RuleSpec }[] {
  const out: { nsg: string; rule: RuleSpec }[] = [];
  for (const cmd of text.split(/\n(?=az )/)) {
    if (!cmd.startsWith("az network nsg rule create")) continue;
    const flat = cmd.replace(/\\\n/g, " ");
    const arg = (flag: string) => {
      const m = new RegExp(`--${flag} ((?:'[^']*'|[^-\\s][^\\s]*)(?: (?:'[^']*'|[^-\\s][^\\s]*))*)`).exec(flat);
      return m ? m[1].split(" ").map((x) => x.replace(/^'|'$/g, "")) : [];
    };
    out.push({
      nsg: arg("nsg-name")[0],
      rule: {
        name: arg("name")[0],
        priority: Number(arg("priority")[0]),
        direction: arg("direction")[0] as "Inbound",
        access: arg("access")[0] as "Allow",
        protocol: arg("protocol")[0],
        src: arg("source-address-prefixes"),
        dst: arg("destination-address-prefixes"),
        ports: arg("destination-port-ranges"),
        srcPorts: arg("source-port-ranges"),
      },
    });
  }
  return out;
}
