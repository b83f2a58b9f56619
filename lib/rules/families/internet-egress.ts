// Egress to the Internet outside every service tag (github.com, package mirrors, anything not Azure):
// blocked by NSGs, or taken away from the Internet by a default route to an appliance or to nowhere.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
import type { Subnet } from "../../model/types";
import type { Estate } from "../../nsg/estate";
import { type FlowResult, type FlowSpec, evaluateFlow } from "../../nsg/flow";
import type { PortSet } from "../../net/ports";
import type { ProtoSet } from "../../net/protocols";

export interface DefaultRoute {
  /** The subnet's route table sends every default route of its address families to an appliance or drops it. */
  forced: "VirtualAppliance" | "None" | null;
  detail: string;
}

export function defaultRoute(estate: Estate, subnet: Subnet): DefaultRoute {
  const table = subnet.routeTableKey ? estate.snapshot.routeTables.get(subnet.routeTableKey) : undefined;
  if (!table) return { forced: null, detail: "" };
  const families = new Set(subnet.addressPrefixes.map((p) => (p.includes(":") ? "::/0" : "0.0.0.0/0")));
  const hops = [...families].map((prefix) => ({ prefix, route: table.routes.find((r) => r.addressPrefix.trim() === prefix) }));
  const kinds = hops.map((h) => h.route?.nextHopType.toLowerCase());
  if (kinds.length === 0 || kinds.some((k) => k !== "virtualappliance" && k !== "none")) return { forced: null, detail: "" };
  const forced = kinds.every((k) => k === "none") ? "None" : "VirtualAppliance";
  const detail = hops
    .map((h) => `route table ${table.name} sends ${h.prefix} to ${h.route!.nextHopType}${h.route!.nextHopIpAddress ? ` (${h.route!.nextHopIpAddress})` : ""} (route ${h.route!.name})`)
    .join("; ");
  return { forced, detail };
}

export interface InternetEgress {
  route: DefaultRoute;
  result: FlowResult;
  spec: FlowSpec;
}

export function internetEgress(estate: Estate, subnet: Subnet, protocols: ProtoSet, ports: PortSet): InternetEgress {
  const spec: FlowSpec = { direction: "Outbound", protocols, ports, remote: estate.context(subnet).internetOutsideTags, remoteLabel: "Internet addresses outside the service tags", key: `internet:${protocols}:${ports.join(",")}` };
  return { route: defaultRoute(estate, subnet), result: evaluateFlow(estate, subnet, spec), spec };
}

export const noTagPrefixesNote = (estate: Estate) =>
  estate.snapshot.serviceTags?.size
    ? ""
    : " Without service tag prefixes (--service-tags), every public address is taken to be outside the service tags.";
