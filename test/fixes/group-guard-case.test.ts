// The guard before creating a firewall policy's rule collection group (a second `create` of a group replaces it,
// dropping its collections) matches the group's name as Azure does, ignoring case, and holds for any name: with
// spaces, quotes or a leading dash, under `set -euo pipefail`. The old guard asked JMESPath for
// `[?name=='<name>']`, which compares case-sensitively and breaks on a quote in the name.
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { groupCreateCommand, toBash, toPowerShell } from "../../lib/fixes/az";
import type { Snapshot } from "../../lib/model/types";

const POLICY = "/subscriptions/s1/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies/fwp-hub";
const snapshot = { firewallPolicies: new Map() } as unknown as Snapshot;

/**
 * Runs the guarded create in bash with an az that answers `rule-collection-group list` as azure-cli would for a policy
 * holding `groups`: `--query` evaluated as JMESPath would (`[].name`: every name; `[?name=='x'].name`: the names equal
 * to x, case-sensitively), one name a line (tsv). Prints CREATE when the create runs.
 */
function run(name: string, groups: string[], listFails = false): string {
  const line = toBash(groupCreateCommand(snapshot, POLICY, name));
  const fake = `az() {
  if [ "$5" = list ]; then
    ${listFails ? "return 1" : ""}
    local q="" prev="" g
    for a in "$@"; do [ "$prev" = --query ] && q="$a"; prev="$a"; done
    for g in "\${GROUPS_[@]}"; do
      if [ "$q" = "[].name" ] || [ "$q" = "[?name=='$g'].name" ]; then printf '%s\\n' "$g"; fi
    done
  else echo CREATE; fi
}`;
  const groupsArray = `GROUPS_=(${groups.map((g) => `'${g.replace(/'/g, `'\\''`)}'`).join(" ")})`;
  const r = spawnSync("bash", ["-c", `set -euo pipefail\n${groupsArray}\n${fake}\n${line}\necho done`], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("the rule collection group guard", () => {
  it("finds the group whatever the case of its name, as Azure does", () => {
    expect(run("CycleCloud-Required", ["DefaultNetworkRuleCollectionGroup", "cyclecloud-required"])).toBe("done\n");
    expect(run("CycleCloud-Required", ["CYCLECLOUD-REQUIRED"])).toBe("done\n");
  });

  it("creates it when no name matches whole, and not when the list fails", () => {
    expect(run("CycleCloud-Required", [])).toBe("CREATE\ndone\n");
    expect(run("CycleCloud-Required", ["CycleCloud-Required-old", "x CycleCloud-Required"])).toBe("CREATE\ndone\n");
    expect(run("CycleCloud-Required", ["cyclecloud-required"], true)).toBe("done\n");
  });

  it("holds for names with spaces, quotes, a leading dash or regex characters", () => {
    for (const name of ["Team's rules", 'say "hi" now', "-n", "a.b*[c]", "Ops  Group"]) {
      expect(run(name, ["other", name.toUpperCase()]), name).toBe("done\n");
      expect(run(name, ["other"]), name).toBe("CREATE\ndone\n");
    }
  });

  it("PowerShell compares with -contains, which ignores case, and quotes the name as data", () => {
    const ps = toPowerShell(groupCreateCommand(snapshot, POLICY, "Team's rules"));
    expect(ps).toContain("--query '[].name'");
    expect(ps).toContain("-not (@($listed) -contains 'Team''s rules')");
  });
});
