// Replies to what a hub Azure Firewall lets out come back through the firewall, which forwards them by its own
// subnet's routes: also when a service endpoint on AzureFirewallSubnet carried the traffic to Storage.
// https://learn.microsoft.com/azure/firewall/firewall-faq (asymmetric routing is not supported)
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estate, finding } from "../../test/helpers/estate-builder";
import { audit } from "../audit";
import { loadSnapshot, parseProfile } from "../snapshot";

function hub(fwSubnetRoutes: { name: string; prefix: string; hop: string }[]) {
  return estate()
    .vnet("hub", ["10.100.0.0/16"])
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", { serviceEndpoints: [{ service: "Microsoft.Storage" }], routeTable: "rt-fw" })
    .vnet("hpc", ["10.1.0.0/16"])
    .subnet("hpc/cc", "10.1.0.0/24", { routeTable: "rt" })
    .peer("hub", "hpc")
    .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .routeTable("rt-fw", fwSubnetRoutes)
    .firewall("fw", "hub", "10.100.0.4", { policy: "pol" })
    .policy("pol", [{ name: "g", priority: 100, collections: [{ name: "c", priority: 100, action: "Allow", rules: [{ kind: "application", name: "blob", fqdns: ["*.blob.core.windows.net"] }] }] }])
    .audit({ cyclecloud: ["hpc/cc"] });
}

describe("replies through a hub firewall whose subnet has the Storage service endpoint", () => {
  it("pass where the firewall's subnet routes the spoke back", () => {
    const f = finding(hub([]), "hpc/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("pass");
    expect(JSON.stringify(f.evidence)).toContain("VirtualNetworkServiceEndpoint");
  });

  it("fail where the firewall's subnet drops the spoke: the service endpoint carried it out, not the replies back", () => {
    const f = finding(hub([{ name: "spoke-none", prefix: "10.1.0.0/16", hop: "None" }]), "hpc/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("replies have no way back");
    expect(f.detail).toContain("spoke-none");
  });
});

describe("a way between role subnets open at both ends, with only the firewall's replies in doubt", () => {
  it("says the cause is outside what the audit can judge, not that no change was found", () => {
    const dir = "test/cases/reports/fw-subnet-replies-via-nva";
    const report = audit(loadSnapshot([{ name: "snapshot.json", value: JSON.parse(readFileSync(`${dir}/snapshot.json`, "utf8")) }]), parseProfile("profile.json", JSON.parse(readFileSync(`${dir}/profile.json`, "utf8"))));
    for (const [subnet, rule] of [["vnet-cc/snet-cyclecloud", "CC-INGRESS-AMQP"], ["vnet-compute/snet-compute", "NODE-EGRESS-AMQP"]]) {
      const f = finding(report, subnet, rule);
      expect(f.status).toBe("warn");
      expect(f.noFixReason).toMatch(/^What decides this is outside what the audit can judge \(.*nic-nva.*\), so no change could be verified/);
    }
  });
});
