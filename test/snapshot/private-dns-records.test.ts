// Private DNS record sets and a VNet's DNS servers as the loader reads them (CONTRACT §4.2): CNAME record sets are
// read with their target; an A record's ipv4Address and a VNet's dhcpOptions.dnsServers take only IP addresses in
// Azure, so anything else is one input error naming the file and JSON path (CLI exit 2, HTTP 400).
// https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets/get
// https://learn.microsoft.com/azure/virtual-network/manage-virtual-network#change-dns-servers
import { describe, expect, it } from "vitest";
import { inputErrorMessage } from "../helpers/input-error";
import { loadSnapshot } from "@/lib/snapshot";
import { NET, anchorVnet, hubVnet } from "./small-estate";

const ZONE = `${NET.replace("/resourceGroups/rg-net/", "/resourceGroups/rg-dns/")}/privateDnsZones/privatelink.blob.core.windows.net`;
const aRecord = (ipv4Address: unknown) => ({ id: `${ZONE}/A/sta`, name: "sta", type: "Microsoft.Network/privateDnsZones/A", properties: { ttl: 10, aRecords: [{ ipv4Address }] } });
const withDns = (dnsServers: unknown[]) => ({ ...hubVnet, properties: { ...hubVnet.properties, dhcpOptions: { dnsServers } } });

const messageOf = (value: unknown[]) => inputErrorMessage(() => loadSnapshot([{ name: "estate.json", value }]));

describe("private DNS record sets", () => {
  it("reads a CNAME record set's target (lower-cased, without the trailing dot), and one listed without it", () => {
    const snapshot = loadSnapshot([
      {
        name: "estate.json",
        value: [
          anchorVnet,
          { id: `${ZONE}/CNAME/sta`, name: "STA", type: "Microsoft.Network/privateDnsZones/CNAME", properties: { ttl: 10, cnameRecord: { cname: "Other.privatelink.blob.core.windows.net." } } },
          { id: `${ZONE}/CNAME/bare`, name: "bare", type: "Microsoft.Network/privateDnsZones/CNAME", properties: {} },
        ],
      },
    ]);
    const zone = [...(snapshot.privateDnsZones?.values() ?? [])].find((z) => z.name === "privatelink.blob.core.windows.net");
    expect(zone?.cnameRecords?.get("sta")).toBe("other.privatelink.blob.core.windows.net");
    expect(zone?.cnameRecords?.has("bare")).toBe(true);
    expect(zone?.cnameRecords?.get("bare")).toBeUndefined();
    expect(snapshot.gaps?.ignoredTypes.has("Microsoft.Network/privateDnsZones/CNAME") ?? false).toBe(false);
  });

  it("an A record's ipv4Address that is no IPv4 address (out of range, a prefix) is an input error naming the file and path", () => {
    for (const bad of ["10.2.6.999", "10.2.6.0/24", "fd00::4"]) {
      const message = messageOf([anchorVnet, aRecord(bad)]);
      expect(message).toContain("estate.json");
      expect(message).toContain("[1].properties.aRecords[0].ipv4Address");
      expect(message).toContain("IPv4 address");
    }
    // A padded address is still the address.
    const ok = loadSnapshot([{ name: "estate.json", value: [anchorVnet, aRecord(" 10.2.6.4 ")] }]);
    expect([...(ok.privateDnsZones?.values() ?? [])][0].aRecordAddresses?.get("sta")).toEqual(["10.2.6.4"]);
  });
});

describe("a VNet's DNS servers", () => {
  it("a server that is not an IP address (a prefix, a name) is an input error naming the file and path", () => {
    for (const bad of ["10.100.0.4/32", "dns.contoso.example"]) {
      const message = messageOf([withDns(["10.1.0.10", bad])]);
      expect(message).toContain("estate.json");
      expect(message).toContain("[0].properties.dhcpOptions.dnsServers[1]");
      expect(message).toContain("an IP address");
    }
    const snapshot = loadSnapshot([{ name: "estate.json", value: [withDns([" 10.100.0.4", "168.63.129.16"])] }]);
    expect(snapshot.vnets.get(hubVnet.id.toLowerCase())?.dnsServers).toEqual(["10.100.0.4", "168.63.129.16"]);
  });
});
