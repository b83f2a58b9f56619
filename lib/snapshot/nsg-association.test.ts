// Exports taken at different times that disagree on an NSG's association: the subnet's (the NIC's) own
// `networkSecurityGroup` stays what is audited, and the report's notes name both sides.
import { describe, expect, it } from "vitest";
import { readNotes } from "@/lib/live/read-notes";
import { loadSnapshot } from "@/lib/snapshot";
import { HUB, NET, ccNic, ccNsg, smallEstate } from "../../test/snapshot/small-estate";
import { flattenResource } from "../../test/snapshot/flatten";
import { MAX_ASSOCIATION_NOTES } from "./nsg-association";

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const CC_SUBNET = `${HUB}/subnets/cyclecloud`;
const COMPUTE_SUBNET = `${HUB}/subnets/compute`;

/** An NSG with no rules of its own whose back-references list `subnets` and `nics` (omitted when undefined). */
function nsg(name: string, backRefs: { subnets?: string[]; nics?: string[] }) {
  return {
    name,
    id: `${NET}/networkSecurityGroups/${name}`,
    type: "Microsoft.Network/networkSecurityGroups",
    properties: {
      securityRules: [],
      ...(backRefs.subnets ? { subnets: backRefs.subnets.map((id) => ({ id })) } : {}),
      ...(backRefs.nics ? { networkInterfaces: backRefs.nics.map((id) => ({ id })) } : {}),
    },
  };
}

/** nsg-cc (which hub/cyclecloud names) with back-references. */
const ccNsgListing = (subnets: string[]) => ({ ...clone(ccNsg), properties: { ...clone(ccNsg).properties, subnets: subnets.map((id) => ({ id })) } });

const load = (...resources: unknown[]) => loadSnapshot([{ name: "estate.json", value: [...smallEstate.filter((r) => r !== ccNsg), ...resources] }]);
const notesOf = (...resources: unknown[]) => load(...resources).inputNotes ?? [];

describe("an NSG's back-references against the subnet's and the NIC's own reference", () => {
  it("says nothing when they agree, or when the NSG's listing leaves the back-references out", () => {
    expect(notesOf(ccNsgListing([CC_SUBNET]))).toEqual([]);
    expect(notesOf(clone(ccNsg))).toEqual([]);
    // Ids compare case-insensitively.
    expect(notesOf(ccNsgListing([CC_SUBNET.toUpperCase()]))).toEqual([]);
    // A trailing slash names the same subnet.
    expect(notesOf(ccNsgListing([`${CC_SUBNET}/`]))).toEqual([]);
  });

  it("notes a subnet that names NSG A while NSG B lists it, naming both, and still audits NSG A", () => {
    const snapshot = load(ccNsgListing([CC_SUBNET]), nsg("nsg-b", { subnets: [CC_SUBNET] }));
    expect(snapshot.inputNotes).toEqual([
      "Subnet hub/cyclecloud names NSG nsg-cc (its networkSecurityGroup.id), but NSG nsg-b lists it among its subnets: the exports disagree, so they were likely taken at different times. Azure applies the subnet's own reference, and this audit follows it (NSG nsg-cc); export both again to be sure.",
    ]);
    expect(snapshot.subnets.get(CC_SUBNET.toLowerCase())?.nsgKey).toBe(`${NET}/networkSecurityGroups/nsg-cc`.toLowerCase());
    // The notes reach the report (cli/audit.ts and the store take them from readNotes).
    expect(readNotes(snapshot)).toEqual(snapshot.inputNotes);
  });

  it("notes the NSG the subnet names when its own back-references leave the subnet out", () => {
    expect(notesOf(ccNsgListing([]))).toEqual([expect.stringContaining("Subnet hub/cyclecloud names NSG nsg-cc (its networkSecurityGroup.id), but NSG nsg-cc's subnets do not list it:")]);
  });

  it("notes a subnet that names no NSG while an NSG lists it", () => {
    expect(notesOf(clone(ccNsg), nsg("nsg-b", { subnets: [COMPUTE_SUBNET] }))).toEqual([
      expect.stringMatching(/^Subnet hub\/compute names no NSG, but NSG nsg-b lists it among its subnets: .* this audit follows it \(no NSG\)/),
    ]);
  });

  it("notes a NIC whose networkSecurityGroup disagrees with networkInterfaces[], in the flattened form too", () => {
    const listing = nsg("nsg-b", { nics: [ccNic.id] });
    const expected = [expect.stringMatching(/^NIC cc-nic names NSG nsg-cc-nic \(its networkSecurityGroup\.id\), but NSG nsg-b lists it among its networkInterfaces: .*Azure applies the NIC's own reference/)];
    expect(notesOf(clone(ccNsg), listing)).toEqual(expected);
    expect(notesOf(clone(ccNsg), flattenResource(listing))).toEqual(expected);
  });

  it("never refuses a back-reference list it cannot read: it is read-only in ARM and only compared", () => {
    const odd = { ...clone(ccNsg), properties: { ...clone(ccNsg).properties, subnets: "not a list", networkInterfaces: [null, { id: "" }, { name: "x" }] } };
    expect(notesOf(odd)).toEqual([]);
  });

  it("says nothing about a subnet or NIC the input does not hold", () => {
    expect(notesOf(clone(ccNsg), nsg("nsg-b", { subnets: [`${HUB}/subnets/elsewhere`], nics: [`${NET}/networkInterfaces/gone`] }))).toEqual([]);
  });

  it("names at most MAX_ASSOCIATION_NOTES and counts the rest", () => {
    const nics = Array.from({ length: MAX_ASSOCIATION_NOTES + 3 }, (_, i) => ({ ...clone(ccNic), name: `nic-${i}`, id: `${NET}/networkInterfaces/nic-${i}` }));
    const notes = notesOf(clone(ccNsg), ...nics, nsg("nsg-b", { nics: nics.map((n) => n.id) }));
    expect(notes).toHaveLength(MAX_ASSOCIATION_NOTES + 1);
    // cc-nic itself is not listed, so only the 23 copies disagree.
    expect(notes.at(-1)).toBe("3 more subnets or NICs disagree likewise with an NSG's back-references; the audit follows their own networkSecurityGroup references.");
  });
});
