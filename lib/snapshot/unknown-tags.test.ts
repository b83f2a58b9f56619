// A service tag no rule in Azure could name (ARM refuses unknown tags): a note naming the rule and the tag, with the
// known tag it is likely meant to be; the verdict is left as it was.
import { describe, expect, it } from "vitest";
import { readNotes } from "@/lib/live/read-notes";
import { loadSnapshot } from "@/lib/snapshot";
import { estate, finding, id } from "../../test/helpers/estate-builder";
import { MAX_TAG_NOTES } from "./unknown-tags";

const cc = { cyclecloud: ["v/cc"] };
const TAGS = {
  values: [
    { name: "Storage", properties: { addressPrefixes: ["20.60.0.0/16"] } },
    { name: "Storage.EastUS", properties: { addressPrefixes: ["20.60.1.0/24"] } },
    { name: "AzureResourceManager", properties: { addressPrefixes: ["20.37.0.0/16"] } },
  ],
};

/** v/cc behind nsg-cc, whose outbound rules name `tags` (one Allow rule each, from priority 200). */
function world(tags: string[], serviceTags?: unknown) {
  const b = estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24", { nsg: "nsg-cc" });
  b.nsg("nsg-cc", tags.map((t, i) => ({ name: `Allow-${i}`, priority: 200 + i, direction: "Outbound" as const, access: "Allow" as const, dst: t, ports: "443" })));
  if (serviceTags) b.serviceTags = serviceTags;
  return b;
}
const notesOf = (tags: string[], serviceTags?: unknown) => world(tags, serviceTags).snapshot().inputNotes ?? [];

describe("a service tag the input's service tags do not hold", () => {
  it("is noted with the rule, the tag and the closest known tag within two edits", () => {
    expect(notesOf(["Storgae"], TAGS)).toEqual([
      "Service tag Storgae (NSG rule Allow-0 (200) in nsg-cc) is not in the service tags given (or is listed there without prefixes); Azure refuses a rule naming a tag it does not know, so either the service tags file does not hold every tag (an older file, or part of one) or the export was edited by hand. It is judged as a tag of its own, disjoint from every other; did you mean Storage?",
    ]);
  });

  it("offers no tag more than two edits away", () => {
    expect(notesOf(["AzureFrontDoor.Backend"], TAGS)).toEqual([expect.stringMatching(/^Service tag AzureFrontDoor\.Backend \(NSG rule Allow-0 \(200\) in nsg-cc\) is not in the service tags given .* disjoint from every other\.$/)]);
  });

  it("says nothing of tags the file holds (in any case), the built-in ones, addresses and `*`", () => {
    expect(notesOf(["storage", "Storage.EastUS", "VirtualNetwork", "Internet", "AzureLoadBalancer", "*", "20.1.0.0/16", "Any"], TAGS)).toEqual([]);
    // The platform's own tags, which the downloadable file need not list.
    expect(notesOf(["AzurePlatformDNS", "AzurePlatformIMDS", "AzurePlatformLKM"], TAGS)).toEqual([]);
  });

  it("takes a region the file lacks as its base tag, and notes it only where the file lists other regions of the base", () => {
    // The file lists Storage.EastUS but not Storage.WestUS: judged as Storage, with no region offered in its stead
    // (region names are a few letters apart, so a near one is no sign of a typo).
    expect(notesOf(["Storage.WestUS"], TAGS)).toEqual([expect.stringMatching(/It is judged as all of Storage, whose prefixes the file gives\.$/)]);
    // No region of AzureResourceManager is listed: a file without its regions, judged by the base's prefixes.
    expect(notesOf(["AzureResourceManager.WestEurope"], TAGS)).toEqual([]);
  });

  it("names each tag once, with every rule naming it", () => {
    const notes = notesOf(["Storgae", "Storgae"], TAGS);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("(NSG rule Allow-0 (200) in nsg-cc; NSG rule Allow-1 (201) in nsg-cc)");
  });

  it("names at most MAX_TAG_NOTES tags and counts the rest", () => {
    const tags = Array.from({ length: MAX_TAG_NOTES + 2 }, (_, i) => `Made${String.fromCharCode(65 + i)}Up`);
    const notes = notesOf(tags, TAGS);
    expect(notes).toHaveLength(MAX_TAG_NOTES + 1);
    expect(notes.at(-1)).toBe("2 more service tags named by rules are unknown likewise to the service tags given.");
  });
});

describe("without service tags", () => {
  it("notes only a name within two edits of a tag the product knows, as a likely typo", () => {
    expect(notesOf(["AzureResourceManger", "Internett", "Sql", "AzureFrontDoor.Backend"])).toEqual([
      "Service tag AzureResourceManger (NSG rule Allow-0 (200) in nsg-cc) is not a service tag this product knows without --service-tags; Azure refuses a rule naming a tag it does not know, so it is likely a typo in an export edited by hand. It is judged as a tag of its own, disjoint from every other; did you mean AzureResourceManager? Give --service-tags ServiceTags_Public_*.json to check every tag name.",
      expect.stringMatching(/^Service tag Internett .* did you mean Internet\?/),
    ]);
  });

  it("checks a regional tag by its base", () => {
    expect(notesOf(["Storage.WestEurope"])).toEqual([]);
    expect(notesOf(["Storag.WestEurope"])).toEqual([expect.stringContaining("did you mean Storage.WestEurope?")]);
  });
});

describe("rules of other kinds", () => {
  it("names a firewall network rule and an admin rule naming an unknown tag", () => {
    const group = {
      id: `${id("firewallPolicies", "fwp")}/ruleCollectionGroups/rcg`,
      name: "rcg",
      type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
      properties: {
        priority: 100,
        ruleCollections: [{ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "out", priority: 100, action: { type: "Allow" }, rules: [{ ruleType: "NetworkRule", name: "to-arm", ipProtocols: ["TCP"], sourceAddresses: ["10.0.0.0/24"], destinationAddresses: ["AzureResourceManger"], destinationPorts: ["443"] }] }],
      },
    };
    const admin = {
      id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/m/securityAdminConfigurations/c/ruleCollections/rc/rules/deny-web`,
      name: "deny-web",
      type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
      kind: "Custom",
      properties: { priority: 10, direction: "Outbound", access: "Deny", protocol: "Tcp", sources: [{ addressPrefix: "*", addressPrefixType: "IPPrefix" }], destinations: [{ addressPrefix: "Internnet", addressPrefixType: "ServiceTag" }], sourcePortRanges: ["0-65535"], destinationPortRanges: ["443"] },
    };
    const snapshot = world([]).extra(group, admin).snapshot();
    expect(snapshot.inputNotes).toEqual([
      expect.stringMatching(/^Service tag Internnet \(admin rule deny-web\) .* did you mean Internet\?/),
      expect.stringMatching(/^Service tag AzureResourceManger \(firewall network rule to-arm \(collection out, rule collection group rcg\)\) .* did you mean AzureResourceManager\?/),
    ]);
    expect(readNotes(snapshot)).toEqual(snapshot.inputNotes);
  });
});

describe("the verdict", () => {
  it("is unchanged: an Allow for a misspelt tag lets nothing through to the tag meant", () => {
    const report = world(["AzureResourceManger"]).audit(cc);
    expect(finding(report, "v/cc", "CC-EGRESS-ARM").status).toBe(finding(world([]).audit(cc), "v/cc", "CC-EGRESS-ARM").status);
    expect(loadSnapshot([{ name: "e.json", value: { value: world(["AzureResourceManager"]).resources() } }]).inputNotes).toBeUndefined();
  });
});
