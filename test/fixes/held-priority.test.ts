// Issue 10: a fix for every fixable finding. When no free priority wins over the blocking rule (a deny
// at 100, or several flows needing the only free slot), the fix moves or narrows the blocking rule; the
// user's own deny aimed at the required traffic is edited rather than shadowed; a shared NSG gets a rule
// scoped to the subnet and the fix names the others; and a finding with no fix says why.
import { describe, expect, it } from "vitest";
import { type RuleSpec, SUB, estate, finding } from "../helpers/estate-builder";
import { applyAz } from "./apply-az";

const cc = { cyclecloud: ["hub/cc"] };
const EGRESS = ["CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"];
const withNsg = (rules: RuleSpec[]) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);
const az = (f: { fixes: { kind: string; text: string }[] }) => f.fixes.find((x) => x.kind === "az-cli")?.text ?? "";

describe("when no free priority wins over the blocking rule", () => {
  const denyAt100 = (): RuleSpec[] => [{ name: "DenyInternetOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" }];

  it("a deny at 100: each egress fix moves the deny one free slot up and takes the slot; pasted together, all four pass and the lockdown holds", () => {
    const before = withNsg(denyAt100()).audit(cc);
    for (const rule of EGRESS) {
      const f = finding(before, "hub/cc", rule);
      expect(f.status, rule).toBe("fail");
      expect(az(f), rule).toMatch(/az network nsg rule update .*--name DenyInternetOut \\\n {2}--priority 10\d/);
      // Each fix works on its own …
      const alone = withNsg(denyAt100());
      applyAz(alone, az(f));
      expect(finding(alone.audit(cc), "hub/cc", rule).status).toBe("pass");
    }
    // … and all together, in report order, with no priority collision (applyAz refuses one).
    const merged = withNsg(denyAt100());
    const rules = (merged as unknown as { nsgs: Map<string, RuleSpec[]> }).nsgs.get("nsg-cc")!;
    for (const rule of EGRESS) {
      const text = az(finding(before, "hub/cc", rule));
      // A later fix moves the same deny further: in a bundle the last move wins (lib/fixes/fix-all merges them).
      applyAz(merged, text.replace(/az network nsg rule update[\s\S]*?(?=\naz )/, (cmd) => (rules[0].priority > Number(/--priority (\d+)/.exec(cmd)![1]) ? "true" : cmd)));
    }
    const after = merged.audit(cc);
    for (const rule of [...EGRESS, "CC-EGRESS-LOCKDOWN"]) expect(finding(after, "hub/cc", rule).status, rule).toBe("pass");
  });

  it("in Terraform, the new allow waits for the move of the deny whose priority it takes (Azure refuses two rules at one priority)", () => {
    const f = finding(withNsg(denyAt100()).audit(cc), "hub/cc", "CC-EGRESS-STORAGE");
    const tf = f.fixes.find((x) => x.kind === "terraform")!.text;
    const moved = /resource "azapi_update_resource" "(\w+)" \{[^}]*securityRules\/DenyInternetOut"/.exec(tf);
    expect(moved).not.toBeNull();
    const allow = /resource "azurerm_network_security_rule" "\w+" \{[\s\S]*?\n\}/.exec(tf)![0];
    expect(allow).toMatch(/priority\s+= 100\n/);
    expect(allow).toContain(`depends_on                  = [azapi_update_resource.${moved![1]}]`);
    // azurerm resources go wherever the provider points: the text names the subscription they belong in.
    expect(tf.split("\n")[0]).toBe(`# The azurerm_* resources below belong in subscription "${SUB}": run with the azurerm provider set to it (subscription_id, or ARM_SUBSCRIPTION_ID).`);
  });

  it("two flows and one free slot below a deny: the first takes the slot, the second moves the deny", () => {
    const rules = (): RuleSpec[] => [{ name: "DenyVnetIn", priority: 101, direction: "Inbound", access: "Deny", protocol: "*", src: "VirtualNetwork" }];
    const b = () => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).subnet("hub/c1", "10.0.1.0/24").nsg("nsg-cc", rules());
    const r = b().audit({ cyclecloud: ["hub/cc"], cluster: ["hub/c1"] });
    const amqp = finding(r, "hub/cc", "CC-INGRESS-AMQP");
    const https = finding(r, "hub/cc", "CC-INGRESS-HTTPS");
    expect([amqp.status, https.status]).toEqual(["fail", "fail"]);
    const texts = [az(amqp), az(https)];
    expect(texts.filter((t) => t.includes("--priority 100")).length).toBeGreaterThan(0);
    expect(texts.some((t) => /nsg rule update[\s\S]*--name DenyVnetIn[\s\S]*--priority 10[2-9]/.test(t))).toBe(true);
    for (const [i, rule] of [["0", "CC-INGRESS-AMQP"], ["1", "CC-INGRESS-HTTPS"]] as const) {
      const alone = b();
      applyAz(alone, texts[Number(i)]);
      expect(finding(alone.audit({ cyclecloud: ["hub/cc"], cluster: ["hub/c1"] }), "hub/cc", rule).status).toBe("pass");
    }
  });

  it("the user's own deny aimed at the required traffic is narrowed, not shadowed by a new allow", () => {
    const b = withNsg([{ name: "NoStorage", priority: 120, direction: "Outbound", access: "Deny", dst: "Storage", ports: ["443", "445"] }]);
    const f = finding(b.audit(cc), "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    const text = az(f);
    expect(text).toMatch(/^az network nsg rule update .*--name NoStorage \\\n {2}--destination-port-ranges 445$/m);
    expect(text).not.toContain("nsg rule create");
    expect(f.fixes.find((x) => x.kind === "portal")!.text).toContain("custom deny aimed at this traffic");
    applyAz(b, text);
    expect(finding(b.audit(cc), "hub/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("a deny of exactly the required traffic becomes an allow", () => {
    const b = withNsg([{ name: "NoStorage443", priority: 120, direction: "Outbound", access: "Deny", dst: "Storage", ports: "443" }]);
    const f = finding(b.audit(cc), "hub/cc", "CC-EGRESS-STORAGE");
    expect(az(f)).toMatch(/--name NoStorage443 \\\n {2}--access Allow$/m);
    applyAz(b, az(f));
    expect(finding(b.audit(cc), "hub/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("when moving the deny would open what allows behind it hold, no fix is offered and the finding says why", () => {
    const rules: RuleSpec[] = [
      { name: "DenyInternetOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
      { name: "AllowWeb", priority: 101, direction: "Outbound", access: "Allow", dst: "Internet", ports: "80" },
    ];
    const f = finding(withNsg(rules).audit(cc), "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(f.fixes).toEqual([]);
    expect(f.noFixReason).toMatch(/No priority is free below "DenyInternetOut" \(100\).*would open traffic it now denies/);
  });
});

describe("shared NSGs (az-hop: one NSG on five subnets)", () => {
  // shared/arm-examples/cyclecloud/azhop_network.bicep: `nsg-common` on every subnet; CycleCloud runs in `admin`.
  const azhop = () => {
    const b = estate().vnet("hpcvnet", ["10.0.0.0/16"]);
    const subnets: [string, string][] = [["frontend", "10.0.0.0/24"], ["admin", "10.0.1.0/24"], ["netapp", "10.0.2.0/24"], ["ad", "10.0.3.0/28"], ["compute", "10.0.16.0/20"]];
    for (const [s, prefix] of subnets) b.subnet(`hpcvnet/${s}`, prefix, { nsg: "nsg-common" });
    return b.nsg("nsg-common", [
      { name: "AllowSshFromComputeIn", priority: 330, direction: "Inbound", access: "Allow", src: "10.0.16.0/20", ports: "22" },
      { name: "AllowAllComputeComputeIn", priority: 365, direction: "Inbound", access: "Allow", src: "10.0.16.0/20", dst: "10.0.16.0/20" },
    ]);
  };

  it("a lockdown deny is scoped to the CycleCloud subnet's prefixes, and the fix names the subnets sharing the NSG", () => {
    const b = azhop();
    const roles = { cyclecloud: ["hpcvnet/admin"], cluster: ["hpcvnet/compute"] };
    const f = finding(b.audit(roles), "hpcvnet/admin", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("fail");
    const text = az(f);
    expect(text).toMatch(/--name BlockOutbound[\s\S]*--source-address-prefixes 10\.0\.1\.0\/24/);
    expect(text).not.toMatch(/--source-address-prefixes '\*'/);
    for (const other of ["hpcvnet/frontend", "hpcvnet/netapp", "hpcvnet/ad", "hpcvnet/compute"]) expect(text).toContain(`"${other}"`);
    expect(f.fixes.find((x) => x.kind === "portal")!.text).toMatch(/shared with 4 other subnets .*their traffic is unchanged/);
    applyAz(b, text);
    const after = b.audit(roles);
    expect(finding(after, "hpcvnet/admin", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
    // The neighbours (jumpbox, AD, OnDemand, compute) keep their Internet egress: only CycleCloud's subnet is locked down.
    expect(finding(after, "hpcvnet/compute", "NODE-PACKAGES").status).toBe("pass");
  });
});
