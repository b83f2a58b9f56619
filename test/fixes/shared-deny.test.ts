// A custom deny aimed at the required traffic is narrowed (or turned into an allow) rather than shadowed — but only
// where that changes this subnet's traffic alone. In an NSG shared with a subnet that means to keep the deny, an allow
// scoped to this subnet's prefixes goes above it instead (CONTRACT §4, fix rules: shared resources).
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import { queryFlow } from "../../lib/path/query";
import { estate, finding } from "../helpers/estate-builder";

const deny = (source: string) => ({ name: "DenyStorageOut", priority: 200, direction: "Outbound" as const, access: "Deny" as const, src: source, dst: "Storage", ports: "*" });
const roles = { cyclecloud: [], cluster: ["hpc/compute"], returnProxy: [] };

function estateWith(shared: boolean, source = "*") {
  const b = estate().vnet("hpc", ["10.5.0.0/16"]).subnet("hpc/compute", "10.5.8.0/22", { nsg: "nsg-nodes" }).nsg("nsg-nodes", [deny(source)]);
  if (shared) b.subnet("hpc/restricted", "10.5.1.0/24", { nsg: "nsg-nodes" });
  return b.snapshot();
}

describe("a custom deny of the required traffic", () => {
  it("in an NSG this subnet alone uses: narrowed", () => {
    const az = finding(audit(estateWith(false), { roles }), "hpc/compute", "NODE-EGRESS-STORAGE").fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toContain("az network nsg rule update");
    expect(az).toContain("--destination-port-ranges 0-442 444-65535");
  });

  it("in an NSG shared with another subnet: an allow scoped to this subnet above it; the other subnet keeps its deny", () => {
    const snapshot = estateWith(true);
    const az = finding(audit(snapshot, { roles }), "hpc/compute", "NODE-EGRESS-STORAGE").fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).not.toContain("nsg rule update");
    expect(az).toMatch(/az network nsg rule create .*--name AllowAzureStorage/s);
    expect(az).toContain("--source-address-prefixes 10.5.8.0/22");
    const after = applyChanges(snapshot, fixAll(snapshot, { roles }).changes).snapshot;
    expect(finding(audit(after, { roles }), "hpc/compute", "NODE-EGRESS-STORAGE").status).toBe("pass");
    for (const snap of [snapshot, after]) expect(queryFlow(snap, { from: "hpc/restricted", to: "Storage", protocol: "tcp", port: "443" }).verdict).toBe("blocked");
  });

  it("shared, but the deny names this subnet's own prefixes as its source: narrowing changes this subnet alone", () => {
    const az = finding(audit(estateWith(true, "10.5.8.0/22"), { roles }), "hpc/compute", "NODE-EGRESS-STORAGE").fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toContain("az network nsg rule update");
  });
});
