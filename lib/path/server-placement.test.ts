// The CycleCloud server and the deployments of a profile, read through the real loader, profile parser and audit
// (CONTRACT §1.2 profile, §4.1 "Where a verdict rests on something the input cannot show, the detail says so").
import { describe, expect, it } from "vitest";
import { estate, finding, id, vmId } from "../../test/helpers/estate-builder";
import { audit } from "../audit";
import type { Report } from "../report/types";
import { loadSnapshot, parseProfile } from "../snapshot";

const generatedAt = "2026-01-01T00:00:00.000Z";
type Builder = ReturnType<typeof estate>;

/** Audits `b` with `profile`, after giving subnet `vnet/subnet` the `ipConfigurations` back-references `nics` (NIC names). */
function auditWithBackRefs(b: Builder, profile: unknown, backRefs: Record<string, string[]> = {}): Report {
  const resources = b.resources() as { type: string; properties: { subnets?: { name: string; properties: Record<string, unknown> }[] }; name: string }[];
  for (const [ref, nics] of Object.entries(backRefs)) {
    const [v, s] = ref.split("/");
    const subnet = resources.find((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name === v)!.properties.subnets!.find((x) => x.name === s)!;
    subnet.properties.ipConfigurations = nics.map((n) => ({ id: `${id("networkInterfaces", n)}/ipConfigurations/ipconfig1` }));
  }
  return audit(loadSnapshot([{ name: "estate.json", value: resources }]), parseProfile("profile.json", profile), { generatedAt, profileName: "profile.json" });
}

describe("a CycleCloud server given by an IP address whose NIC the subnet names but the input lacks", () => {
  // A private CycleCloud subnet whose only VM's NIC (nic-cc) is missing: it may carry a public IP or an NSG. Its NSG
  // allows everything, so lockdown rests on the outbound path, which the NIC's public IP could open.
  const hub = () =>
    estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc", defaultOutboundAccess: false })
      .subnet("hub/hpc", "10.0.8.0/22")
      .nsg("nsg-cc", []);
  const withServer = { roles: { cyclecloud: ["hub/cc"], cluster: ["hub/hpc"] }, cyclecloudServer: ["10.0.0.4"] };

  it("makes the verdicts resting on the NIC warn, naming it, as the subnet without a server does", () => {
    for (const profile of [withServer, { roles: withServer.roles }]) {
      const report = auditWithBackRefs(hub(), profile, { "hub/cc": ["nic-cc"] });
      const label = profile === withServer ? "with server" : "without server";
      for (const rule of ["CC-EGRESS-LOCKDOWN", "CC-INGRESS-AMQP", "CC-INGRESS-HTTPS"]) {
        const f = finding(report, "hub/cc", rule);
        expect(f.status, `${label} ${rule}`).toBe("warn");
        expect(f.detail, `${label} ${rule}`).toContain("NIC nic-cc, which hub/cc names, is not in the input");
      }
      // Egress to a service is "cannot be judged", not a fail: the missing NIC may carry a public IP.
      expect(finding(report, "hub/cc", "CC-EGRESS-ARM").status, label).toBe("warn");
    }
  });

  it("without a back-reference, the address is judged from the subnet alone, and the words name the NIC holding it, not the subnet", () => {
    const report = auditWithBackRefs(hub(), withServer);
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("the NIC holding 10.0.0.4 is not in the input (judged from the subnet alone: no instance public IP or load balancer)");
    expect(arm.detail).not.toContain("hub/cc has no public IP");
  });
});

describe("a deployment with a cluster but no CycleCloud subnet", () => {
  const two = () =>
    estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc-a", "10.1.0.0/24")
      .subnet("spoke/hpc-a", "10.1.8.0/22")
      .subnet("spoke/hpc-b", "10.1.12.0/22");

  it("warns on the cluster's CycleCloud checks, naming the deployment (another deployment's CycleCloud does not count)", () => {
    const report = auditWithBackRefs(two(), {
      deployments: [
        { name: "a", cyclecloud: ["spoke/cc-a"], cluster: ["spoke/hpc-a"] },
        { name: "b", cluster: ["spoke/hpc-b"] },
      ],
    });
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) {
      const f = finding(report, "spoke/hpc-b", rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toContain("Deployment b names no CycleCloud subnet");
      expect(finding(report, "spoke/hpc-a", rule).status, rule).toBe("pass");
    }
  });

  it("stays info when no deployment names a CycleCloud subnet (a cluster-only audit)", () => {
    const report = auditWithBackRefs(two(), { roles: { cluster: ["spoke/hpc-a"] } });
    expect(finding(report, "spoke/hpc-a", "NODE-EGRESS-AMQP").status).toBe("info");
  });
});

describe("a CycleCloud VM with a second NIC in another subnet", () => {
  const dualNic = () =>
    estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("spoke/proxy", "10.1.5.0/24")
      .subnet("spoke/hpc", "10.1.8.0/22")
      .nsg("nsg-cc-nic", [{ name: "DenyAmqp", priority: 100, direction: "Inbound", access: "Deny", src: "10.1.8.0/22", ports: "5672" }])
      // As `az network nic list` prints an attached NIC: the VM's primary NIC is the one in the CycleCloud subnet.
      .nic("nic-cc-0", "spoke/cc", { ip: "10.1.0.4", vm: "vm-cc", nsg: "nsg-cc-nic", primary: true })
      .nic("nic-cc-1", "spoke/proxy", { ip: "10.1.5.4", vm: "vm-cc", primary: false });

  it("is judged by its NIC in the CycleCloud subnet (its NSG counts), and the report says the other NIC is not judged", () => {
    const report = auditWithBackRefs(dualNic(), { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"] }, cyclecloudServer: [vmId("vm-cc")] });
    expect(finding(report, "spoke/cc", "CC-INGRESS-AMQP").status).toBe("fail");
    expect(finding(report, "spoke/cc", "CC-INGRESS-HTTPS").status).toBe("pass");
    expect(report.deployments![0].serverNotes).toEqual([expect.stringContaining("NIC nic-cc-1 in spoke/proxy is outside the deployment's CycleCloud subnets")]);
  });

  it("is still refused when none of its NICs is in a CycleCloud subnet, naming the field", () => {
    expect(() => auditWithBackRefs(dualNic(), { roles: { cyclecloud: ["spoke/hpc"], cluster: [] }, cyclecloudServer: [vmId("vm-cc")] })).toThrow(
      /^profile\.json: cyclecloudServer\[0\]: the server is in spoke\/cc, which is not a CycleCloud subnet of deployment default/,
    );
  });
});

describe("a CycleCloud server address Azure reserves in its subnet", () => {
  // https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
  const one = () => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24").subnet("spoke/hpc", "10.1.8.0/22");

  it("is an input error naming the file and field for the first four and the last address; .4 and .254 are accepted", () => {
    for (const ip of ["10.1.0.0", "10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.255"]) {
      expect(() => auditWithBackRefs(one(), { deployments: [{ name: "a", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], cyclecloudServer: [ip] }] }), ip).toThrow(
        new RegExp(`^profile\\.json: deployments\\[0\\]\\.cyclecloudServer\\[0\\]: ${ip.replaceAll(".", "\\.")} is one of the five addresses Azure reserves in spoke/cc \\(10\\.1\\.0\\.0/24`),
      );
    }
    for (const ip of ["10.1.0.4", "10.1.0.254"]) {
      expect(() => auditWithBackRefs(one(), { deployments: [{ name: "a", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], cyclecloudServer: [ip] }] }), ip).not.toThrow();
    }
  });
});

describe("a proxy address no machine holds or CycleCloud cannot send to", () => {
  const one = () => estate().vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"]).subnet("spoke/cc", "10.1.0.0/24").subnet("spoke/hpc", "10.1.8.0/22").subnet("spoke/proxy", ["10.1.12.0/24", "fd00:1:0:9::/64"]);
  const profile = (address: string) => ({ roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"] }, proxy: { address, port: 3128 } });

  it("is an input error naming the field: an address Azure reserves, or a family the CycleCloud subnet has not", () => {
    expect(() => auditWithBackRefs(one(), profile("10.1.12.0"))).toThrow(/^profile\.json: proxy\.address: 10\.1\.12\.0 is one of the five addresses Azure reserves in spoke\/proxy \(10\.1\.12\.0\/24/);
    expect(() => auditWithBackRefs(one(), profile("fd00:1:0:9::4"))).toThrow(/^profile\.json: proxy\.address: fd00:1:0:9::4 is IPv6 and no CycleCloud subnet of deployment default has an IPv6 prefix/);
    expect(() => auditWithBackRefs(one(), { deployments: [{ name: "a", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], proxy: { address: "10.1.12.255", port: 3128 } }] })).toThrow(/^profile\.json: deployments\[0\]\.proxy\.address: /);
    expect(() => auditWithBackRefs(one(), profile("10.1.12.4"))).not.toThrow();
  });
});

describe("two deployments naming one CycleCloud subnet, each with its own CycleCloud VM", () => {
  // prod's CycleCloud at 10.1.0.4, dev's at 10.1.0.5, both in spoke/cc: the subnet's one finding per rule could not
  // say whose server, proxy or storage account it judged, so the profile is refused.
  const one = () =>
    estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("spoke/hpc-prod", "10.1.8.0/22")
      .subnet("spoke/hpc-dev", "10.1.12.0/22")
      .nsg("nsg-dev-cc", [{ name: "DenyAmqp", priority: 100, direction: "Inbound", access: "Deny", src: "10.1.12.0/22", ports: "5672" }])
      .nic("nic-prod", "spoke/cc", { ip: "10.1.0.4" })
      .nic("nic-dev", "spoke/cc", { ip: "10.1.0.5", nsg: "nsg-dev-cc" });

  it("is an input error naming both paths, why, and what to do instead", () => {
    const profile = {
      deployments: [
        { name: "prod", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc-prod"], cyclecloudServer: ["10.1.0.4"] },
        { name: "dev", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc-dev"], cyclecloudServer: ["10.1.0.5"], proxy: { address: "10.1.0.9", port: 3128 } },
      ],
    };
    expect(() => auditWithBackRefs(one(), profile)).toThrow(
      /^profile\.json: deployments\[1\]\.cyclecloud\[0\]: subnet spoke\/cc is already in deployment prod \(deployments\[0\]\.cyclecloud\[0\]\); a subnet belongs to one deployment, since each deployment's own CycleCloud server, proxy and storage account would make the subnet's one finding per rule ambiguous: give each deployment its own CycleCloud subnet, or name the CycleCloud VMs as one deployment's `cyclecloudServer`$/,
    );
  });

  it("named as one deployment's two servers (what the error suggests), is audited at both: dev's NIC NSG counts", () => {
    const both = { deployments: [{ name: "hpc", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc-prod", "spoke/hpc-dev"], cyclecloudServer: ["10.1.0.4", "10.1.0.5"] }] };
    // Part of the servers denies part of the nodes: partly blocked, `warn`.
    expect(finding(auditWithBackRefs(one(), both), "spoke/cc", "CC-INGRESS-AMQP").status).toBe("warn");
    const prodOnly = { deployments: [{ ...both.deployments[0], cyclecloudServer: ["10.1.0.4"] }] };
    expect(finding(auditWithBackRefs(one(), prodOnly), "spoke/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("a cluster subnet in two deployments is refused the same way, naming both paths", () => {
    expect(() =>
      auditWithBackRefs(one(), {
        deployments: [
          { name: "prod", cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc-prod"] },
          { name: "dev", cluster: ["spoke/hpc-prod"] },
        ],
      }),
    ).toThrow(/^profile\.json: deployments\[1\]\.cluster\[0\]: subnet spoke\/hpc-prod is already in deployment prod \(deployments\[0\]\.cluster\[0\]\); a subnet belongs to one deployment/);
  });
});

describe("the server note in the Markdown report", () => {
  it("stands beside the server in the deployments table", async () => {
    const { renderMarkdown } = await import("../report/markdown");
    const report = auditWithBackRefs(
      estate()
        .vnet("spoke", ["10.1.0.0/16"])
        .subnet("spoke/cc", "10.1.0.0/24")
        .subnet("spoke/proxy", "10.1.5.0/24")
        .nic("nic-cc-0", "spoke/cc", { ip: "10.1.0.4", vm: "vm-cc" })
        .nic("nic-cc-1", "spoke/proxy", { ip: "10.1.5.4", vm: "vm-cc" }),
      { roles: { cyclecloud: ["spoke/cc"] }, cyclecloudServer: [vmId("vm-cc")] },
    );
    const md = renderMarkdown(report);
    expect(md).toMatch(/virtualMachines\/vm-cc; CycleCloud server vm-cc \(cyclecloudServer\\\[0\]\) is judged by its NIC\(s\) in its CycleCloud subnet; NIC nic-cc-1 in spoke\/proxy is outside/);
  });
});
