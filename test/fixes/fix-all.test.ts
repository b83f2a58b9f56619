// Issue 10: all fixes together. The fix-all bundle of the demo estate and of a generated estate is
// applied to the snapshot and re-audited: no finding gets worse and every finding that had a fix passes.
// Every form of the bundle, and every fix of every finding, passes the offline checkers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { azCommands, groupCreateCommand, psProblem } from "../../lib/fixes/az";
import { groupKeyOf } from "../../lib/fixes/firewall-groups";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Profile, Snapshot } from "../../lib/model/types";
import type { Report } from "../../lib/report/types";
import { statusRank } from "../../lib/rules/status-rank";
import { RULES } from "../../lib/rules";

/** Advice a lockdown is meant to raise (GitHub staging, packages): a fix may make it worse by design. */
const ADVISORY = new Set(RULES.filter((r) => r.advisory).map((r) => r.id));
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { generateEstate } from "../snapshot/generate-estate";
import { bashAzCommands, checkBicep, checkTerraform, powerShellAzCommands } from "./checkers";
import { expectedArgv } from "./world";

const DEMO = ["vnets", "nsgs", "nics", "route-tables", "private-endpoints", "firewalls", "firewall-policies"].map((n) => ({ name: `${n}.json`, value: JSON.parse(readFileSync(`fixtures/demo/${n}.json`, "utf8")) }));

function demo(): { snapshot: Snapshot; profile: Profile } {
  return { snapshot: loadSnapshot(DEMO), profile: parseProfile("profile.json", JSON.parse(readFileSync("fixtures/demo/profile.json", "utf8"))) };
}

function generated(hub = false): { snapshot: Snapshot; profile: Profile } {
  const resources = generateEstate({ vnets: 3, subnets: 24, nsgs: 8, rulesPerNsg: 30, nics: 30, ...(hub ? { hub: { firewallRules: 40 } } : {}) }) as { type: string; id: string; name: string; properties: { subnets?: { id: string }[] } }[];
  const subnetIds = resources.filter((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name !== "vnet-hub").flatMap((v) => (v.properties.subnets ?? []).map((s) => s.id));
  return {
    snapshot: loadSnapshot([{ name: "estate.json", value: { value: resources } }]),
    profile: { roles: { cyclecloud: [subnetIds[0]], returnProxy: [], cluster: subnetIds.slice(2, 12) } },
  };
}

const findings = (r: Report) => new Map(r.subnets.flatMap((s) => s.findings.map((f) => [f.id!, f] as const)));
const hasChangeFix = (f: { fixes: { kind: string }[] }) => f.fixes.some((x) => x.kind === "az-cli");

async function checkEveryFix(report: Report): Promise<number> {
  let n = 0;
  for (const s of report.subnets)
    for (const f of s.findings)
      for (const fix of f.fixes) {
        const where = `${s.vnet}/${s.name} ${f.rule} ${fix.kind}`;
        if (fix.kind === "bicep" && !fix.text.startsWith("// Not offered")) expect((await checkBicep(fix.text)).problems, where).toEqual([]);
        if (fix.kind === "terraform") expect((await checkTerraform(fix.text)).problems, where).toEqual([]);
        if (fix.kind === "az-cli") expect(bashAzCommands(fix.text).ok, where).toBe(true);
        if (fix.kind === "powershell" && !fix.text.startsWith("# Not offered")) powerShellAzCommands(fix.text);
        n++;
      }
  return n;
}

describe.each([
  ["the demo estate", demo],
  ["a generated estate", () => generated()],
  // The bench estate's shape: every VNet routed through a hub Azure Firewall (rule collection fixes, routes).
  ["a generated estate behind a hub firewall", () => generated(true)],
])("fix all: %s", (_name, make) => {
  it("every fix of every finding parses; the bundle, applied together, makes every fixable finding pass and none worse", async () => {
    const { snapshot, profile } = make();
    const before = audit(snapshot, profile, { generatedAt: "2026-01-01T00:00:00.000Z" });
    expect(await checkEveryFix(before)).toBeGreaterThan(0);
    const bundle = fixAll(snapshot, profile, before);
    const fixable = [...findings(before).values()].filter((f) => (f.status === "fail" || f.status === "warn") && hasChangeFix(f));
    expect(fixable.length).toBeGreaterThan(0);
    expect(bundle.findings.map((f) => f.id).sort()).toEqual(fixable.map((f) => f.id).sort());

    const after = findings(audit(applyChanges(snapshot, bundle.changes).snapshot, profile, { generatedAt: "2026-01-01T00:00:00.000Z" }));
    for (const [id, f] of findings(before)) {
      const now = after.get(id)!;
      if (ADVISORY.has(f.rule)) continue;
      expect(statusRank(now.status), `${f.rule} ${id} got worse: ${f.status} → ${now.status}`).toBeLessThanOrEqual(statusRank(f.status));
    }
    expect(bundle.unfixed).toEqual([]);
    // Behind the hub firewall, the bundle must carry firewall rule collections (the path's own fixes).
    if (_name.includes("firewall")) expect(bundle.changes.some((c) => c.kind === "add-firewall-rule-collection")).toBe(true);
    for (const f of fixable) expect(after.get(f.id!)!.status, `${f.rule} ${f.id} still ${after.get(f.id!)!.status}: ${after.get(f.id!)!.detail}`).toBe("pass");

    // The script is what the changes say, word for word, in bash and in PowerShell.
    const end = applyChanges(snapshot, bundle.changes).snapshot;
    // Against the end state, with each endpoint's locations as read before the bundle.
    const commands = bundle.changes.flatMap((c) => azCommands(end, c, snapshot));
    // The rule collection groups the bundle creates come first, guarded; the checker's az prints its arguments, never a
    // group's name, so each guarded create runs, as it does where the group is missing.
    const groups = new Map(
      bundle.changes.flatMap((c) =>
        c.kind === "add-firewall-rule-collection" && c.policyKey && !snapshot.ruleCollectionGroups?.has(groupKeyOf(c.policyKey, c.groupName))
          ? [[groupKeyOf(c.policyKey, c.groupName), { ...groupCreateCommand(snapshot, c.policyKey, c.groupName), unlessListed: undefined }] as const]
          : [],
      ),
    );
    const sh = bashAzCommands(bundle.sh);
    expect(sh.error).toBeUndefined();
    expect(sh.commands).toEqual([...groups.values(), ...commands].map(expectedArgv));
    expect(powerShellAzCommands(bundle.ps1)).toEqual(commands.filter((c) => !psProblem(c)).map(expectedArgv));
    expect((await checkBicep(bundle.bicep)).problems).toEqual([]);
    expect((await checkTerraform(bundle.tf)).problems).toEqual([]);
  }, 120_000);
});

describe("bundle order", () => {
  it("allows come before denies, and a rule moved out of the way before the allow that takes its slot", () => {
    const { snapshot, profile } = demo();
    const { changes } = fixAll(snapshot, profile);
    const firstDeny = changes.findIndex((c) => (c.kind === "add-rule" && c.rule.access === "Deny") || c.kind === "attach-new-nsg");
    const lastAllow = changes.map((c) => c.kind === "add-rule" && c.rule.access === "Allow").lastIndexOf(true);
    if (firstDeny >= 0 && lastAllow >= 0) expect(lastAllow).toBeLessThan(firstDeny);
  });
});
