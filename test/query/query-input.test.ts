// What a flow query refuses or flags instead of answering "allowed" about nothing: an end that is a subnet with no
// address prefix, and a service tag name that is not one (with the tags given), or that the product cannot check.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSnapshot, parseJsonFile } from "@/lib/snapshot";
import { queryFlow } from "@/lib/path/query";
import { inputErrorMessage } from "../helpers/input-error";

const DEMO = path.resolve(__dirname, "../../fixtures/demo");
const FILES = ["vnets", "nsgs", "nics", "route-tables", "private-endpoints", "firewalls", "firewall-policies"];
const read = (f: string) => parseJsonFile(`${f}.json`, fs.readFileSync(path.join(DEMO, `${f}.json`), "utf8"));

/** The demo estate, `edit` applied to its VNets first, with service tag prefixes when `tags` is given. */
function demo(edit?: (vnets: { name: string; subnets: Record<string, unknown>[] }[]) => void, tags?: unknown) {
  const sources = FILES.map((f) => ({ name: `${f}.json`, value: read(f) }));
  edit?.(sources[0].value as { name: string; subnets: Record<string, unknown>[] }[]);
  return loadSnapshot(sources, tags ? { serviceTags: { name: "tags.json", value: tags } } : {});
}

const TAGS = {
  values: ["Storage", "AzureResourceManager", "AzureActiveDirectory", "AzureMonitor", "Storage.WestEurope"].map((name, i) => ({ name, properties: { addressPrefixes: [`20.${i}.0.0/16`] } })),
};

describe("a query about a subnet with no address prefix", () => {
  const withoutPrefix = () =>
    demo((vnets) => {
      const subnet = vnets.find((v) => v.name === "vnet-hub")!.subnets.find((s) => s.name === "snet-cyclecloud")!;
      delete subnet.addressPrefix;
    });

  it("is bad input naming the snapshot file and the subnet's path, from either end", () => {
    const snapshot = withoutPrefix();
    const from = inputErrorMessage(() => queryFlow(snapshot, { from: "vnet-hub/snet-cyclecloud", to: "management.azure.com", protocol: "tcp", port: "443" }));
    expect(from).toMatch(/^vnets\.json: \[\d+\]\.subnets\[2\]\.addressPrefix: missing: subnet vnet-hub\/snet-cyclecloud has no addressPrefix, .* and --from names it$/);
    const to = inputErrorMessage(() => queryFlow(snapshot, { from: "vnet-hub/snet-returnproxy", to: "vnet-hub/snet-cyclecloud", protocol: "tcp", port: "9443" }));
    expect(to).toMatch(/^vnets\.json: .*subnets\[2\]\.addressPrefix: missing: .* and --to names it$/);
  });

  it("leaves queries about other subnets as they were", () => {
    const q = { from: "vnet-dev-spoke/snet-cyclecloud-dev", to: "management.azure.com", protocol: "tcp" as const, port: "443" };
    expect(queryFlow(withoutPrefix(), q).verdict).toBe(queryFlow(demo(), q).verdict);
  });
});

describe("a query to a service tag", () => {
  const q = (to: string) => ({ from: "vnet-hub/snet-cyclecloud", to, protocol: "tcp" as const, port: "443" });

  it("with service tags given, refuses a name that is not one, naming --to and the closest tag", () => {
    const snapshot = demo(undefined, TAGS);
    expect(inputErrorMessage(() => queryFlow(snapshot, q("Storagee")))).toBe('--to: "Storagee" is not a service tag of the service tags given; did you mean Storage?');
    expect(inputErrorMessage(() => queryFlow(snapshot, q("AzureMonitr")))).toBe('--to: "AzureMonitr" is not a service tag of the service tags given; did you mean AzureMonitor?');
    expect(inputErrorMessage(() => queryFlow(snapshot, q("Nonsense")))).toBe('--to: "Nonsense" is not a service tag of the service tags given');
    // Tags of the file in any case, and Azure's built-in tags the file does not list, are tags.
    for (const tag of ["storage", "AzureResourceManager", "Internet", "VirtualNetwork", "AzureLoadBalancer"]) expect(() => queryFlow(snapshot, q(tag)), tag).not.toThrow();
  });

  it("without service tags, answers for a name it does not know, with a note suggesting the closest", () => {
    const snapshot = demo();
    const typo = queryFlow(snapshot, q("Storagee"));
    expect(typo.notes[0]).toMatch(/^Storagee is not a service tag this product knows without --service-tags; .*\(did you mean Storage\?\)/);
    expect(queryFlow(snapshot, q("AzureKeyVault")).notes[0]).toMatch(/^AzureKeyVault is not a service tag this product knows/);
    for (const tag of ["Storage", "AzureMonitor", "Internet"]) expect(queryFlow(snapshot, q(tag)).notes.join(" "), tag).not.toMatch(/not a service tag/);
  });
});

describe("a query to a regional service tag, which looks like a host name too", () => {
  const q = (to: string) => ({ from: "vnet-hub/snet-cyclecloud", to, protocol: "tcp" as const, port: "443" });

  it("with service tags given, a name they hold is that tag: its prefixes, not the Internet outside the tags", () => {
    const answer = queryFlow(demo(undefined, TAGS), q("Storage.WestEurope"));
    expect(answer.to.what).toBe("service tag Storage.WestEurope");
    // Judged on its own prefixes (20.4.0.0/16 in this file), not as the Internet outside every tag.
    expect(answer.parts.join(" ")).toContain("20.4.0.0/16");
  });

  it("without them, a known tag's region is a tag; a host under a top-level domain stays a name", () => {
    expect(queryFlow(demo(), q("Storage.WestEurope")).to.what).toBe("service tag Storage.WestEurope");
    expect(queryFlow(demo(), q("AzureCloud.eastus")).to.what).toBe("service tag AzureCloud.eastus");
    expect(queryFlow(demo(), q("storage.com")).to.what).toBe("storage.com");
    expect(queryFlow(demo(), q("example.westeurope")).to.what).toBe("example.westeurope");
  });
});
