// Stage 4 of a flow's path: how a packet routed to the Internet leaves Azure. The method is decided per source
// address, by the IP configuration holding it (a backend pool holds IP configurations, and an instance public IP
// belongs to one IP configuration and serves its own address family). Precedence: a NAT gateway on the subnet >
// a public IP on the IP configuration (or the scale set's public IP configuration) > an outbound rule of a Standard
// public load balancer whose backend pool holds the IP configuration > default outbound access. The precedence holds
// per address family: a NAT gateway decides IPv4, and IPv6 only when it has an IPv6 public IP or prefix (StandardV2:
// `publicIpAddressesV6`, `publicIpPrefixesV6`); otherwise IPv6 goes by the IPv6 means below it (nat-overview: a
// Standard NAT gateway "can't be associated to an IPv6 public IP address or prefix", and dual-stack outbound pairs it
// with a load balancer's IPv6 outbound rule). Behind a StandardV2 one with IPv6 addresses only, IPv4 is unknown where
// a means below would let it out (Azure does not document it). There is no
// default outbound access in a private subnet (`defaultOutboundAccess: false`), for a NIC any of whose IP configurations
// is in a Standard load balancer's backend pool (CONTRACT §4.1), or for a Flexible-orchestration scale set's instances
// (its model, and an instance NIC whose VM names the scale set: lib/path/flexible-instance.ts).
// An outbound rule translates only its own protocol (`Tcp`, `Udp` or `All`), so the path depends on the
// protocol: the rest of the traffic class falls through to the next method in the precedence.
// A load-balancing rule with a public frontend SNATs outbound traffic as well, unless `disableOutboundSnat` is set.
// Where the input lacks what decides the method (a load balancer a backend pool names, a NIC the subnet
// names), the method is unknown: neither pass nor fail.
// https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
// https://learn.microsoft.com/azure/load-balancer/outbound-rules
// https://learn.microsoft.com/azure/nat-gateway/nat-overview
// https://learn.microsoft.com/azure/nat-gateway/tutorial-dual-stack-outbound-nat-load-balancer
import type { LoadBalancer, NatGateway, Snapshot, Subnet } from "../model/types";
import { addrCovers, describeAddrs } from "../net/addr-set";
import { ALL_PROTOCOLS, type ProtoSet, TCP, UDP, describeProtocols } from "../net/protocols";
import type { Endpoint, Estate, OutboundSource } from "../nsg/estate";
import { flexibleInstance } from "./flexible-instance";
import type { OutboundEvidence } from "../report/types";

export interface OutboundPath {
  /** `nat-gateway`, `public-ip`, `load-balancer`, `default-outbound-access`, `none`, or `unknown` (input missing). */
  method: "nat-gateway" | "public-ip" | "load-balancer" | "default-outbound-access" | "none" | "unknown";
  resource?: string;
  /** In words, for details and the subnet page. */
  detail: string;
  /** True when a public address can be reached. */
  works: boolean;
  /** Method `unknown`: what the input lacks, in words ("load balancer lb, whose backend pool holds NIC n, is not in the input (add …)"). */
  missing?: string;
  /**
   * Where it works, the words for a method that gives public IPv4 addresses only ("default outbound access"), so
   * IPv6 has no way out by it: default outbound access always, an outbound rule or load-balancing rule whose public
   * addresses the input shows are all IPv4 (Azure's default version). A NAT gateway never sets it: one without IPv6
   * public IPs does not take IPv6 at all (see `OutboundShare.family`).
   */
  ipv4Only?: string;
  /** As `ipv4Only`, for a method whose public addresses the input shows are all IPv6 (an outbound rule with IPv6 frontends only): IPv4 has no way out by it. */
  ipv6Only?: string;
}

/** The part of a traffic class's protocols (and, when `family` is set, of its source addresses) that takes one outbound path. */
export interface OutboundShare {
  protocols: ProtoSet;
  /**
   * Set when the path holds for the source's addresses of this family only: behind a NAT gateway that carries IPv4
   * only, the IPv4 addresses take the NAT gateway and the IPv6 ones the IPv6 means (instance public IP, outbound rule).
   */
  family?: 4 | 6;
  path: OutboundPath;
}

const name = (key: string) => key.split("/").pop() ?? key;

function poolLoadBalancerKey(poolKey: string): string {
  return poolKey.split("/backendaddresspools/")[0];
}

/**
 * Basic load balancers were retired on 30 September 2025, so a load balancer whose SKU the input does not
 * show is taken as Standard; `Gateway` load balancers chain to a Standard one and give no outbound path.
 * https://learn.microsoft.com/azure/load-balancer/skus
 */
function isStandard(lb: LoadBalancer): boolean {
  const sku = (lb.sku ?? "standard").toLowerCase();
  return sku === "standard";
}

/**
 * The protocols an outbound rule translates: `Tcp`, `Udp` or `All` (case-insensitive); a rule whose protocol the
 * input does not show is taken as `All` (`assumed`).
 * https://learn.microsoft.com/azure/load-balancer/outbound-rules
 */
function ruleProtocols(protocol: string | undefined): { protocols: ProtoSet; assumed: boolean } {
  switch ((protocol ?? "").toLowerCase()) {
    case "tcp":
      return { protocols: TCP, assumed: false };
    case "udp":
      return { protocols: UDP, assumed: false };
    case "all":
      return { protocols: ALL_PROTOCOLS, assumed: false };
    default:
      return { protocols: ALL_PROTOCOLS, assumed: true };
  }
}

/** "NIC nic-1", "scale set vmss", or the subnet: whose IP configurations an endpoint's are. */
function owner(subnet: Subnet, endpoint: Endpoint): string {
  return endpoint.scaleSet ? `scale set ${endpoint.scaleSet.name}` : endpoint.nic ? `NIC ${endpoint.nic.name}` : `${subnet.vnetName}/${subnet.name}`;
}

/**
 * "NIC nic-1", "IP configuration ipc6 of NIC nic-1", "IP configurations p, s of scale set vmss", or the subnet: who
 * the outbound path is for, in words, and whether the words are plural (for the verb after them).
 */
function holder(subnet: Subnet, endpoint: Endpoint, source: OutboundSource): { who: string; plural: boolean } {
  const who = owner(subnet, endpoint);
  // A split endpoint (its IP configurations differ in outbound facts): name the IP configurations this path is for.
  const names = endpoint.sources ? (source.ipConfigNames ?? []) : [];
  return names.length ? { who: `IP configuration${names.length > 1 ? "s" : ""} ${names.join(", ")} of ${who}`, plural: names.length > 1 } : { who, plural: false };
}

const unknown = (missing: string): OutboundPath => ({ method: "unknown", detail: `cannot be judged: ${missing}`, works: false, missing });

/**
 * The outbound paths of one endpoint of a subnet for the protocols `protocols` (a bit set of lib/net/protocols),
 * split by what each method translates (CONTRACT §4.1 stage 4): the shares' protocols are disjoint and cover
 * `protocols`, per address family where a share sets `family` (each family's shares then cover `protocols`, and the
 * share holds for the source's addresses of that family only). `source` is the part of the endpoint's addresses the paths are for (one of `endpoint.sources`, by
 * default the endpoint as a whole): a backend pool or an instance public IP serves only the IP configurations that
 * name it, so the packet's source IP configuration decides. A NAT gateway or instance public IP takes every protocol; a Standard load balancer's outbound rule
 * only its own (`Tcp`, `Udp`, `All`), the rest falling to default outbound access, which the Standard pool itself
 * turns off. A backend pool of a load balancer the input lacks, or a NIC the subnet names but the input lacks,
 * makes the method `unknown` (with `missing` saying what to add) for every protocol no known method takes.
 * A NAT gateway without an IPv6 public IP decides the source's IPv4 addresses only (`family` 4); its IPv6 addresses
 * take the IPv6 means (`family` 6): an instance IPv6 public IP, an outbound rule with an IPv6 frontend, else none
 * (default outbound access gives no IPv6). Azure's NAT gateway "can't be associated to an IPv6 public IP address".
 * https://learn.microsoft.com/azure/load-balancer/outbound-rules
 * https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
 * https://learn.microsoft.com/azure/nat-gateway/nat-overview
 */
export function outboundPaths(estate: Estate, subnet: Subnet, endpoint: Endpoint, protocols: ProtoSet, source: OutboundSource = endpoint): OutboundShare[] {
  const { snapshot } = estate;
  if (!subnet.natGatewayKey) return withoutNatGateway(estate, subnet, endpoint, protocols, source);
  const nat = snapshot.natGateways?.get(subnet.natGatewayKey);
  const natName = nat?.name ?? name(subnet.natGatewayKey);
  const counts = nat ? natAddressCounts(snapshot, nat) : undefined;
  // A NAT gateway the input lacks may be one with no public IP, through which nothing leaves (case
  // nat-gateway-no-public-ip): what its traffic does is unknown, neither a way out nor none.
  const natPath: OutboundPath = !nat
    ? unknown(`NAT gateway ${natName}, which ${subnet.vnetName}/${subnet.name} names, is not in the input, so whether it has a public IP (without one nothing leaves through it) is unknown (add \`az network nat gateway list\`)`)
    : counts && counts.v4 + counts.v6 === 0
      ? { method: "none", resource: nat.id, detail: `NAT gateway ${natName} has no public IP address or prefix, so nothing leaves through it`, works: false }
      : { method: "nat-gateway", resource: nat.id, detail: `through NAT gateway ${natName}`, works: true };
  const hasV4 = source.addresses.v4.length > 0;
  const hasV6 = source.addresses.v6.length > 0;
  const v6 = natCarriesIpv6(snapshot, nat, natName);
  // A family the NAT gateway has public addresses for leaves through it (a missing NAT gateway is taken to have IPv4
  // ones; IPv4 meets one with none at all and goes nowhere, IPv6 then takes the IPv6 means as beside a Standard one).
  const takesV4 = natTakesIpv4(counts);
  const takesV6 = v6.carries === "yes";
  // The NAT gateway decides every family the source has: one share.
  if ((!hasV4 || takesV4) && (!hasV6 || takesV6)) return [{ protocols, path: natPath }];
  const shares: OutboundShare[] = [];
  if (hasV4) {
    if (takesV4) shares.push({ protocols, family: 4, path: natPath });
    // A StandardV2 NAT gateway with IPv6 public addresses only: what its IPv4 traffic does, Azure does not document.
    else for (const share of withoutNatGateway(estate, subnet, endpoint, protocols, source, natName, 4)) shares.push({ protocols: share.protocols, family: 4, path: ipv4BesideV6OnlyNat(share.path, natName) });
  }
  if (hasV6) {
    if (takesV6) shares.push({ protocols, family: 6, path: natPath });
    // IPv6 takes the IPv6 means below the NAT gateway in the precedence, as if there were no NAT gateway.
    else for (const share of withoutNatGateway(estate, subnet, endpoint, protocols, source, natName, 6)) shares.push({ protocols: share.protocols, family: 6, path: ipv6BesideNat(share.path, natName, v6.missing) });
  }
  return shares;
}

/**
 * Whether IPv4 leaves through a NAT gateway with these public address counts (`undefined`: the gateway is not in the
 * input, taken to have IPv4 ones): it has IPv4 addresses, or none at all (IPv4 then meets it and goes nowhere). Only a
 * StandardV2 gateway with IPv6 addresses alone leaves IPv4 to other means. https://learn.microsoft.com/azure/nat-gateway/nat-overview
 */
function natTakesIpv4(counts: { v4: number; v6: number } | undefined): boolean {
  return !counts || counts.v4 > 0 || counts.v6 === 0;
}

/**
 * A NAT gateway's public IPs and prefixes per address family: IPv4 from `publicIpAddresses` and `publicIpPrefixes`,
 * IPv6 from `publicIpAddressesV6` and `publicIpPrefixesV6` (a StandardV2 gateway). A public IP the IPv4 list names but
 * whose own `publicIPAddressVersion` is IPv6 (a shape ARM does not produce) counts for both families, so neither is
 * judged locked down on the strength of a contradiction.
 * https://learn.microsoft.com/javascript/api/@azure/arm-network/natgatewaypropertiesformat
 */
function natAddressCounts(snapshot: Snapshot, nat: NatGateway): { v4: number; v6: number } {
  const listedV6 = nat.publicIpKeys.filter((k) => snapshot.publicIps?.get(k)?.version === "IPv6").length;
  return {
    v4: nat.publicIpKeys.length + nat.publicIpPrefixKeys.length,
    v6: listedV6 + (nat.publicIpV6Keys?.length ?? 0) + (nat.publicIpPrefixV6Keys?.length ?? 0),
  };
}

/**
 * Whether a subnet's NAT gateway takes IPv6: only one with an IPv6 public IP or prefix does (a StandardV2 NAT gateway,
 * `publicIpAddressesV6` / `publicIpPrefixesV6`; a Standard one "can't be associated to an IPv6 public IP address or
 * prefix"). `maybe` where the input cannot show it (the NAT gateway is not in it), with `missing` saying so.
 * https://learn.microsoft.com/azure/nat-gateway/nat-overview
 * https://learn.microsoft.com/azure/nat-gateway/nat-sku
 */
function natCarriesIpv6(snapshot: Snapshot, nat: NatGateway | undefined, natName: string): { carries: "yes" | "no" | "maybe"; missing?: string } {
  const also = "so whether it carries IPv6 (a StandardV2 NAT gateway with an IPv6 public IP does) is unknown";
  if (!nat) return { carries: "maybe", missing: `NAT gateway ${natName} is not in the input, ${also} (add \`az network nat gateway list\`)` };
  return { carries: natAddressCounts(snapshot, nat).v6 > 0 ? "yes" : "no" };
}

/**
 * An IPv4 source's path behind NAT gateway `natName`, whose public addresses are all IPv6 (a StandardV2 gateway).
 * Microsoft does not document whether IPv4 then takes the means below the NAT gateway: where one of them would let
 * it out, the path is unknown (neither pass nor fail); where none would, nothing leaves either way.
 * https://learn.microsoft.com/azure/nat-gateway/nat-sku
 */
function ipv4BesideV6OnlyNat(path: OutboundPath, natName: string): OutboundPath {
  const nat = `NAT gateway ${natName} has IPv6 public addresses only`;
  if (path.method === "unknown") return unknown(`${nat}, and ${path.missing ?? path.detail}`);
  if (!path.works) return { ...path, detail: `${nat}, and ${path.detail}` };
  return unknown(`${nat}; whether IPv4 then leaves ${path.detail} instead is not documented by Azure`);
}

/**
 * An IPv6 source's path behind NAT gateway `natName`, which carries IPv4 only (or, with `missing` set, may carry IPv6:
 * the input does not show). A method that gives IPv4 only (default outbound access) leaves IPv6 no way out, naming both.
 * Where the NAT gateway may carry IPv6, a way out stands either way, and no way out becomes unknown.
 */
function ipv6BesideNat(path: OutboundPath, natName: string, missing: string | undefined): OutboundPath {
  const nat = `NAT gateway ${natName}`;
  if (missing) {
    if (path.works && !path.ipv4Only) return { ...path, detail: `${path.detail} (IPv6; ${nat} would take it instead if it carries IPv6, which the input does not show)` };
    return unknown(path.missing ? `${path.missing}; ${missing}` : `${missing}, and IPv6 has no other way out`);
  }
  if (path.works && path.ipv4Only) return { method: "none", detail: `${nat} carries IPv4 only, and ${path.ipv4Only} gives a public IPv4 address only, so IPv6 has none`, works: false };
  if (path.method === "unknown" || path.detail.includes(nat)) return path;
  return { ...path, detail: path.works ? `${path.detail} (IPv6: ${nat} carries IPv4 only)` : `${nat} carries IPv4 only, and ${path.detail}` };
}

/**
 * The outbound paths below a NAT gateway in the precedence: the whole path where the subnet has none, and the path of
 * address family `family` where its NAT gateway `natName` has no public address of that family (IPv6 beside an IPv4
 * NAT gateway, IPv4 beside a StandardV2 one with IPv6 addresses only; then the words say so instead of "no NAT gateway").
 */
function withoutNatGateway(estate: Estate, subnet: Subnet, endpoint: Endpoint, protocols: ProtoSet, source: OutboundSource, natName?: string, family: 4 | 6 = 6): OutboundShare[] {
  const { snapshot } = estate;
  if (source.hasPublicIp) {
    const pip = source.publicIpKey ? snapshot.publicIps?.get(source.publicIpKey) : undefined;
    const what = endpoint.scaleSet
      ? `the public IP configuration of ${holder(subnet, endpoint, source).who}`
      : `public IP ${pip?.name ?? name(source.publicIpKey ?? "")}${pip || !source.publicIpKey ? "" : " (not in the input: taken to be assigned)"}`;
    // A split endpoint's source holds only the public IP's own address family (lib/nsg/estate.ts outboundSources): an
    // IPv4 public IP gives the IPv6 IP configuration no way out. Unsplit, an IP configuration whose public IP and
    // address families differ is the only way the family matters here, and Azure pairs them.
    return [{ protocols, path: { method: "public-ip", resource: pip?.id ?? source.publicIpKey ?? endpoint.scaleSet?.id, detail: `through ${what}`, works: true } }];
  }
  if (endpoint.missingNic) {
    // The NIC could carry a public IP or sit in a load balancer's pool: whether anything leaves is unknown.
    const missing = `NIC ${name(endpoint.missingNic)}, which ${subnet.vnetName}/${subnet.name} names, is not in the input, so its public IP and load balancer pools are unknown (add \`az network nic list\`)`;
    return [{ protocols, path: unknown(missing) }];
  }
  const { who, plural } = holder(subnet, endpoint, source);
  const has = plural ? "have" : "has";
  const shares: OutboundShare[] = [];
  let rest = protocols;
  let inStandardPool = false;
  const missingLbs: string[] = [];
  // Outbound rules of this endpoint's pools that translate none of what is left: named in the detail.
  const narrowRules: string[] = [];
  for (const poolKey of source.lbBackendPoolKeys) {
    const lbKey = poolLoadBalancerKey(poolKey);
    const lb = snapshot.loadBalancers?.get(lbKey);
    if (!lb) {
      if (!missingLbs.includes(lbKey)) missingLbs.push(lbKey);
      continue;
    }
    if (!isStandard(lb)) continue;
    inStandardPool = true;
    for (const rule of lb.outboundRules) {
      if (rule.backendPoolKey !== poolKey || rule.frontendKeys.length === 0) continue;
      const carried = ruleProtocols(rule.protocol);
      const take = carried.protocols & rest;
      if (!take) {
        if (carried.protocols & protocols & ~rest) continue; // already taken by an earlier rule
        narrowRules.push(`outbound rule ${rule.name} of load balancer ${lb.name} carries only ${describeProtocols(carried.protocols)}`);
        continue;
      }
      const assumed = carried.assumed ? " (its protocol is not in the input: taken as All)" : "";
      const frontends = rule.frontendKeys.map((k) => lb.frontendIpConfigurations.find((f) => f.key === k));
      // A frontend translates its own address family only (dual stack takes an outbound rule per family); one the input
      // does not show, or a public IP prefix (whose version is not read), may be either.
      // https://learn.microsoft.com/azure/load-balancer/outbound-rules
      const families = frontends.map((f) => (!f || !f.publicIpKey ? "either" : snapshot.publicIps?.get(f.publicIpKey)?.version === "IPv6" ? "IPv6" : "IPv4"));
      const v6 = families.some((x) => x !== "IPv4");
      const v4 = families.some((x) => x !== "IPv6");
      const ruleWords = `outbound rule ${rule.name} of load balancer ${lb.name}`;
      shares.push({ protocols: take, path: { method: "load-balancer", resource: lb.id, detail: `through ${ruleWords}${assumed}`, works: true, ...(v6 ? {} : { ipv4Only: ruleWords }), ...(v4 ? {} : { ipv6Only: ruleWords }) } });
      rest &= ~take;
      if (!rest) return shares;
    }
    // A load-balancing rule with a public frontend SNATs outbound traffic too unless it disables that (Azure's default
    // SNAT, which Microsoft advises against but which works). https://learn.microsoft.com/azure/load-balancer/outbound-rules
    for (const rule of lb.snatRules ?? []) {
      const fe = rule.backendPoolKeys.includes(poolKey) ? lb.frontendIpConfigurations.find((f) => f.key === rule.frontendKey) : undefined;
      if (!fe || !(fe.publicIpKey || fe.publicIpPrefixKey)) continue;
      const take = ruleProtocols(rule.protocol).protocols & rest;
      if (!take) continue;
      const version = fe.publicIpKey ? (snapshot.publicIps?.get(fe.publicIpKey)?.version === "IPv6" ? "IPv6" : "IPv4") : "either";
      const what = `load-balancing rule ${rule.name} of load balancer ${lb.name}`;
      shares.push({ protocols: take, path: { method: "load-balancer", resource: lb.id, detail: `through ${what} (its public frontend; outbound SNAT is not disabled)`, works: true, ...(version === "IPv4" ? { ipv4Only: what } : {}), ...(version === "IPv6" ? { ipv6Only: what } : {}) } });
      rest &= ~take;
      if (!rest) return shares;
    }
  }
  if (missingLbs.length) {
    const lbs = missingLbs.map((k) => `load balancer ${name(k)}`).join(" and ");
    const holds = endpoint.scaleSet && !endpoint.sources ? `the NICs of scale set ${endpoint.scaleSet.name}` : who;
    shares.push({ protocols: rest, path: unknown(`${lbs}, whose backend pool holds ${holds}, ${missingLbs.length > 1 ? "are" : "is"} not in the input (add \`az network lb list\`)`) });
    return shares;
  }
  // CONTRACT §4.1: a NIC in any Standard pool has no default outbound access, for each of its IP configurations, also
  // those no pool holds (whose traffic no outbound rule translates).
  let poolOfNic = false;
  const missingOfNic: string[] = [];
  if (source !== endpoint) {
    for (const poolKey of endpoint.lbBackendPoolKeys) {
      if (source.lbBackendPoolKeys.includes(poolKey)) continue;
      const lbKey = poolLoadBalancerKey(poolKey);
      const lb = snapshot.loadBalancers?.get(lbKey);
      if (!lb) {
        if (!missingOfNic.includes(lbKey)) missingOfNic.push(lbKey);
      } else if (isStandard(lb) && !inStandardPool) poolOfNic = inStandardPool = true;
    }
  }
  // Only part of the traffic class has an outbound rule: say which protocols fall through, and why.
  const partial = shares.length > 0 || narrowRules.length > 0;
  const forWhat = partial ? ` for ${describeProtocols(rest)}` : "";
  const lead = narrowRules.length ? `${narrowRules.join(", ")}; ` : "";
  const none = (detail: string): OutboundShare => ({ protocols: rest, path: { method: "none", detail: `${lead}${detail}`, works: false } });
  // Behind a NAT gateway that carries only the other family, these words are this family's (ipv6BesideNat, ipv4BesideV6OnlyNat).
  const fam = natName ? `IPv${family} ` : "";
  const natWords = natName ? `whose NAT gateway ${natName} carries IPv${family === 6 ? 4 : 6} only` : "with no NAT gateway";
  const unseen = unseenNic(estate, subnet, endpoint);
  if (subnet.defaultOutboundAccess === false) {
    const lacks = unseen ? `${unseen} (judged from the subnet alone: no instance public IP or load balancer)` : `${who} ${has} no ${fam}public IP or load balancer outbound rule`;
    shares.push(none(`${subnet.vnetName}/${subnet.name} is a private subnet (defaultOutboundAccess: false) ${natWords}, and ${lacks}${forWhat}: no public ${fam}address is reachable`));
  } else if (poolOfNic) {
    shares.push(none(`${who} ${has} no public IP or load balancer outbound rule${forWhat}, and another IP configuration of ${owner(subnet, endpoint)} is in a Standard load balancer's backend pool, which turns default outbound access off for the whole NIC: no public address is reachable`));
  } else if (inStandardPool) {
    shares.push(none(`${who} ${plural ? "are" : "is"} in a Standard load balancer's backend pool without an outbound rule${forWhat}, which turns default outbound access off: no public address is reachable`));
  } else if (endpoint.scaleSet?.orchestrationMode === "Flexible" && !endpoint.scaleSet.orchestrationModeDefaulted) {
    shares.push(none(`instances of Flexible scale set ${endpoint.scaleSet.name} get no default outbound access, and ${flexibleMeans(natName, family, fam)}${forWhat}`));
  } else if (endpoint.scaleSet?.orchestrationModeDefaulted) {
    // Reached only where nothing above decided: the mode alone says whether default outbound access is there.
    shares.push(...unstatedMode(endpoint.scaleSet.name, source, rest, natName, family, fam, forWhat, lead, missingOfNic.length ? `${missingOfNic.map((k) => `load balancer ${name(k)}`).join(" and ")}, whose backend pool holds another IP configuration of ${owner(subnet, endpoint)}, ${missingOfNic.length > 1 ? "are" : "is"} not in the input (add \`az network lb list\`)` : undefined));
  } else {
    // A NIC of a Flexible scale set's instance (known only from its VM) gets no default outbound access either; asked
    // only here, once the branches before it missed (this runs per NIC and family on every outbound evaluation).
    const instance = endpoint.nic && !endpoint.scaleSet ? flexibleInstance(estate, subnet, endpoint.nic) : undefined;
    if (instance?.kind === "flexible") {
      // A Flexible instance's own NIC, which nothing but its VM ties to the scale set: as the scale set's model.
      shares.push(none(`${who} ${plural ? "belong" : "belongs"} to VM ${instance.vm}, an instance of Flexible scale set ${instance.scaleSet}, whose instances get no default outbound access, and ${flexibleMeans(natName, family, fam)}${forWhat}`));
    } else if (missingOfNic.length) {
      const lbs = missingOfNic.map((k) => `load balancer ${name(k)}`).join(" and ");
      shares.push({ protocols: rest, path: unknown(`${lbs}, whose backend pool holds another IP configuration of ${owner(subnet, endpoint)}, ${missingOfNic.length > 1 ? "are" : "is"} not in the input, so whether default outbound access is off for ${who} is unknown (add \`az network lb list\`)`) });
    } else if (instance?.kind === "unknown") {
      // Default outbound access if the VM is in no Flexible scale set, none if it is: neither pass nor fail.
      shares.push({ protocols: rest, path: unknown(`${lead}${instance.missing}`) });
    } else {
      const guess = unseen ? ` (${unseen}: judged from the subnet alone)` : "";
      shares.push({ protocols: rest, path: { method: "default-outbound-access", detail: `through Azure's default outbound access (being retired; a NAT gateway is the explicit way)${guess}`, works: true, ipv4Only: "default outbound access" } });
    }
  }
  return shares;
}

/**
 * The way out of scale set `scaleSet`'s instances where its input does not state `orchestrationMode` and nothing
 * before default outbound access decided (no NAT gateway of this family, public IP configuration, Standard pool or
 * private subnet): as Uniform they get default outbound access (a public IPv4 address only), as Flexible none
 * ("Any instances created via Flexible scale sets won't have the default outbound access IP associated to it"). ARM
 * always returns the mode today, so an input without it is an older export or a hand-written one. IPv4 ends
 * differently by the mode: `unknown` (neither pass nor fail), naming what to add; IPv6 has no way out either way
 * (beside a NAT gateway `natName` carrying IPv4 only, `family` 6, the same). `lbMissing`: a load balancer of another
 * IP configuration the input lacks (which, as Uniform, would decide default outbound access too).
 * https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-orchestration-modes
 */
function unstatedMode(scaleSet: string, source: OutboundSource, rest: ProtoSet, natName: string | undefined, family: 4 | 6, fam: string, forWhat: string, lead: string, lbMissing: string | undefined): OutboundShare[] {
  const unstated = `scale set ${scaleSet} does not say its orchestrationMode (Uniform or Flexible)`;
  const add = "add `orchestrationMode`, or export with `az vmss list`, which always gives it";
  const noV6: OutboundPath = { method: "none", detail: `${lead}${unstated}, and either way IPv6 has no way out: Uniform instances get default outbound access, which gives a public IPv4 address only, Flexible ones none, and ${flexibleMeans(natName, family, fam)}${forWhat}`, works: false };
  // IPv6 beside a NAT gateway that carries IPv4 only: no way out as either mode.
  if (natName && family === 6) return [{ protocols: rest, path: noV6 }];
  // Words that read alike for several scale sets (lib/path/evaluate.ts says it once for all, forHolders).
  const asUniform = lbMissing ? `Uniform instances may or may not get default outbound access (${lbMissing})` : `Uniform instances would leave through Azure's default outbound access`;
  const v4 = unknown(`${lead}${unstated}: ${asUniform}, Flexible ones get none, and ${flexibleMeans(natName, family, fam)}${forWhat} (${add})`);
  const hasV4 = source.addresses.v4.length > 0;
  const hasV6 = source.addresses.v6.length > 0 && !natName;
  // With a load balancer missing, the Uniform way is unknown for every family, as for a scale set stated Uniform.
  if (!hasV6 || lbMissing) return [{ protocols: rest, path: v4 }];
  if (!hasV4) return [{ protocols: rest, path: noV6 }];
  return [
    { protocols: rest, family: 4, path: v4 },
    { protocols: rest, family: 6, path: noV6 },
  ];
}

/** What a Flexible scale set's instance lacks besides default outbound access, in words (beside a NAT gateway that carries the other family only, when `natName`). */
function flexibleMeans(natName: string | undefined, family: 4 | 6, fam: string): string {
  return natName ? `NAT gateway ${natName} carries IPv${family === 6 ? 4 : 6} only, and there is no ${fam}public IP or outbound rule` : "there is no NAT gateway, public IP or outbound rule";
}

/**
 * Words for an endpoint no NIC of the input stands for (CONTRACT §4.1 stage 4: "judged from the subnet alone … and the
 * detail says so"): the subnet itself ("no NIC of spoke/cc is in the input"), or a CycleCloud server the profile names
 * by an IP address whose NIC the input lacks ("the NIC holding 10.1.0.4 is not in the input"). Undefined for a NIC,
 * a scale set, or a NIC the subnet names (whose own words say it is missing).
 */
function unseenNic(estate: Estate, subnet: Subnet, endpoint: Endpoint): string | undefined {
  if (endpoint.nic || endpoint.scaleSet || endpoint.missingNic) return undefined;
  const where = `${subnet.vnetName}/${subnet.name}`;
  if (endpoint.privateEndpointsOnly) return `no NIC of ${where} but private endpoints' is in the input`;
  if (addrCovers(endpoint.addresses, estate.subnetPrefixes(subnet))) return `no NIC of ${where} is in the input`;
  return `the NIC holding ${describeAddrs(endpoint.addresses)} is not in the input`;
}

export function outboundEvidence(path: OutboundPath): OutboundEvidence {
  return { stage: "outbound", method: path.method, ...(path.resource ? { resource: path.resource } : {}), detail: path.detail };
}

/**
 * The subnet's outbound method as a whole, for the subnet page: every endpoint's (NIC's, scale set's) for TCP and
 * UDP, or the subnet alone. Endpoints whose paths are alike are grouped, named while few and counted when many
 * ("NICs n1, n3 have no public IP …; 18 NICs (n2, n4, n5, …): through their own public IPs"), so the detail stays
 * short in a subnet of thousands of NICs; one reading per endpoint (a NAT gateway, which takes every endpoint's
 * traffic alike, one in all). The method is that of the first group that reaches public addresses, so the page does
 * not read "none" while part of the subnet's traffic leaves (CC-EGRESS-LOCKDOWN judges every endpoint).
 * https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
 */
export function subnetOutbound(estate: Estate, subnet: Subnet): OutboundPath {
  const eps = estate.endpoints(subnet);
  // A NAT gateway takes every endpoint's traffic alike, unless it leaves a family the subnet has (IPv6 beside an IPv4
  // one, IPv4 beside an IPv6-only StandardV2 one) to each endpoint's own means.
  const nat = subnet.natGatewayKey ? estate.snapshot.natGateways?.get(subnet.natGatewayKey) : undefined;
  const prefixes = estate.subnetPrefixes(subnet);
  const counts = nat ? natAddressCounts(estate.snapshot, nat) : undefined;
  const v4Taken = prefixes.v4.length === 0 || natTakesIpv4(counts);
  const natTakesAll = !!subnet.natGatewayKey && v4Taken && (prefixes.v6.length === 0 || natCarriesIpv6(estate.snapshot, nat, "").carries === "yes");
  if (eps.length <= 1 || natTakesAll) return endpointOutbound(estate, subnet, eps[0] ?? { addresses: estate.subnetPrefixes(subnet), lbBackendPoolKeys: [] });
  const groups = new Map<string, OutboundGroup>();
  for (const ep of eps) {
    const path = endpointOutbound(estate, subnet, ep);
    const who = holderName(subnet, ep);
    // Alike but for whose they are: the holder's name taken out (each NIC's own public IP counts as alike too).
    const named = withoutHolder(path.detail, who);
    const generic = path.method === "public-ip" && !ep.sources ? `${HOLDER}: through their own public IPs` : named !== path.detail ? named : `${HOLDER}: ${path.detail}`;
    const key = `${path.method}|${generic}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { path, generic, whos: [who], same: true });
    else {
      g.whos.push(who);
      g.same &&= g.path.detail === path.detail;
    }
  }
  const all = [...groups.values()];
  // Every endpoint in the same words (default outbound access for all): those words.
  if (all.length === 1 && all[0].same) return all[0].path;
  const lead = all.find((g) => g.path.works) ?? all[0];
  return { ...lead.path, detail: all.map(groupDetail).join("; ") };
}

/** Endpoints of a subnet with alike outbound paths: the first one's path, the words with the holder as HOLDER. */
interface OutboundGroup {
  path: OutboundPath;
  generic: string;
  /** "NIC n1", "scale set vmss": whose paths these are, in the subnet's order. */
  whos: string[];
  /** Whether every member's words are the first one's. */
  same: boolean;
}

/** Stands for the holder's name in a group's words (a character no Azure name holds). */
const HOLDER = "\u0000";

/**
 * "NIC n1", "NICs n1, n2, n3", "18 NICs (n1, n2, n3, …)", "200 NICs (a0, a1, a2, …) and scale set ss": a group's
 * holders, NICs and scale sets each named while few and counted when many, so a scale set is never hidden among NICs.
 */
function groupLabel(whos: string[]): string {
  if (whos.length === 1) return whos[0];
  const kind = (prefix: string, one: string, many: string) => {
    const names = whos.filter((w) => w.startsWith(prefix)).map((w) => w.slice(prefix.length));
    if (names.length === 0) return "";
    if (names.length === 1) return `${one} ${names[0]}`;
    return names.length <= 3 ? `${many} ${names.join(", ")}` : `${names.length} ${many} (${names.slice(0, 3).join(", ")}, …)`;
  };
  const others = whos.filter((w) => !w.startsWith("NIC ") && !w.startsWith("scale set "));
  return [kind("NIC ", "NIC", "NICs"), kind("scale set ", "scale set", "scale sets"), others.join(", ")].filter((x) => x).join(" and ");
}

/** One group's words: its own for one endpoint (with its name), else the shared words with the group's label as the holder. */
function groupDetail(g: OutboundGroup): string {
  if (g.whos.length === 1) return g.path.detail.includes(g.whos[0]) ? g.path.detail : `${g.whos[0]}: ${g.path.detail}`;
  return forHolders(g.generic, g.whos);
}

/**
 * Whose outbound path an endpoint's is, as its words name it: "NIC n1", "scale set vmss", or the subnet ("spoke/cc").
 */
export function holderName(subnet: Subnet, endpoint: Endpoint): string {
  return endpoint.missingNic ? `NIC ${name(endpoint.missingNic)}` : owner(subnet, endpoint);
}

/**
 * `detail` with holder `who` ("scale set hpc") taken out wherever it stands as a whole name (not "scale set hpc2"),
 * for comparing the words of several holders; `detail` itself when it does not name `who`.
 */
export function withoutHolder(detail: string, who: string): string {
  // Most words name no holder (a NAT gateway, default outbound access): no pattern to build, as this runs per NIC.
  if (!detail.includes(who)) return detail;
  const escaped = who.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return detail.replace(new RegExp(`${escaped}(?![\\w-]|\\.[\\w-])`, "g"), HOLDER);
}

/**
 * Words `withoutHolder` made generic, for several holders at once: "instances of Flexible scale sets hpc, htc, gpu
 * get no default outbound access", "NICs a, b have no public IP …", the verbs after the holder agreeing with several.
 */
export function forHolders(generic: string, whos: string[]): string {
  const label = groupLabel(whos);
  if (whos.length === 1) return generic.replaceAll(HOLDER, label);
  // The verb after the holder (not after "IP configuration p of <holder>") agrees with several.
  return generic
    .replace(new RegExp(`(?<!of )${HOLDER} (has|is|does not say its) `, "g"), (_m, verb: string) => `${label} ${verb === "has" ? "have" : verb === "is" ? "are" : "do not say their"} `)
    // NICs the subnet names but the input lacks: "NICs a, b, which spoke/cc names, are not in the input, so their …".
    .replace(" names, is not in the input, so its ", " names, are not in the input, so their ")
    .replaceAll(HOLDER, label);
}

/**
 * One endpoint's outbound path for TCP and UDP. When the endpoint's IP configurations differ in their way out (its
 * `sources`), the detail says what each does ("IP configuration p: …; IP configuration s: through outbound rule o
 * of load balancer lbs") and the method is that of the first one that reaches public addresses.
 * https://learn.microsoft.com/azure/load-balancer/outbound-rules
 */
function endpointOutbound(estate: Estate, subnet: Subnet, ep: Endpoint): OutboundPath {
  const sources: OutboundSource[] = ep.sources ?? [ep];
  const paths = sources.map((source) => ({ source, path: sourceOutbound(estate, subnet, ep, source) }));
  const distinct = new Map<string, { path: OutboundPath; names: string[] }>();
  for (const { source, path } of paths) {
    const slot = distinct.get(path.detail) ?? { path, names: [] };
    for (const n of source.ipConfigNames ?? []) if (!slot.names.includes(n)) slot.names.push(n);
    distinct.set(path.detail, slot);
  }
  const all = [...distinct.values()];
  if (all.length === 1) return all[0].path;
  const lead = all.find((d) => d.path.works) ?? all[0];
  const detail = all
    .map(({ path, names }) => {
      const label = `IP configuration${names.length > 1 ? "s" : ""} ${names.join(", ")}`;
      // A detail that already names its IP configurations ("IP configuration p of NIC n has no …") needs no label.
      return !names.length || path.detail.includes(`${label} of `) ? path.detail : `${label}: ${path.detail}`;
    })
    .join("; ");
  return { ...lead.path, detail };
}

/**
 * One outbound source's path for TCP and UDP, in one: TCP's method (the first that reaches public addresses, where
 * the address families differ), the detail naming each protocol's and family's when they differ ("IPv4: through NAT
 * gateway n; IPv6: through public IP p").
 */
function sourceOutbound(estate: Estate, subnet: Subnet, ep: Endpoint, source: OutboundSource): OutboundPath {
  const shares = outboundPaths(estate, subnet, ep, TCP | UDP, source);
  if (shares.length === 1) return shares[0].path;
  const tcp = shares.find((s) => s.protocols & TCP && s.path.works) ?? shares.find((s) => s.protocols & TCP) ?? shares[0];
  const families = new Set(shares.map((s) => s.family)).size > 1;
  const label = (s: OutboundShare) => [families && s.family ? `IPv${s.family}` : "", s.protocols !== (TCP | UDP) ? describeProtocols(s.protocols) : ""].filter((x) => x).join(" ");
  return { ...tcp.path, detail: shares.map((s) => (label(s) ? `${label(s)}: ${s.path.detail}` : s.path.detail)).join("; ") };
}
