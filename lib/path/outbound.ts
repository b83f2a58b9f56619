// Stage 4 of a flow's path: how a packet routed to the Internet leaves Azure. Precedence: a NAT gateway on
// the subnet > a public IP on the NIC (or the scale set's public IP configuration) > an outbound rule of a
// Standard public load balancer whose backend pool holds the NIC > default outbound access. There is no
// default outbound access in a private subnet (`defaultOutboundAccess: false`), for a NIC in any Standard
// load balancer's backend pool, or for a Flexible-orchestration scale set's instances.
// https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
// https://learn.microsoft.com/azure/load-balancer/outbound-rules
import type { LoadBalancer, Subnet } from "../model/types";
import type { Endpoint, Estate } from "../nsg/estate";
import type { OutboundEvidence } from "../report/types";

export interface OutboundPath {
  /** `nat-gateway`, `public-ip`, `load-balancer`, `default-outbound-access` or `none`. */
  method: "nat-gateway" | "public-ip" | "load-balancer" | "default-outbound-access" | "none";
  resource?: string;
  /** In words, for details and the subnet page. */
  detail: string;
  /** True when a public address can be reached. */
  works: boolean;
}

const name = (key: string) => key.split("/").pop() ?? key;

function poolLoadBalancer(estate: Estate, poolKey: string): LoadBalancer | undefined {
  const lbKey = poolKey.split("/backendaddresspools/")[0];
  return estate.snapshot.loadBalancers?.get(lbKey);
}

/** The outbound path of one endpoint of a subnet (CONTRACT §4.1 stage 4). */
export function outboundPath(estate: Estate, subnet: Subnet, endpoint: Endpoint): OutboundPath {
  const { snapshot } = estate;
  if (subnet.natGatewayKey) {
    const nat = snapshot.natGateways?.get(subnet.natGatewayKey);
    if (nat && nat.publicIpKeys.length + nat.publicIpPrefixKeys.length === 0) {
      return { method: "none", resource: nat.id, detail: `NAT gateway ${nat.name} has no public IP address or prefix, so nothing leaves through it`, works: false };
    }
    return { method: "nat-gateway", resource: nat?.id ?? subnet.natGatewayKey, detail: `through NAT gateway ${nat?.name ?? name(subnet.natGatewayKey)}${nat ? "" : " (not in the input: taken to have a public IP)"}`, works: true };
  }
  if (endpoint.hasPublicIp) {
    const pip = endpoint.publicIpKey ? snapshot.publicIps?.get(endpoint.publicIpKey) : undefined;
    const what = endpoint.scaleSet ? `the public IP configuration of scale set ${endpoint.scaleSet.name}` : `public IP ${pip?.name ?? name(endpoint.publicIpKey ?? "")}`;
    return { method: "public-ip", resource: pip?.id ?? endpoint.publicIpKey ?? endpoint.scaleSet?.id, detail: `through ${what}`, works: true };
  }
  let inStandardPool = false;
  for (const poolKey of endpoint.lbBackendPoolKeys) {
    const lb = poolLoadBalancer(estate, poolKey);
    if (!lb) continue;
    if ((lb.sku ?? "").toLowerCase() === "standard") inStandardPool = true;
    const rule = lb.outboundRules.find((r) => r.backendPoolKey === poolKey && r.frontendKeys.length > 0);
    if (rule && (lb.sku ?? "").toLowerCase() === "standard") {
      return { method: "load-balancer", resource: lb.id, detail: `through outbound rule ${rule.name} of load balancer ${lb.name}`, works: true };
    }
  }
  const where = endpoint.nic && !endpoint.scaleSet ? `NIC ${endpoint.nic.name}` : endpoint.scaleSet ? `scale set ${endpoint.scaleSet.name}` : `${subnet.vnetName}/${subnet.name}`;
  if (subnet.defaultOutboundAccess === false) {
    return { method: "none", detail: `${subnet.vnetName}/${subnet.name} is a private subnet (defaultOutboundAccess: false) with no NAT gateway, and ${where} has no public IP or load balancer outbound rule: no public address is reachable`, works: false };
  }
  if (inStandardPool) return { method: "none", detail: `${where} is in a Standard load balancer's backend pool without an outbound rule, which turns default outbound access off: no public address is reachable`, works: false };
  if (endpoint.scaleSet?.orchestrationMode === "Flexible") return { method: "none", detail: `instances of Flexible scale set ${endpoint.scaleSet.name} get no default outbound access, and there is no NAT gateway, public IP or outbound rule`, works: false };
  const guess = !endpoint.nic && !endpoint.missingNic ? " (no NIC of this subnet is in the input: judged from the subnet alone)" : "";
  return { method: "default-outbound-access", detail: `through Azure's default outbound access (being retired; a NAT gateway is the explicit way)${guess}`, works: true };
}

export function outboundEvidence(path: OutboundPath): OutboundEvidence {
  return { stage: "outbound", method: path.method, ...(path.resource ? { resource: path.resource } : {}), detail: path.detail };
}

/** The subnet's outbound method as a whole, for the subnet page: the first endpoint's, or the subnet alone. */
export function subnetOutbound(estate: Estate, subnet: Subnet): OutboundPath {
  const eps = estate.endpoints(subnet);
  return outboundPath(estate, subnet, eps[0] ?? { addresses: estate.subnetPrefixes(subnet), lbBackendPoolKeys: [] });
}
