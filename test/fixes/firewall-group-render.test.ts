// Fix collections go into one rule collection group that the fixes create. A group is deployed whole, so the
// bundle must create it once (guarded: a second create replaces it), give each collection its own priority and
// name, and write the group once in Bicep and Terraform, listing each collection once.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fixAll } from "../../lib/fixes/fix-all";
import { audit } from "../../lib/audit";
import { loadSnapshot } from "../../lib/snapshot";
import { generateEstate } from "../snapshot/generate-estate";
import { bashAzCommands } from "./checkers";

function hub() {
  const resources = generateEstate({ vnets: 3, subnets: 24, nsgs: 8, rulesPerNsg: 30, nics: 30, hub: { firewallRules: 40 } }) as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
  const ids = resources.filter((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name !== "vnet-hub").flatMap((v) => (v.properties.subnets ?? []).map((s) => s.id));
  return { snapshot: loadSnapshot([{ name: "estate.json", value: { value: resources } }]), profile: { roles: { cyclecloud: [ids[0]], returnProxy: [], cluster: ids.slice(2, 12) } } };
}

describe("firewall fixes into a new rule collection group", () => {
  it("a single fix creates the group only if it is missing, before adding its collection", () => {
    const { snapshot, profile } = hub();
    const fix = audit(snapshot, profile).subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes).find((x) => x.kind === "az-cli" && x.text.includes("add-filter-collection"))!;
    expect(fix).toBeDefined();
    const lines = fix.text.split("\n");
    const create = lines.findIndex((l) => l.includes("rule-collection-group create"));
    expect(create).toBeGreaterThanOrEqual(0);
    expect(lines[create]).toMatch(/^listed="\$\(az network firewall policy rule-collection-group list .*--query '\[\]\.name' --output tsv\)" && \{ grep -qixF -- CycleCloud-Required <<<"\$listed" \|\| az network firewall policy rule-collection-group create .*; \}$/);
    expect(create).toBeLessThan(lines.findIndex((l) => l.includes("add-filter-collection")));
    expect(bashAzCommands(fix.text).ok).toBe(true);
    // Run by bash with az answering: created only when the list succeeded and printed nothing. A list that fails
    // (throttled, signed out) prints nothing too, and a create over an existing group would replace it.
    const line = lines[create];
    const creates = (list: string) => spawnSync("bash", ["-c", `set -e\naz() { if [ "$5" = list ]; then ${list}; else echo CREATE "$5"; fi; }\n${line}\necho done`], { encoding: "utf8" }).stdout;
    expect(creates("return 0")).toBe("CREATE create\ndone\n");
    expect(creates("echo CycleCloud-Required")).toBe("done\n");
    expect(creates("printf '%s\\n' Other cyclecloud-required")).toBe("done\n");
    expect(creates("echo CycleCloud-Required-2")).toBe("CREATE create\ndone\n");
    expect(creates("return 1")).toBe("done\n");
  });

  it("the bundle creates the group once, and its collections have distinct priorities and names", () => {
    const { snapshot, profile } = hub();
    const bundle = fixAll(snapshot, profile);
    const collections = bundle.changes.flatMap((c) => (c.kind === "add-firewall-rule-collection" ? [c.collection] : []));
    expect(collections.length).toBeGreaterThan(2);
    expect(new Set(collections.map((c) => c.priority)).size).toBe(collections.length);
    expect(new Set(collections.map((c) => c.name.toLowerCase())).size).toBe(collections.length);
    expect(bundle.sh.match(/rule-collection-group create/g)).toHaveLength(1);
    expect(bundle.sh.indexOf("rule-collection-group create")).toBeLessThan(bundle.sh.indexOf("add-filter-collection"));
    expect(bundle.ps1).toMatch(/^\$listed = az network firewall policy rule-collection-group list .*--query '\[\]\.name' --output 'tsv'; if \(\$LASTEXITCODE -eq 0 -and -not \(@\(\$listed\) -contains 'CycleCloud-Required'\)\) \{ az network firewall policy rule-collection-group create .* \}$/m);
    // Bicep: the group is one resource listing each collection once.
    expect(bundle.bicep.match(/'Microsoft\.Network\/firewallPolicies\/ruleCollectionGroups@/g)).toHaveLength(1);
    for (const c of collections) expect(bundle.bicep.split(`name: '${c.name}'`).length - 1, c.name).toBe(1);
    // Terraform: a group the fixes create is an azapi_resource (azapi_update_resource needs it to exist), once.
    expect(bundle.tf.match(/resource "azapi_resource" "rcg_/g)).toHaveLength(1);
    expect(bundle.tf).not.toMatch(/azapi_update_resource" "rcg_/);
  });
});
