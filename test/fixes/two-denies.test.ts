// Two custom denies at the lowest priorities (100 and 101) that both hold the required traffic: no priority is free
// below either, so the first moves up and the allow takes its slot, then the second moves above that allow. Before,
// the second found the plan's own allow "between" and gave up: only the first finding of the NSG got a fix.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import { estate, finding, SEED_RULES } from "../helpers/estate-builder";
import { applyAz } from "./apply-az";

const EGRESS = ["CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"];

const withTwoDenies = () =>
  estate()
    .vnet("cc", ["10.1.0.0/16"])
    .subnet("cc/snet-cc", "10.1.1.0/24", { nsg: "nsg-cc" })
    .nsg("nsg-cc", [
      { name: "DenyAll443", priority: 100, direction: "Outbound", access: "Deny", protocol: "Tcp", dst: "*", ports: "443" },
      { name: "DenyInternet", priority: 101, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
      ...SEED_RULES.map((r) => ({ ...r, priority: r.name === "BlockOutbound" ? 4000 : r.priority + 1000 })),
    ]);

describe("two denies in a row at priorities 100 and 101", () => {
  it("every required egress finding gets a fix, and each pasted alone makes its finding pass and keeps the lockdown", () => {
    const report = withTwoDenies().audit({ cyclecloud: ["cc/snet-cc"] });
    for (const rule of EGRESS) {
      const f = finding(report, "cc/snet-cc", rule);
      expect(f.status, rule).toBe("fail");
      const az = f.fixes.find((x) => x.kind === "az-cli")?.text;
      expect(az, `${rule}: ${f.noFixReason}`).toBeDefined();
      const b = withTwoDenies();
      applyAz(b, az!);
      const after = b.audit({ cyclecloud: ["cc/snet-cc"] });
      expect(finding(after, "cc/snet-cc", rule).status, rule).toBe("pass");
      expect(finding(after, "cc/snet-cc", "CC-EGRESS-LOCKDOWN").status, rule).toBe("pass");
    }
  });

  it("--fix-all makes all of them pass together", () => {
    const snapshot = withTwoDenies().snapshot();
    const roles = { cyclecloud: ["cc/snet-cc"], cluster: [], returnProxy: [] };
    const after = audit(applyChanges(snapshot, fixAll(snapshot, { roles }).changes).snapshot, { roles });
    for (const rule of [...EGRESS, "CC-EGRESS-LOCKDOWN"]) expect(finding(after, "cc/snet-cc", rule).status, rule).toBe("pass");
  });
});
