// The sentence a flow carries where routes learned over BGP, which no listing shows, could change where it goes.
import type { Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { bgpLearning, bgpRouteTables } from "./routes";

/**
 * BGP routes are not in a snapshot: the sentence saying a learned route could change where `subnet`'s traffic goes,
 * when its VNet has a gateway or Route Server (or uses a peering's remote gateways) and no route table of the subnet
 * disables BGP propagation; undefined otherwise (CONTRACT §4.1 stage 3).
 */
export function bgpLearnedNote(estate: Estate, subnet: Subnet): string | undefined {
  const learning = bgpLearning(estate, subnet);
  if (!learning) return undefined;
  const { vnet, remote, hubs } = learning;
  const tables = bgpRouteTables(estate, subnet.vnetKey);
  if (tables.length) {
    const nics = tables.map((t) => estate.snapshot.nics.get(t.nicKey)?.name ?? t.nicId.split("/").pop()).join(", ");
    return `${vnet.name}'s routes learned over BGP are those Azure's effective route table${tables.length > 1 ? "s" : ""} of NIC ${nics} list${tables.length > 1 ? "" : "s"} (${[...new Set(tables.flatMap((t) => t.files ?? [t.file]))].join(", ")}); a route learned since ${tables.length > 1 ? "they were" : "it was"} taken is not seen.`;
  }
  const propagation = subnet.routeTableKey ? `${subnet.name}'s route table does not disable BGP route propagation` : `${subnet.name} has no route table to disable BGP route propagation`;
  // Azure's effective route table of a NIC in the VNet would show them (README "Routes learned over BGP").
  // A table was given but shows nothing here (its NIC is absent, or propagation where it was taken is off or unknown).
  const unused = [...(estate.snapshot.effectiveRouteTables?.values() ?? [])].map((t) => t.nicId.split("/").pop()!);
  const show = unused.length
    ? `the effective route table${unused.length > 1 ? "s" : ""} given for NIC ${unused.join(", ")} show${unused.length > 1 ? "" : "s"} nothing of them (a NIC the input lacks, another VNet, or propagation off or unknown where taken; see the gaps)`
    : "Azure's effective route table of a NIC there shows them (the gaps say how to add one)";
  if (hubs.length) return `${vnet.name} is connected to virtual hub ${hubs.join(" and ")}: routes the hub learns from on-premises or an NVA (BGP), which no snapshot shows, could change where traffic outside the VNet and its peerings goes; ${show}.`;
  return `${vnet.name} has a gateway or Route Server${remote ? " (through a peering that uses remote gateways)" : ""} and ${propagation}: a learned route, which no snapshot shows, could change where traffic outside the VNet, its peerings and service endpoints goes; ${show}.`;
}
