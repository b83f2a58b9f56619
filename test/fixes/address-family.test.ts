// NSG rules a fix creates never mix IPv4 and IPv6: Azure refuses such a rule
// (ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies), so a dual-stack subnet or CycleCloud server gets
// one rule per address family, each at its own priority and with its own name (`-v6`), in every form, per finding and
// in --fix-all; and the verifier refuses any plan that still holds a mixed rule. Reviewer's repros: the
// dual-stack-block-ipv4-only case (BlockOutbound-2 with 10.1.0.4/32 and fd00:db8:1::4/128) and a dual-stack cluster
// subnet behind a shared NSG (fixtures/dual-stack-shared: AllowCycleCloudAmqpOut from both families to both).
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit, planAudit } from "../../lib/audit";
import { mixedFamilyProblem, planFamilyProblem, splitByFamily } from "../../lib/fixes/address-family";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Change } from "../../lib/fixes/types";
import { verifyAll } from "../../lib/fixes/verify";
import type { Profile, SecurityRule, Snapshot } from "../../lib/model/types";
import type { Report } from "../../lib/report/types";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { estate, finding } from "../helpers/estate-builder";
import { applyAz } from "./apply-az";
import { bashAzCommands, powerShellAzCommands } from "./checkers";

// ---------------------------------------------------------------------------------------------------------------
// A reader of the rules each fix form writes, kept apart from lib/ (its own idea of a family: a `:` is IPv6, a dotted
// quad IPv4, anything else a tag or `*`), so the test does not judge the planner by the planner's own code.

type Family = "v4" | "v6";
const familyOfText = (x: string): Family | undefined => (x.includes(":") ? "v6" : /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(x) ? "v4" : undefined);

interface TextRule {
  where: string;
  sources: string[];
  destinations: string[];
}

function azFlagValues(argv: string[], flag: string): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(`${flag}=`)) return [argv[i].slice(flag.length + 1)];
    if (argv[i] !== flag) continue;
    const out: string[] = [];
    for (let j = i + 1; j < argv.length && !argv[j].startsWith("--"); j++) out.push(argv[j]);
    return out;
  }
  return undefined;
}

function azRules(commands: string[][]): TextRule[] {
  return commands
    .filter((argv) => argv.slice(0, 3).join(" ") === "network nsg rule")
    .map((argv) => ({ where: `az ${argv.slice(0, 4).join(" ")} ${azFlagValues(argv, "--name")?.[0]}`, sources: azFlagValues(argv, "--source-address-prefixes") ?? [], destinations: azFlagValues(argv, "--destination-address-prefixes") ?? [] }));
}

/**
 * Rules in Bicep (`sourceAddressPrefix(es):`), Terraform (`source_address_prefix(es) =`, azapi bodies' camelCase) and
 * portal text (`Source …; Source port ranges`): each source field opens a rule, the destination field after it closes it.
 */
function declaredRules(text: string, form: string): TextRule[] {
  const out: TextRule[] = [];
  const field = /(source|destination)(?:AddressPrefix(?:es)?|_address_prefix(?:es)?)\s*[:=]\s*(\[[^\]]*\]|'[^']*'|"[^"]*")|\b(Source|Destination) (?!port)(.*?); (?:Source|Destination) port ranges/g;
  const strings = (v: string) => [...v.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
  let current: TextRule | undefined;
  for (const m of text.matchAll(field)) {
    const side = (m[1] ?? m[3]).toLowerCase();
    const values = m[2] !== undefined ? strings(m[2]) : m[4].split(", ").map((x) => x.replace(/^"|"$/g, ""));
    if (side === "source") out.push((current = { where: `${form} rule #${out.length + 1}`, sources: values, destinations: [] }));
    else if (current) current.destinations = values;
    else out.push({ where: `${form} rule #${out.length + 1}`, sources: [], destinations: values });
  }
  return out;
}

/** The rules a fix text writes, by its form. */
function rulesIn(kind: string, text: string): TextRule[] {
  if (kind === "az-cli" || kind === "sh") {
    const run = bashAzCommands(text);
    expect(run.ok, run.error).toBe(true);
    return azRules(run.commands);
  }
  if (kind === "powershell" || kind === "ps1") return azRules(powerShellAzCommands(text));
  return declaredRules(text, kind);
}

/** Rules of the text whose literal addresses (both sides together) belong to both families, said one per line. */
function mixedRules(kind: string, text: string): string[] {
  return rulesIn(kind, text).flatMap((r) => {
    const families = new Set([...r.sources, ...r.destinations].map(familyOfText).filter(Boolean));
    return families.size > 1 ? [`${r.where}: ${r.sources.join(" ")} -> ${r.destinations.join(" ")}`] : [];
  });
}

/** Every mixed rule of every fix of the report and of its --fix-all bundle. */
function mixedInReport(report: Report, snapshot: Snapshot, profile: Profile): string[] {
  const out: string[] = [];
  for (const s of report.subnets)
    for (const f of s.findings) for (const fx of f.fixes ?? []) for (const m of mixedRules(fx.kind, fx.text)) out.push(`${s.name} ${f.rule} ${fx.kind}: ${m}`);
  const bundle = fixAll(snapshot, profile);
  for (const [kind, text] of [["sh", bundle.sh], ["ps1", bundle.ps1], ["bicep", bundle.bicep], ["terraform", bundle.tf]] as const)
    for (const m of mixedRules(kind, text)) out.push(`--fix-all ${kind}: ${m}`);
  return out;
}

function loadDir(dir: string): { snapshot: Snapshot; profile: Profile } {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !["expect.json", "profile.json"].includes(f)).sort();
  return {
    snapshot: loadSnapshot(files.map((f) => ({ name: f, value: JSON.parse(readFileSync(path.join(dir, f), "utf8")) }))),
    profile: parseProfile("profile.json", JSON.parse(readFileSync(path.join(dir, "profile.json"), "utf8"))),
  };
}

const DUAL_BLOCK = path.resolve(__dirname, "../cases/reports/dual-stack-block-ipv4-only");
const DUAL_SHARED = path.resolve(__dirname, "fixtures/dual-stack-shared");

// ---------------------------------------------------------------------------------------------------------------

describe("splitByFamily", () => {
  it("keeps a rule of one family (or none) whole", () => {
    expect(splitByFamily(["10.1.0.4/32"], ["Internet"])).toEqual([{ family: 4, sources: ["10.1.0.4/32"], destinations: ["Internet"] }]);
    expect(splitByFamily(["*"], ["Storage"])).toEqual([{ family: undefined, sources: ["*"], destinations: ["Storage"] }]);
    expect(splitByFamily(["fd00::4/128"], ["*"])).toEqual([{ family: 6, sources: ["fd00::4/128"], destinations: ["*"] }]);
  });

  it("gives one pair per family, tags and `*` in each, and leaves out a family one side has nothing of", () => {
    expect(splitByFamily(["10.1.0.4/32", "fd00:db8:1::4/128"], ["Internet"])).toEqual([
      { family: 4, sources: ["10.1.0.4/32"], destinations: ["Internet"] },
      { family: 6, sources: ["fd00:db8:1::4/128"], destinations: ["Internet"] },
    ]);
    expect(splitByFamily(["10.1.8.0/22", "fd00:db8:1:8::/64"], ["10.1.0.0/24", "fd00:db8:1::/64"])).toEqual([
      { family: 4, sources: ["10.1.8.0/22"], destinations: ["10.1.0.0/24"] },
      { family: 6, sources: ["fd00:db8:1:8::/64"], destinations: ["fd00:db8:1::/64"] },
    ]);
    // An IPv4 source with only IPv6 destinations matches nothing: no rule.
    expect(splitByFamily(["10.0.0.0/8"], ["fd00::/64"])).toEqual([]);
    expect(splitByFamily(["10.0.0.0/8", "VirtualNetwork"], ["fd00::/64"])).toEqual([{ family: 6, sources: ["VirtualNetwork"], destinations: ["fd00::/64"] }]);
  });

  it("a rule mixing families on one side, or across its sides, is a problem; tags are neither family", () => {
    const r = (s: string[], d: string[]): SecurityRule => ({ name: "R", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", sourceAddressPrefixes: s, destinationAddressPrefixes: d, sourcePortRanges: ["*"], destinationPortRanges: ["443"], sourceAsgKeys: [], destinationAsgKeys: [], isDefault: false });
    expect(mixedFamilyProblem(r(["10.0.0.1", "fd00::1"], ["*"]))).toMatch(/IPv4 and IPv6/);
    expect(mixedFamilyProblem(r(["10.0.0.0/8"], ["fd00::/64"]))).toMatch(/IPv4 and IPv6/);
    expect(mixedFamilyProblem(r(["VirtualNetwork"], ["fd00::/64"]))).toBeUndefined();
    expect(planFamilyProblem([{ kind: "attach-new-nsg", subnetKey: "s", nsgName: "n", rules: [r(["*"], ["Internet"]), r(["10.0.0.1/32", "fd00::1/128"], ["Internet"])] }])).toMatch(/ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies/);
  });
});

describe("the test's reader of fix texts", () => {
  // The reviewer's outputs before the fix, one per form: the reader must see the mixed rule in each.
  const before: [string, string][] = [
    ["az-cli", "az network nsg rule create --subscription s --resource-group rg --nsg-name nsg-cc --name BlockOutbound-2 \\\n  --priority 4096 \\\n  --access Deny \\\n  --source-address-prefixes 10.1.0.4/32 fd00:db8:1::4/128 \\\n  --destination-address-prefixes Internet \\\n  --destination-port-ranges '*'"],
    ["powershell", "az network nsg rule create --nsg-name nsg-shared --name AllowCycleCloudAmqpOut --priority 199 --source-address-prefixes 10.1.8.0/22 fd00:db8:1:8::/64 --destination-address-prefixes 10.1.0.0/24 fd00:db8:1::/64 --destination-port-ranges 5672"],
    ["bicep", "  properties: {\n    priority: 4096\n    sourceAddressPrefixes: [\n      '10.1.0.4/32'\n      'fd00:db8:1::4/128'\n    ]\n    destinationAddressPrefix: 'Internet'\n  }"],
    ["terraform", '  source_address_prefixes      = ["10.1.8.0/22", "fd00:db8:1:8::/64"]\n  destination_address_prefixes = ["10.1.0.0/24", "fd00:db8:1::/64"]'],
    ["portal", 'Add: Name "BlockOutbound-2"; Priority 4096; Source "10.1.0.4/32", "fd00:db8:1::4/128"; Source port ranges "*"; Destination "Internet"; Destination port ranges "*"; Protocol *; Action Deny.'],
    ["terraform", '  source_address_prefix = "10.1.8.0/22"\n  destination_address_prefix = "fd00:db8:1::/64"'],
  ];
  for (const [kind, text] of before) it(`finds the mixed rule in a ${kind} text`, () => expect(mixedRules(kind, text)).toHaveLength(1));

  it("finds none in one rule per family, nor in a subnet's own dual-stack prefixes", () => {
    expect(mixedRules("bicep", "addressPrefixes: [\n '10.1.0.0/24'\n 'fd00:db8:1::/64'\n]\nsourceAddressPrefix: '10.1.0.4/32'\ndestinationAddressPrefix: 'Internet'\nsourceAddressPrefix: 'fd00:db8:1::4/128'\ndestinationAddressPrefix: 'Internet'")).toEqual([]);
    expect(rulesIn("portal", 'Add: Name "A"; Priority 1; Source "10.1.0.4/32"; Source port ranges "*"; Destination "Internet"; Destination port ranges "*"; Protocol *; Action Deny.')).toHaveLength(1);
  });
});

describe("a dual-stack CycleCloud server: the lockdown deny (dual-stack-block-ipv4-only)", () => {
  it("is one deny per family, each with its own name and priority, in every form; applied, the lockdown passes", () => {
    const { snapshot, profile } = loadDir(DUAL_BLOCK);
    const report = audit(snapshot, profile);
    const lockdown = report.subnets.find((s) => s.name === "snet-cyclecloud")!.findings.find((f) => f.rule === "CC-EGRESS-LOCKDOWN")!;
    expect(lockdown.status).not.toBe("pass");
    const kinds = new Map((lockdown.fixes ?? []).map((f) => [f.kind, f.text]));
    expect([...kinds.keys()].sort()).toEqual(["az-cli", "bicep", "portal", "powershell", "terraform"]);
    for (const [kind, text] of kinds) {
      expect(mixedRules(kind, text), kind).toEqual([]);
      expect(text, kind).toContain("BlockOutbound-v6");
      expect(text, kind).toContain("fd00:db8:1::4/128");
    }
    const rules = rulesIn("az-cli", kinds.get("az-cli")!);
    expect(rules.map((r) => r.sources)).toEqual([["10.1.0.4/32"], ["fd00:db8:1::4/128"]]);
    const run = bashAzCommands(kinds.get("az-cli")!);
    const priorities = run.commands.map((argv) => azFlagValues(argv, "--priority")![0]);
    expect(new Set(priorities).size).toBe(2);

    const bundle = fixAll(snapshot, profile);
    for (const [kind, text] of [["sh", bundle.sh], ["ps1", bundle.ps1], ["bicep", bundle.bicep], ["terraform", bundle.tf]] as const) {
      expect(mixedRules(kind, text), kind).toEqual([]);
      expect(text, kind).toContain("fd00:db8:1::4/128");
    }
    const after = audit(applyChanges(snapshot, bundle.changes).snapshot, profile);
    expect(after.subnets.find((s) => s.name === "snet-cyclecloud")!.findings.find((f) => f.rule === "CC-EGRESS-LOCKDOWN")!.status).toBe("pass");
  });

  it("a new NSG for the subnet (it has none) holds each seed rule once per family, at distinct priorities, allows below the denies", () => {
    const dir = DUAL_BLOCK;
    const files = readdirSync(dir).filter((f) => f === "snapshot.json");
    const raw = JSON.parse(readFileSync(path.join(dir, files[0]), "utf8")) as { type: string; properties: { subnets?: { properties: Record<string, unknown> }[] } }[];
    // The same estate with the subnet's NSG removed: the lockdown's fix is the seed page's NSG, attached.
    const noNsg = raw.filter((r) => r.type !== "Microsoft.Network/networkSecurityGroups");
    for (const v of noNsg) for (const s of v.properties.subnets ?? []) delete s.properties.networkSecurityGroup;
    const snapshot = loadSnapshot([{ name: "snapshot.json", value: noNsg }]);
    const { profile } = loadDir(dir);
    const { checked, verified } = planAudit(snapshot, profile);
    const i = checked.findIndex((c) => c.rule.id === "CC-EGRESS-LOCKDOWN");
    const attach = verified.plans[i].flatMap((p) => p.changes).find((c): c is Extract<Change, { kind: "attach-new-nsg" }> => c.kind === "attach-new-nsg");
    expect(attach).toBeDefined();
    const rules = attach!.rules;
    expect(rules.filter((r) => mixedFamilyProblem(r))).toEqual([]);
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.name.toLowerCase())).size).toBe(rules.length);
    const denies = rules.filter((r) => r.access === "Deny");
    expect(denies.map((r) => r.sourceAddressPrefixes)).toEqual([["10.1.0.4/32"], ["fd00:db8:1::4/128"]]);
    expect(Math.max(...rules.filter((r) => r.access === "Allow").map((r) => r.priority))).toBeLessThan(Math.min(...denies.map((r) => r.priority)));
    // Each required allow exists for both families.
    for (const r of rules.filter((x) => x.access === "Allow" && x.sourceAddressPrefixes[0] === "10.1.0.4/32"))
      expect(rules.some((x) => x.name === `${r.name}-v6` && x.sourceAddressPrefixes[0] === "fd00:db8:1::4/128" && x.destinationAddressPrefixes[0] === r.destinationAddressPrefixes[0]), r.name).toBe(true);
  });
});

describe("dual-stack cluster and CycleCloud subnets behind a shared NSG (fixtures/dual-stack-shared)", () => {
  it("each node-to-CycleCloud allow is one rule per family, per finding and in --fix-all, and the bundle makes them pass", () => {
    const { snapshot, profile } = loadDir(DUAL_SHARED);
    const report = audit(snapshot, profile);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) {
      const f = report.subnets.find((s) => s.name === "snet-compute")!.findings.find((x) => x.rule === rule)!;
      expect(f.status).toBe("fail");
      const az = f.fixes?.find((x) => x.kind === "az-cli")?.text;
      expect(az, rule).toBeDefined();
      const rules = rulesIn("az-cli", az!);
      expect(rules.map((r) => [r.sources, r.destinations]), rule).toEqual([
        [["10.1.8.0/22"], ["10.1.0.0/24"]],
        [["fd00:db8:1:8::/64"], ["fd00:db8:1::/64"]],
      ]);
    }
    expect(mixedInReport(report, snapshot, profile)).toEqual([]);
    const bundle = fixAll(snapshot, profile);
    const after = audit(applyChanges(snapshot, bundle.changes).snapshot, profile);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) expect(after.subnets.find((s) => s.name === "snet-compute")!.findings.find((f) => f.rule === rule)!.status, rule).toBe("pass");
  });

  it("with no free priority below the deny, it moves past both new allows (one per family), pasted alone or together", () => {
    const build = () =>
      estate()
        .vnet("spoke", ["10.1.0.0/16", "fd00:db8:1::/48"])
        .subnet("spoke/snet-cc", ["10.1.0.0/24", "fd00:db8:1::/64"], { nsg: "nsg-cc" })
        .subnet("spoke/snet-compute", ["10.1.8.0/22", "fd00:db8:1:8::/64"], { nsg: "nsg-compute" })
        .nsg("nsg-cc", [])
        .nsg("nsg-compute", [{ name: "DenyVnetOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "VirtualNetwork" }]);
    const roles = { cyclecloud: ["spoke/snet-cc"], cluster: ["spoke/snet-compute"] };
    const report = build().audit(roles);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) {
      const f = finding(report, "spoke/snet-compute", rule);
      expect(f.status, rule).toBe("fail");
      const az = f.fixes.find((x) => x.kind === "az-cli")?.text;
      expect(az, `${rule}: ${f.noFixReason}`).toBeDefined();
      expect(mixedRules("az-cli", az!), rule).toEqual([]);
      const cmds = bashAzCommands(az!).commands;
      const creates = cmds.filter((c) => c[3] === "create");
      expect(creates.map((c) => azFlagValues(c, "--source-address-prefixes")), rule).toEqual([["10.1.8.0/22"], ["fd00:db8:1:8::/64"]]);
      const move = cmds.find((c) => c[3] === "update");
      expect(Number(azFlagValues(move!, "--priority")![0]), rule).toBeGreaterThan(Math.max(...creates.map((c) => Number(azFlagValues(c, "--priority")![0]))));
      const b = build();
      applyAz(b, az!);
      expect(finding(b.audit(roles), "spoke/snet-compute", rule).status, rule).toBe("pass");
    }
    const snapshot = build().snapshot();
    const profile = { roles: { ...roles, returnProxy: [] } };
    expect(mixedInReport(report, snapshot, profile)).toEqual([]);
    const after = audit(applyChanges(snapshot, fixAll(snapshot, profile).changes).snapshot, profile);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) expect(finding(after, "spoke/snet-compute", rule).status, rule).toBe("pass");
  });
});

describe("the verifier", () => {
  it("refuses a plan holding a rule that mixes families, though the audit of the changed copy would pass it", () => {
    const { snapshot, profile } = loadDir(DUAL_BLOCK);
    const { env, checked } = planAudit(snapshot, profile);
    const i = checked.findIndex((c) => c.rule.id === "CC-EGRESS-LOCKDOWN");
    const nsgKey = [...snapshot.nsgs.keys()][0];
    const mixed: SecurityRule = { name: "BlockOutbound-2", priority: 4096, direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefixes: ["10.1.0.4/32", "fd00:db8:1::4/128"], destinationAddressPrefixes: ["Internet"], sourcePortRanges: ["*"], destinationPortRanges: ["*"], sourceAsgKeys: [], destinationAsgKeys: [], isDefault: false };
    const plan = { summary: "Deny the Internet.", changes: [{ kind: "add-rule" as const, nsgKey, rule: mixed }] };
    // Split in two, the same plan is accepted: what refuses the mixed one is the family check, not the audit.
    const split = { summary: "Deny the Internet.", changes: splitByFamily(mixed.sourceAddressPrefixes, mixed.destinationAddressPrefixes).map((s, k) => ({ kind: "add-rule" as const, nsgKey, rule: { ...mixed, name: `${mixed.name}${k ? "-v6" : ""}`, priority: mixed.priority - k, sourceAddressPrefixes: s.sources } })) };
    const c = checked[i];
    const v = verifyAll(env, [{ ...c, outcome: { ...c.outcome, plans: [plan] } }]);
    expect(v.plans[0]).toEqual([]);
    expect(v.reasons.get(0)).toMatch(/IPv4 and IPv6/);
    expect(verifyAll(env, [{ ...c, outcome: { ...c.outcome, plans: [split] } }]).plans[0]).toHaveLength(1);
  });
});

// Every bundled case: the project's own (test/cases/reports) and the handed ones (../shared/cases).
describe("no fix of any bundled case writes a rule mixing address families", () => {
  const roots = [path.resolve(__dirname, "../cases/reports"), path.resolve(__dirname, "../../../shared/cases")];
  const cases = roots.flatMap((root) => (existsSync(root) ? readdirSync(root).filter((n) => statSync(path.join(root, n)).isDirectory()).sort().map((n) => path.join(root, n)) : []));
  it("finds the cases", () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const dir of cases)
    it(path.basename(dir), () => {
      const { snapshot, profile } = loadDir(dir);
      expect(mixedInReport(audit(snapshot, profile), snapshot, profile)).toEqual([]);
    });
});
