// A network rule naming FQDNs matches only at the addresses the firewall's DNS proxy resolved: machines that ask
// another DNS server first may connect elsewhere, so such a rule proves nothing for them (fqdn-filtering-network-rules).
import { describe, expect, it } from "vitest";
import { estate, finding } from "../../test/helpers/estate-builder";

function hub(spokeDns?: string[]) {
  return estate()
    .vnet("hub", ["10.100.0.0/16"])
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("hpc", ["10.1.0.0/16"], spokeDns ? { dnsServers: spokeDns } : {})
    .subnet("hpc/cc", "10.1.0.0/24", { routeTable: "rt" })
    .peer("hub", "hpc")
    .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .firewall("fw", "hub", "10.100.0.4", { policy: "pol" })
    .policy("pol", [{ name: "g", priority: 100, collections: [{ name: "c", priority: 100, action: "Allow", rules: [{ kind: "network", name: "arm", fqdns: ["management.azure.com"], ports: ["443"] }] }] }], { dnsProxy: true })
    .audit({ cyclecloud: ["hpc/cc"] });
}

describe("a network rule naming FQDNs, with the firewall's DNS proxy on", () => {
  it("lets the name through for machines that ask the firewall for it", () => {
    expect(finding(hub(["10.100.0.4"]), "hpc/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("cannot be judged for machines that ask Azure-provided DNS or another server first", () => {
    for (const dns of [undefined, ["10.1.0.53", "10.100.0.4"]]) {
      const f = finding(hub(dns), "hpc/cc", "CC-EGRESS-ARM");
      expect(f.status).toBe("warn");
      expect(f.detail).toContain(`asks ${dns ? "10.1.0.53, 10.100.0.4" : "Azure-provided DNS"} first, not fw (10.100.0.4)`);
    }
  });
});
