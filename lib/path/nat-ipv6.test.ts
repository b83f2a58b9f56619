// A StandardV2 NAT gateway's IPv6 public IPs and prefixes sit in `publicIpAddressesV6` / `publicIpPrefixesV6`
// (https://learn.microsoft.com/javascript/api/@azure/arm-network/natgatewaypropertiesformat): read in every input
// form, and counted per address family by the outbound stage (CONTRACT §4.1 stage 4, "Lockdown").
import { describe, expect, it } from "vitest";
import { estate, finding, id } from "../../test/helpers/estate-builder";
import { audit } from "../audit";
import type { Report } from "../report/types";
import { loadSnapshot } from "../snapshot";

const cc = { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } };
const pip = (name: string, version: "IPv4" | "IPv6") => ({ id: id("publicIPAddresses", name), name, type: "Microsoft.Network/publicIPAddresses", sku: { name: "StandardV2" }, properties: { publicIPAddressVersion: version } });
const pipPrefix = (name: string) => ({ id: id("publicIPPrefixes", name) });

/** NAT gateway nat-v2 (StandardV2) with the given ARM properties. */
const natV2 = (properties: Record<string, unknown>) => ({ id: id("natGateways", "nat-v2"), name: "nat-v2", type: "Microsoft.Network/natGateways", sku: { name: "StandardV2" }, properties });

/**
 * The reviewer's estate: a dual-stack private subnet behind nat-v2 whose NSG denies IPv4 Internet only, so IPv6 to the
 * Internet leaves exactly when nat-v2 carries IPv6. `form` rewrites the NAT gateway resource (ARM, az, Resource Graph).
 */
function dualStackBehind(nat: Record<string, unknown>, form: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r, wrap: (rs: unknown[]) => unknown = (rs) => ({ value: rs })): Report {
  const b = estate()
    .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
    .subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"], { nsg: "nsg-cc", natGateway: "nat-v2", defaultOutboundAccess: false })
    .nsg("nsg-cc", [{ name: "DenyIPv4Internet", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", dst: "0.0.0.0/0", ports: "*" }])
    .extra(pip("pip4", "IPv4"), pip("pip6", "IPv6"));
  const resources = [...b.resources().filter((r) => (r as { id: string }).id !== nat.id), form(nat)];
  return audit(loadSnapshot([{ name: "estate.json", value: wrap(resources) }]), cc, { generatedAt: "2026-01-01T00:00:00.000Z" });
}

/** `az network nat gateway list`: the properties at the top level, `resourceGroup` beside them. */
const azForm = (r: Record<string, unknown>) => {
  const { properties, ...rest } = r as { properties: Record<string, unknown> };
  return { ...rest, ...properties, resourceGroup: "rg" };
};
/** `az graph query`: the type in lower case, under `data`. */
const graphForm = (r: Record<string, unknown>) => ({ ...r, type: String(r.type).toLowerCase() });

describe("a StandardV2 NAT gateway's IPv6 public IPs and prefixes", () => {
  const v6Ip = natV2({ publicIpAddresses: [{ id: id("publicIPAddresses", "pip4") }], publicIpAddressesV6: [{ id: id("publicIPAddresses", "pip6") }] });

  it("IPv6 in publicIpAddressesV6 leaves through the NAT gateway: lockdown warns (IPv4 denied, IPv6 leaves), in ARM, az and Resource Graph form", () => {
    const forms: [string, Report][] = [
      ["ARM", dualStackBehind(v6Ip)],
      ["az", dualStackBehind(v6Ip, azForm, (rs) => rs)],
      ["Resource Graph", dualStackBehind(v6Ip, graphForm, (rs) => ({ data: rs }))],
    ];
    for (const [form, report] of forms) {
      const f = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(f.status, form).toBe("warn");
      expect(f.detail, form).toContain("through NAT gateway nat-v2");
      expect(f.detail, form).not.toContain("carries IPv4 only");
      // Both families leave through the NAT gateway: the subnet page names it alone.
      expect(report.subnets.find((s) => s.name === "cc")!.outbound, form).toMatchObject({ method: "nat-gateway", detail: "through NAT gateway nat-v2" });
    }
  });

  it("an IPv6 prefix in publicIpPrefixesV6 counts the same way", () => {
    const report = dualStackBehind(natV2({ publicIpAddresses: [{ id: id("publicIPAddresses", "pip4") }], publicIpPrefixesV6: [pipPrefix("prefix6")] }));
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("warn");
  });

  it("IPv4 lists only (publicIpAddresses, publicIpPrefixes): IPv6 has no way out of the private subnet, lockdown passes, and a prefix is IPv4 (no 'unknown')", () => {
    for (const nat of [natV2({ publicIpAddresses: [{ id: id("publicIPAddresses", "pip4") }] }), natV2({ publicIpPrefixes: [pipPrefix("prefix4")] })]) {
      const f = finding(dualStackBehind(nat), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(f.status).toBe("pass");
      expect(f.detail).toContain("whose NAT gateway nat-v2 carries IPv4 only");
      expect(f.detail).not.toContain("cannot be judged");
    }
  });

  it("IPv6 addresses only: IPv6 leaves through it; IPv4, whose fate Azure does not document, is not judged where a way below would take it", () => {
    const nat = natV2({ publicIpAddressesV6: [{ id: id("publicIPAddresses", "pip6") }] });
    // Private subnet: IPv4 has no way out either way, so only IPv6 leaves (and the NSG lets it).
    const report = dualStackBehind(nat);
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("warn");
    expect(report.subnets.find((s) => s.name === "cc")!.outbound!.detail).toContain("NAT gateway nat-v2 has IPv6 public addresses only, and spoke/cc is a private subnet (defaultOutboundAccess: false) whose NAT gateway nat-v2 carries IPv6 only");
    // A subnet with default outbound access, IPv6 denied by the NSG: IPv4 might leave by default outbound access.
    const open = estate()
      .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
      .subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"], { nsg: "nsg-cc", natGateway: "nat-v2" })
      .nsg("nsg-cc", [{ name: "DenyIPv6Internet", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", dst: "::/0", ports: "*" }])
      .extra(pip("pip6", "IPv6"), nat)
      .audit(cc.roles);
    const f = finding(open, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("NAT gateway nat-v2 has IPv6 public addresses only; whether IPv4 then leaves through Azure's default outbound access");
  });
});
