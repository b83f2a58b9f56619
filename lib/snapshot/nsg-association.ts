// Where the input's exports disagree on which NSG guards a subnet or a NIC. Azure applies the subnet's (the NIC's) own
// `networkSecurityGroup.id`; an NSG's `subnets[]` and `networkInterfaces[]` are back-references Azure derives from
// it. One listing of each never disagrees, so a disagreement means exports taken at different times (`az network vnet
// list` before an NSG was moved, `az network nsg list` after). The audit keeps following the subnet's and the NIC's
// side (CONTRACT §4: "Associations come from the subnet's and the NIC's own `networkSecurityGroup` references") and
// says so in the report's notes, naming both resources, so a verdict resting on a stale export is not taken on trust.
// https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get (subnets, networkInterfaces: read-only)
import type { Nsg, Snapshot } from "@/lib/model/types";
import { lastSegment } from "./arm-id";

/** At most this many disagreements are named one by one; the rest are counted in one more note. */
export const MAX_ASSOCIATION_NOTES = 20;

/** The NSGs whose listing names each subnet (or NIC) key among its back-references. */
function listers(nsgs: Iterable<Nsg>, field: "listedSubnetKeys" | "listedNicKeys"): Map<string, Nsg[]> {
  const out = new Map<string, Nsg[]>();
  for (const nsg of nsgs) {
    for (const key of nsg[field] ?? []) {
      const list = out.get(key);
      if (list) {
        if (!list.includes(nsg)) list.push(nsg);
      } else out.set(key, [nsg]);
    }
  }
  return out;
}

/**
 * One holder (a subnet or a NIC, `label` naming it) against the NSGs: the note saying how its own reference and the
 * back-references disagree, or undefined when they agree or the input shows only one side. `applied`: the holder's
 * `networkSecurityGroup` key; `listedBy`: the NSGs of the input whose back-references name it.
 */
function disagreement(snapshot: Snapshot, kind: "subnet" | "NIC", label: string, applied: string | undefined, listedBy: readonly Nsg[], field: "listedSubnetKeys" | "listedNicKeys", listName: string): string | undefined {
  const own = applied ? snapshot.nsgs.get(applied) : undefined;
  const others = listedBy.filter((n) => n.key !== applied);
  // The NSG the holder names lists its back-references, and this holder is not among them (`listedBy` are the NSGs that
  // list it: looked up there, not in the NSG's list, which one NSG on 40,000 NICs makes long).
  const ownOmits = own?.[field] !== undefined && !listedBy.includes(own);
  if (others.length === 0 && !ownOmits) return undefined;
  const appliedWords = applied ? `names NSG ${own?.name ?? lastSegment(applied)} (its networkSecurityGroup.id)` : "names no NSG";
  const parts: string[] = [];
  if (others.length) parts.push(`NSG ${others.map((n) => n.name).join(" and NSG ")} list${others.length > 1 ? "" : "s"} it among ${others.length > 1 ? "their" : "its"} ${listName}`);
  if (ownOmits) parts.push(`NSG ${own!.name}'s ${listName} do not list it`);
  const followed = applied ? `NSG ${own?.name ?? lastSegment(applied)}` : "no NSG";
  const what = kind === "subnet" ? `Subnet ${label}` : `NIC ${label}`;
  return `${what} ${appliedWords}, but ${parts.join(", and ")}: the exports disagree, so they were likely taken at different times. Azure applies the ${kind}'s own reference, and this audit follows it (${followed}); export both again to be sure.`;
}

/**
 * Notes for every subnet and NIC whose own `networkSecurityGroup` disagrees with an NSG's back-references, where the
 * input holds both the holder and the NSG that lists (or omits) it: "Subnet vnet-hub/snet-cc names NSG nsg-a (its
 * networkSecurityGroup.id), but NSG nsg-b lists it among its subnets: …". An NSG whose listing leaves a back-reference
 * list out says nothing (CONTRACT §4: "an NSG's back-references may be absent"). At most MAX_ASSOCIATION_NOTES are
 * named; more are counted in a last note. Empty when all agree.
 */
export function nsgAssociationNotes(snapshot: Snapshot): string[] {
  const nsgs = [...snapshot.nsgs.values()];
  if (!nsgs.some((n) => n.listedSubnetKeys || n.listedNicKeys)) return [];
  const notes: string[] = [];
  const bySubnet = listers(nsgs, "listedSubnetKeys");
  for (const subnet of snapshot.subnets.values()) {
    const why = disagreement(snapshot, "subnet", `${subnet.vnetName}/${subnet.name}`, subnet.nsgKey, bySubnet.get(subnet.key) ?? [], "listedSubnetKeys", "subnets");
    if (why) notes.push(why);
  }
  const byNic = listers(nsgs, "listedNicKeys");
  for (const nic of snapshot.nics.values()) {
    const why = disagreement(snapshot, "NIC", nic.name, nic.nsgKey, byNic.get(nic.key) ?? [], "listedNicKeys", "networkInterfaces");
    if (why) notes.push(why);
  }
  if (notes.length <= MAX_ASSOCIATION_NOTES) return notes;
  const rest = notes.length - MAX_ASSOCIATION_NOTES;
  return [...notes.slice(0, MAX_ASSOCIATION_NOTES), `${rest} more subnet${rest > 1 ? "s or NICs" : " or NIC"} disagree likewise with an NSG's back-references; the audit follows their own networkSecurityGroup references.`];
}
