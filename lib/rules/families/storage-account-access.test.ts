// The profile's storage account answers only callers its own network rules admit: a path that delivers the packets is
// not yet "reachable end to end" (https://learn.microsoft.com/azure/storage/common/storage-network-security).
import { describe, expect, it } from "vitest";
import { SUB, estate, finding } from "../../../test/helpers/estate-builder";
import { queryFlow } from "../../path/query";

const account = (name: string, properties: Record<string, unknown>, location = "westeurope") => ({
  id: `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/${name}`,
  name,
  type: "Microsoft.Storage/storageAccounts",
  location,
  properties,
});
const subnetId = (vnet: string, subnet: string) => `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;
const roles = { cyclecloud: ["hpc/cc"], cluster: ["hpc/compute"] };

/** CycleCloud and a cluster subnet, each with the Storage service endpoint (westeurope), and the locker account. */
const withAccount = (props: Record<string, unknown>, location?: string) =>
  estate()
    .vnet("hpc", ["10.1.0.0/16"])
    .subnet("hpc/cc", "10.1.0.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage" }] })
    .subnet("hpc/compute", "10.1.1.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage" }] })
    .extra(account("cclocker", props, location));

describe("the profile's storage account's own network rules", () => {
  it("an account with public network access disabled fails the Storage egress checks where no private endpoint serves it", () => {
    const r = withAccount({ publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" } }).auditProfile({ roles, storageAccount: "cclocker" });
    for (const [where, rule] of [["hpc/cc", "CC-EGRESS-STORAGE"], ["hpc/compute", "NODE-EGRESS-STORAGE"]] as const) {
      const f = finding(r, where, rule);
      expect(f.status).toBe("fail");
      expect(f.detail).toContain("storage account cclocker refuses it: its public network access is disabled");
      // No NSG, route or NAT gateway change can make the account admit the subnet.
      expect(f.fixes.filter((x) => x.kind !== "portal")).toEqual([]);
      expect(f.noFixReason).toContain("Storage account cclocker's own network settings decide this");
    }
    const se = finding(r, "hpc/cc", "CC-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("cclocker (public network access disabled). Use a private endpoint.");
  });

  it("the same account served by a private endpoint to it is reachable only through that endpoint (warn)", () => {
    const r = withAccount({ publicNetworkAccess: "Disabled" }).subnet("hpc/pe", "10.1.5.0/24").storagePrivateEndpoint("pe-locker", "hpc/pe", { account: "cclocker" }).auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(r, "hpc/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "warn", detail: expect.stringContaining("reachable only through private endpoint pe-locker to cclocker") });
  });

  it("default action Deny admits a subnet over its service endpoint only by a virtual network rule for that subnet", () => {
    const admitting = withAccount({ networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: subnetId("hpc", "cc"), state: "Succeeded" }] } }).auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(admitting, "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
    expect(finding(admitting, "hpc/cc", "CC-SE-STORAGE").status).toBe("pass");
    // The rule names the CycleCloud subnet only: the cluster subnet is refused.
    const compute = finding(admitting, "hpc/compute", "NODE-EGRESS-STORAGE");
    expect(compute.status).toBe("fail");
    expect(compute.detail).toContain("no virtual network rule for hpc/compute, which reaches it over its service endpoint");
    // A rule still being provisioned admits nothing yet.
    const pending = withAccount({ networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: subnetId("hpc", "cc"), state: "NetworkSourceDeleted" }] } }).auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(pending, "hpc/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "fail", detail: expect.stringContaining("virtual network rule for hpc/cc is NetworkSourceDeleted") });
  });

  it("an account outside the service endpoint's locations is reached from a public address: only an IP rule could admit it", () => {
    const vnetRule = { id: subnetId("hpc", "cc"), state: "Succeeded" };
    // The subnets' endpoints are for westeurope; this account is in eastus, so its traffic does not take them.
    const refused = withAccount({ networkAcls: { defaultAction: "Deny", virtualNetworkRules: [vnetRule] } }, "eastus").auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(refused, "hpc/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "fail", detail: expect.stringContaining("admit no public address, and traffic from hpc/cc reaches it from hpc/cc's outbound public address") });
    expect(finding(refused, "hpc/cc", "CC-SE-STORAGE")).toMatchObject({ status: "warn", detail: expect.stringContaining("cclocker (in eastus, outside the service endpoint's locations)") });
    const byIp = withAccount({ networkAcls: { defaultAction: "Deny", virtualNetworkRules: [vnetRule], ipRules: [{ value: "20.1.2.3", action: "Allow" }] } }, "eastus").auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(byIp, "hpc/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "warn", detail: expect.stringContaining("Whether storage account cclocker admits it cannot be judged: its network rules (default action Deny) admit only the addresses of its IP rules (20.1.2.3)") });
  });

  it("an account that admits everyone and one the profile does not name leave the verdict to the path; a near name the input lacks beside others is an input error", () => {
    const open = withAccount({ publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow" } }).auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(open, "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
    const closed = withAccount({ publicNetworkAccess: "Disabled" });
    // CONTRACT §1.2: a reference that matches nothing is an input error, never ignored (a typo would pass the checks).
    expect(() => closed.auditProfile({ roles, storageAccount: "cclockr" })).toThrow(/storageAccount: no storage account in the input is "cclockr"; it holds cclocker/);
    // A name far from every held one may be an account of a subscription not read: the path decides, with a note.
    const other = closed.auditProfile({ roles, storageAccount: "otheraccount" });
    expect(finding(other, "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
    expect(JSON.stringify(other.deployments)).toContain("Storage account otheraccount (storageAccount) is not in the input");
    expect(finding(closed.auditProfile({ roles }), "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("behind the profile's HTTPS proxy, the account judges the proxy's own traffic", () => {
    const r = withAccount({ publicNetworkAccess: "Disabled" })
      .subnet("hpc/proxy", "10.1.9.0/24")
      .nic("nic-proxy", "hpc/proxy", { ip: "10.1.9.4" })
      .auditProfile({ roles, storageAccount: "cclocker", proxy: { address: "10.1.9.4", port: 3128 } });
    expect(finding(r, "hpc/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "fail", detail: expect.stringContaining("storage account cclocker refuses it") });
  });

  it("a flow query to the account's name answers as the audit judges it", () => {
    const ask = (b: ReturnType<typeof withAccount>, from: string) => queryFlow(b.snapshot(), { from, to: "cclocker.blob.core.windows.net", protocol: "tcp", port: "443" });
    const disabled = ask(withAccount({ publicNetworkAccess: "Disabled" }), "hpc/cc");
    expect(disabled.verdict).toBe("blocked");
    expect(disabled.parts.join(" ")).toContain("At storage account cclocker: refused — its public network access is disabled");
    const vnetRule = { defaultAction: "Deny", virtualNetworkRules: [{ id: subnetId("hpc", "cc") }] };
    expect(ask(withAccount({ networkAcls: vnetRule }), "hpc/cc").verdict).toBe("allowed");
    expect(ask(withAccount({ networkAcls: vnetRule }), "hpc/compute").verdict).toBe("blocked");
    expect(ask(withAccount({ networkAcls: { ...vnetRule, ipRules: [{ value: "20.1.2.0/24" }] } }, "eastus"), "hpc/cc").verdict).toBe("partial");
  });

  it("IP rules have no effect on requests from the account's own region: a same-region subnet without a virtual network rule is refused", () => {
    // The VNet and the account are both in westeurope; the subnets have no service endpoint here.
    const sameRegion = estate()
      .vnet("hpc", ["10.1.0.0/16"])
      .subnet("hpc/cc", "10.1.0.0/24")
      .subnet("hpc/compute", "10.1.1.0/24")
      .extra(account("cclocker", { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "20.1.2.3" }] } }))
      .auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(sameRegion, "hpc/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "fail", detail: expect.stringContaining("its IP rules have no effect on requests from its own region (westeurope)") });
  });

  it("behind an Azure Firewall whose subnet has the Storage service endpoint, the account's virtual network rule for that subnet decides", () => {
    const hub = (rules: { id: string }[]) =>
      estate()
        .vnet("hub", ["10.0.0.0/16"])
        .subnet("hub/AzureFirewallSubnet", "10.0.1.0/26", { serviceEndpoints: [{ service: "Microsoft.Storage" }] })
        .vnet("hpc", ["10.1.0.0/16"])
        .subnet("hpc/cc", "10.1.0.0/24", { routeTable: "rt" })
        .subnet("hpc/compute", "10.1.1.0/24", { routeTable: "rt" })
        .peer("hub", "hpc")
        .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.1.4" }])
        .firewall("fw", "hub", "10.0.1.4", { policy: "pol" })
        .policy("pol", [{ name: "g", priority: 100, collections: [{ name: "c", priority: 100, action: "Allow", rules: [{ kind: "network", name: "storage", dst: ["Storage"], ports: ["443"] }] }] }])
        .extra(account("cclocker", { networkAcls: { defaultAction: "Deny", virtualNetworkRules: rules } }))
        .auditProfile({ roles, storageAccount: "cclocker" });
    expect(finding(hub([{ id: subnetId("hub", "AzureFirewallSubnet") }]), "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
    const refused = finding(hub([]), "hpc/cc", "CC-EGRESS-STORAGE");
    expect(refused.status).toBe("fail");
    expect(refused.detail).toContain("no virtual network rule for hub/AzureFirewallSubnet, which reaches it over its service endpoint");
  });
});

describe("an account the input holds without networkAcls.defaultAction (ARM always returns it)", () => {
  it("its service endpoint check cannot be judged: warn, naming the field, where Allow passes", () => {
    const f = finding(withAccount({ networkAcls: null }).auditProfile({ roles, storageAccount: "cclocker" }), "hpc/cc", "CC-SE-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("networkAcls.defaultAction");
    expect(finding(withAccount({ networkAcls: { defaultAction: "Allow" } }).auditProfile({ roles, storageAccount: "cclocker" }), "hpc/cc", "CC-SE-STORAGE").status).toBe("pass");
  });
});
