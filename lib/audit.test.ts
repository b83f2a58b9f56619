import { describe, expect, it } from "vitest";
import { SEED_RULES, estate, finding } from "../test/helpers/estate-builder";
import { RULES } from "./rules";
import { findingId } from "./finding-id";
import { loadSnapshot } from "./snapshot";
import { audit } from "./audit";

const demo = () =>
  estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc", serviceEndpoints: [{ service: "Microsoft.Storage" }] })
    .subnet("hub/c1", "10.0.1.0/24", { nsg: "nsg-c" })
    .subnet("hub/rp", "10.0.3.0/24")
    .subnet("hub/AzureBastionSubnet", "10.0.9.0/26")
    .nsg("nsg-cc", [...SEED_RULES])
    .nsg("nsg-c", [{ name: "DenyStorage", priority: 100, direction: "Outbound", access: "Deny", dst: "Storage", ports: "443" }]);

describe("audit report", () => {
  it("carries exactly one finding per rule that applies to each subnet's role, in catalogue order", () => {
    const report = demo().audit({ cyclecloud: ["hub/cc"], cluster: ["hub/c1"], returnProxy: ["hub/rp"] });
    for (const s of report.subnets) {
      const expected = s.role ? RULES.filter((r) => r.roles.includes(s.role!)).map((r) => r.id) : [];
      expect(s.findings.map((f) => f.rule), s.name).toEqual(expected);
    }
  });

  it("gives a subnet the worst status of its findings, info never raising it, and counts them in the summary", () => {
    const report = demo().audit({ cyclecloud: ["hub/cc"], cluster: ["hub/c1"], returnProxy: ["hub/rp"] });
    const rank = { pass: 0, info: 0, exempt: 0, warn: 1, fail: 2 } as const;
    for (const s of report.subnets) {
      if (!s.role) {
        expect(s.status).toBe("unscoped");
        continue;
      }
      const worst = Math.max(0, ...s.findings.map((f) => rank[f.status]));
      expect(s.status).toBe(["pass", "warn", "fail"][worst]);
    }
    expect(report.summary).toEqual({
      subnets: 4,
      pass: report.subnets.filter((s) => s.status === "pass").length,
      warn: report.subnets.filter((s) => s.status === "warn").length,
      fail: report.subnets.filter((s) => s.status === "fail").length,
      unscoped: 1,
    });
    expect(finding(report, "hub/c1", "NODE-EGRESS-STORAGE").status).toBe("fail");
    expect(report.subnets.find((s) => s.name === "c1")!.status).toBe("fail");
  });

  it("links every finding by a stable id of (subnet, rule), the same in every scan", () => {
    const a = demo().audit({ cyclecloud: ["hub/cc"] });
    const f = finding(a, "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.link).toBe(`/findings/${f.id}`);
    expect(f.id).toBe(findingId(a.subnets[0].id.toLowerCase(), "CC-EGRESS-LOCKDOWN"));
    const b = demo().audit({ cyclecloud: ["HUB/CC"] });
    expect(finding(b, "hub/cc", "CC-EGRESS-LOCKDOWN").id).toBe(f.id);
  });

  it("the seed page's own NSG passes every CycleCloud requirement (GitHub staging warns, as the page says it will)", () => {
    const report = demo().audit({ cyclecloud: ["hub/cc"] });
    const statuses = Object.fromEntries(report.subnets[0].findings.map((f) => [f.rule, f.status]));
    expect(statuses).toMatchObject({
      "CC-EGRESS-STORAGE": "pass",
      "CC-EGRESS-AAD": "pass",
      "CC-EGRESS-MONITOR": "pass",
      "CC-EGRESS-ARM": "pass",
      "CC-EGRESS-LOCKDOWN": "pass",
      "CC-SE-STORAGE": "pass",
      "CC-GITHUB-STAGING": "warn",
    });
  });
});

describe("address families", () => {
  const tags = { values: [{ name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["20.60.0.0/16", "2603:1000::/40"] } }] };

  it("an IPv4-only subnet does not care about a tag's IPv6 prefixes", () => {
    const b = estate()
      .vnet("v", ["10.0.0.0/16"])
      .subnet("v/cc", "10.0.0.0/24", { nsg: "n" })
      .nsg("n", [{ name: "DenyStorageV6", priority: 100, direction: "Outbound", access: "Deny", dst: "2603:1000::/40", ports: "443" }]);
    b.serviceTags = tags;
    expect(finding(b.audit({ cyclecloud: ["v/cc"] }), "v/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("a dual-stack subnet whose IPv6 traffic is blocked only in part warns", () => {
    const b = estate()
      .vnet("v", ["10.0.0.0/16", "fd00:10::/48"])
      .nsg("n", [{ name: "DenyStorageV6", priority: 100, direction: "Outbound", access: "Deny", dst: "2603:1000::/40", ports: "443" }]);
    b.subnet("v/cc", "10.0.0.0/24", { nsg: "n" });
    b.serviceTags = tags;
    const resources = b.resources() as { type: string; properties: { subnets: { properties: Record<string, unknown> }[] } }[];
    const subnet = resources[0].properties.subnets[0].properties;
    delete subnet.addressPrefix;
    subnet.addressPrefixes = ["10.0.0.0/24", "fd00:10::/64"];
    const snapshot = loadSnapshot([{ name: "e.json", value: resources }], { serviceTags: { name: "t.json", value: tags } });
    const report = audit(snapshot, { roles: { cyclecloud: ["v/cc"], cluster: [], returnProxy: [] } });
    const f = finding(report, "v/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("2603:1000::/40");
  });
});
