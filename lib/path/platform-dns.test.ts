import { describe, expect, it } from "vitest";
import { estate, finding } from "../../test/helpers/estate-builder";
import { queryFlow } from "./query";
import type { RuleSpec } from "../../test/helpers/estate-builder";

const allowArm: RuleSpec = { name: "AllowArm", priority: 200, direction: "Outbound", access: "Allow", protocol: "Tcp", src: "*", dst: "AzureResourceManager", ports: "443" };
const denyDns = (priority: number, dst = "AzurePlatformDNS"): RuleSpec => ({ name: `DenyDns${priority}`, priority, direction: "Outbound", access: "Deny", protocol: "*", src: "*", dst, ports: "*" });

/** CC-EGRESS-ARM of a CycleCloud subnet on Azure-provided DNS whose NSG holds `rules`, with NICs given their own NSGs. */
function arm(rules: RuleSpec[], nics: { name: string; nsg?: string }[] = [], nicNsg: RuleSpec[] = []) {
  const b = estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules).nsg("nsg-nic", nicNsg);
  for (const n of nics) b.nic(n.name, "v/cc", n.nsg ? { nsg: n.nsg } : {});
  return finding(b.audit({ cyclecloud: ["v/cc"] }), "v/cc", "CC-EGRESS-ARM");
}

describe("Azure-provided DNS and the AzurePlatformDNS tag", () => {
  it("a Deny of the tag in the subnet's NSG leaves no name resolution: fail, naming the rule", () => {
    const f = arm([denyDns(100), allowArm]);
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("rule DenyDns100 (100) in NSG nsg-cc denies the AzurePlatformDNS service tag");
  });

  it("a Deny of everything does not stop platform DNS: only a rule naming the tag does", () => {
    expect(arm([allowArm, denyDns(300, "*")]).status).toBe("pass");
  });

  it("an Allow of the tag before its Deny keeps it answering", () => {
    const allowDns: RuleSpec = { name: "AllowDns", priority: 100, direction: "Outbound", access: "Allow", protocol: "Udp", src: "*", dst: "AzurePlatformDNS", ports: "53" };
    expect(arm([allowDns, denyDns(110), allowArm]).status).toBe("pass");
  });

  it("a Deny in one NIC's NSG of two cuts only that machine off: warn, naming it", () => {
    const f = arm([allowArm], [{ name: "nic-a", nsg: "nsg-nic" }, { name: "nic-b" }], [denyDns(100)]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("NIC nic-a");
  });
});

describe("a query to the platform's own addresses", () => {
  const snapshot = (rules: RuleSpec[]) => estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules).snapshot();
  const denyAll: RuleSpec = { name: "DenyAllOut", priority: 4096, direction: "Outbound", access: "Deny", protocol: "*", src: "*", dst: "*", ports: "*" };

  it("is not filtered by rules that do not name their tags (review: the default DenyAllOutBound 'blocked' IMDS)", () => {
    for (const [to, port] of [["168.63.129.16", "53"], ["169.254.169.254", "80"]]) {
      const a = queryFlow(snapshot([denyAll]), { from: "v/cc", to, protocol: to.startsWith("169") ? "tcp" : "udp", port });
      expect(a.verdict, to).toBe("allowed");
    }
  });

  it("is blocked by a Deny naming the tag, which the answer names", () => {
    const a = queryFlow(snapshot([denyDns(100)]), { from: "v/cc", to: "168.63.129.16", protocol: "udp", port: "53" });
    expect(a.verdict).toBe("blocked");
    expect(a.parts.join(" ")).toContain("denied by DenyDns100 (100) in nsg-cc, which names the AzurePlatformDNS service tag");
    // IMDS is another tag: a Deny of AzurePlatformDNS leaves it alone.
    expect(queryFlow(snapshot([denyDns(100)]), { from: "v/cc", to: "169.254.169.254", protocol: "tcp", port: "80" }).verdict).toBe("allowed");
  });
});

describe("review: a Deny of the tag after an Allow of the same traffic", () => {
  it("cannot be counted on (warn), naming both rules", () => {
    const allowAny: RuleSpec = { name: "AllowDnsAny", priority: 100, direction: "Outbound", access: "Allow", protocol: "Udp", src: "*", dst: "*", ports: "53" };
    const f = arm([allowAny, denyDns(105), allowArm]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("AllowDnsAny (100, Allow) comes first");
  });
});
