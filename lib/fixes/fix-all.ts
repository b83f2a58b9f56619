// "Fix all": every verified fix of a report as one az CLI script (bash and PowerShell), one Bicep text
// and one Terraform file, applied together. Plans are verified one by one (lib/fixes/verify.ts) with
// priorities and rule names that never collide (lib/fixes/priority.ts), so together they hold too; the
// fix-all tests apply the bundle to the snapshot and re-audit it.
import { rank } from "./safe-order";
import { type AuditOptions, planAudit } from "../audit";
import { ResourceNames } from "./resource-names";
import { findingId } from "../finding-id";
import type { Profile, SecurityRule, Snapshot } from "../model/types";
import { isEmpty, subtract, union } from "../net/intervals";
import { parsePortRanges } from "../net/ports";
import type { Report } from "../report/types";
import { applyChanges } from "./apply";
import { type AzCommand, azCommands, groupCreateCommand, psProblem, toBash, toPowerShell } from "./az";
import { oversizedGroupNotes } from "./group-size";
import { groupKeyOf } from "./firewall-groups";
import { bicepRefusal, renderBicep } from "./bicep";
import { keptEndpointsNote, nfcProblem, renderRefusal, renderTerraform, sharedNote, storageEndpointNote } from "./render";
import { routeLimitProblem } from "./route-limit";
import { terraformRefusal } from "./terraform";
import { shown } from "./quote";
import type { Change } from "./types";

export interface FixBundle {
  /** Every change, in the order the script applies them. */
  changes: Change[];
  /** The findings the bundle fixes (ids as in the report). */
  findings: { id: string; rule: string; subnet: string }[];
  /** `#!/usr/bin/env bash` script. */
  sh: string;
  /** PowerShell script (pwsh 7.3+ or Windows PowerShell with az on PATH). */
  ps1: string;
  bicep: string;
  tf: string;
  /** Fixable findings the bundle as a whole still leaves failing or warning (their fixes conflict), and why. */
  unfixed: { id: string; rule: string; subnet: string; why: string }[];
  /**
   * Failing and warning findings the bundle has no change for (no fix was found, or their fix is a procedure such as
   * staging files by hand), with their status after the bundle and why; listed at the top of the scripts too.
   */
  unfixable: { id: string; rule: string; subnet: string; status: "fail" | "warn"; why: string }[];
  /** Per form, how many changes it leaves to the az CLI script, and why. */
  notIn: { ps1: string[]; bicep: string[]; tf: string[] };
}

const ruleKey = (nsgKey: string, r: SecurityRule) => `${nsgKey}|${r.name.toLowerCase()}`;
const portFields = (set: readonly number[]) => {
  const out: string[] = [];
  for (let i = 0; i < set.length; i += 2) out.push(set[i] === set[i + 1] ? String(set[i]) : `${set[i]}-${set[i + 1]}`);
  return out;
};

type RuleUpdate = Extract<Change, { kind: "update-rule" }>;

/**
 * Two edits of one rule become one: each one's changed fields, ports narrowed by both. Narrowings that together
 * leave the rule no port delete it: Azure refuses a rule without a destination port, and a deny of nothing is no
 * rule at all. https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
function mergeUpdates(a: RuleUpdate | Extract<Change, { kind: "delete-rule" }>, b: RuleUpdate): RuleUpdate | Extract<Change, { kind: "delete-rule" }> {
  // Deleted already: a later edit of the rule has nothing left to change (a move's freed priority is freed anyway).
  if (a.kind === "delete-rule") return { ...a, why: `${a.why} ${b.why}` };
  const after: SecurityRule = { ...a.after };
  if (b.after.priority !== b.before.priority) after.priority = b.after.priority;
  if (b.after.access !== b.before.access) after.access = b.after.access;
  if (b.after.protocol !== b.before.protocol) after.protocol = b.after.protocol;
  const dropped = (x: typeof b) => subtract(parsePortRanges(x.before.destinationPortRanges), parsePortRanges(x.after.destinationPortRanges));
  const both = union(dropped(a), dropped(b));
  if (!isEmpty(both)) {
    const left = subtract(parsePortRanges(a.before.destinationPortRanges), both);
    if (isEmpty(left)) {
      // The planner narrows only a deny in the requirement's own protocol (lib/fixes/plan-flow.ts unblock: a `*` deny
      // gets an allow in that protocol above it instead), so deleting it opens no other protocol. Should a `*` deny
      // ever be emptied, the bundle says what that opens rather than open it silently.
      const protocols = a.before.protocol === "*" ? " (it named every protocol, so UDP and ICMP on those ports open too, which the requirements do not need)" : "";
      return { kind: "delete-rule", nsgKey: a.nsgKey, rule: a.before, why: `${a.why} ${b.why} Together they leave it no port, so it is deleted${protocols}.` };
    }
    after.destinationPortRanges = portFields(left);
  }
  return { ...a, after, why: `${a.why} ${b.why}` };
}

/** The changes of the given plans, duplicates dropped and edits of one rule merged, in safe order. */
export function bundleChanges(plans: readonly (readonly Change[])[]): Change[] {
  const out: Change[] = [];
  const seen = new Set<string>();
  const updates = new Map<string, number>();
  for (const changes of plans)
    for (const c of changes) {
      if (c.kind === "update-rule") {
        const k = ruleKey(c.nsgKey, c.before);
        const at = updates.get(k);
        if (at === undefined) {
          updates.set(k, out.length);
          out.push(c);
        } else out[at] = mergeUpdates(out[at] as Parameters<typeof mergeUpdates>[0], c);
        continue;
      }
      // The same endpoint, route or gateway asked for by two findings is one change.
      const k =
        c.kind === "add-service-endpoint" ? `se|${c.subnetKey}|${c.service.toLowerCase()}`
        : c.kind === "attach-nat-gateway" ? `nat|${c.subnetKey}`
        : c.kind === "add-route" ? `route|${c.routeTableKey}|${c.route.name.toLowerCase()}`
        : c.kind === "delete-route" ? `del|${c.routeTableKey}|${c.routeName.toLowerCase()}`
        : c.kind === "attach-new-nsg" ? `nsg|${c.subnetKey}`
        : c.kind === "add-firewall-rule-collection" ? `fw|${c.policyKey ?? c.firewallKey}|${c.groupName}|${c.collection.name}`
        : `rule|${ruleKey(c.nsgKey, c.rule)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(c);
    }
  return out.map((c, i) => [c, i] as const).sort((x, y) => rank(x[0]) - rank(y[0]) || x[1] - y[1]).map(([c]) => c);
}

/** The NSG a change edits in place (a new NSG aside). */
const nsgOf = (c: Change) => (c.kind === "add-rule" || c.kind === "update-rule" || c.kind === "delete-rule" ? c.nsgKey : undefined);
const denies = (c: Change) => (c.kind === "add-rule" && c.rule.access === "Deny") || (c.kind === "attach-new-nsg" && c.rules.some((r) => r.access === "Deny"));

/**
 * The changes one declarative form of the bundle (Bicep, Terraform) carries, in order; the reason each other one is left
 * to the az CLI script is appended to `notIn`. Beside a change the form cannot write (`refusal`), it leaves out:
 * - every change to an NSG one of whose changes it leaves out: one NSG's changes are planned together (a new rule takes
 *   the priority a moved or deleted rule leaves, and Azure refuses two rules at one priority and direction; a deny is
 *   placed under the allows beside it), so the form applies all of them or none;
 * - once it leaves out a deny, every NAT gateway: a gateway waits for the lockdown's deny (lib/fixes/safe-order.ts), and
 *   without it would give the subnet a way to every public address its NSGs allow.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
function formChanges(end: Snapshot, changes: readonly Change[], refusal: (c: Change) => string | undefined, notIn: string[]): Change[] {
  const out = new Map<Change, string>();
  for (const c of changes) {
    const why = refusal(c);
    if (why) out.set(c, why);
  }
  const nsgsOut = new Map<string, string>();
  for (const [c, why] of out) {
    const k = nsgOf(c);
    if (k && !nsgsOut.has(k)) nsgsOut.set(k, why);
  }
  for (const c of changes) {
    const k = nsgOf(c);
    if (out.has(c) || !k || !nsgsOut.has(k)) continue;
    const name = end.nsgs.get(k)?.name ?? k;
    out.set(c, `a change to NSG ${shown(name)}, whose changes are applied together or not at all (a new rule may take the priority a moved rule leaves), and another of them has no safe form here: ${nsgsOut.get(k)}`);
  }
  if ([...out.keys()].some(denies))
    for (const c of changes)
      if (c.kind === "attach-nat-gateway" && !out.has(c))
        out.set(c, "a NAT gateway, which waits for the lockdown's deny: that deny is left out here, and without it the gateway would give the subnet a way to every public address its NSGs allow");
  for (const c of changes) if (out.has(c)) notIn.push(out.get(c)!);
  return changes.filter((c) => !out.has(c));
}

/**
 * Every fix of the report's failing and warning findings, together (see the module comment). `report`
 * limits the bundle to the findings it lists (a filtered view); without it, every finding counts.
 * The audit is re-run on `snapshot` with `profile` and `opts` to get the plans behind the report's text.
 */
export function fixAll(snapshot: Snapshot, profile: Profile, report?: Report, opts: AuditOptions = {}): FixBundle {
  const wanted = report ? new Set(report.subnets.flatMap((s) => s.findings.filter((f) => f.status === "fail" || f.status === "warn").map((f) => f.id ?? ""))) : undefined;
  const plans: Change[][] = [];
  /**
   * The other subnets (and firewalls) the bundle's fixes reach, as each fix's own forms say it (render.ts sharedNote),
   * with the fixes that say it: fixes of one shared resource say the same, once.
   */
  const sharedNotes = new Map<string, string[]>();
  /**
   * Why a finding's fix was left out of the bundle: each of its plans would take a route table past Azure's limit
   * together with the routes the bundle's other fixes add (each plan alone is checked in verify.ts).
   */
  const overLimit = new Map<string, string>();
  const findings: FixBundle["findings"] = [];
  const fixable = new Set<string>();
  let changes: Change[] = [];
  // Each fix is verified on its own; together, one fix can undo another (a narrowed deny lets traffic
  // fall through to the deny a lockdown fix adds). So allows are planned first, then what denies (the
  // lockdown) on top of them, so it sees them open and keeps them open; then the bundle is re-audited
  // and what it still leaves unfixed is planned again on top of it, a few rounds at most.
  let last: ReturnType<typeof planAudit> | undefined;
  // One set of names for every round: a subject planned again (its fix undone by another) keeps its name, so the
  // bundle merges it rather than creating a second NAT gateway or collection beside the first.
  const names = new ResourceNames();
  for (let round = 0; round < 4; round++) {
    const base = round === 0 ? snapshot : applyChanges(snapshot, changes).snapshot;
    const planned = planAudit(base, profile, opts, names);
    last = planned;
    let added = 0;
    planned.checked.forEach((c, i) => {
      const id = findingId(c.subnet.key, c.rule.id);
      if ((wanted && !wanted.has(id)) || (round > 0 && !fixable.has(id)) || c.outcome.status === "pass") return;
      const renderable = planned.verified.plans[i].filter((p) => !renderRefusal(base, p));
      // Route tables count the routes of every fix together (each plan alone was checked in verify.ts): a plan that
      // adds routes is taken only while the bundle's tables stay within Azure's limit; the finding's next plan (one
      // adding no route) may still fit.
      let limit: string | undefined;
      const plan = renderable.find((p) => {
        if (!p.changes.some((x) => x.kind === "add-route")) return true;
        const why = routeLimitProblem(snapshot, bundleChanges([...plans, p.changes]));
        limit ??= why;
        return !why;
      });
      if (!plan) {
        if (limit) {
          overLimit.set(id, `Its fix is left out: together with the routes this bundle's other fixes add, ${limit}.`);
          // Fixable on its own, so listed with the bundle's conflicts (unfixed), not among the findings it fixes.
          fixable.add(id);
        }
        return;
      }
      overLimit.delete(id);
      if (round === 0) {
        fixable.add(id);
        findings.push({ id, rule: c.rule.id, subnet: c.subnet.id });
        if (c.rule.requires === "deny") return;
      }
      plans.push(plan.changes);
      const shared = sharedNote(base, plan, new Set([c.subnet.key]), c.outcome.flowEnds ?? []);
      const who = `${c.rule.id} on ${shown(`${c.subnet.vnetName}/${c.subnet.name}`)}`;
      if (shared && !sharedNotes.get(shared)?.includes(who)) sharedNotes.set(shared, [...(sharedNotes.get(shared) ?? []), who]);
      added++;
    });
    changes = bundleChanges(plans);
    if (added === 0 && round > 0) break;
  }
  // What the bundle still leaves failing or warning, and why (a crowded NSG with no slot for both fixes).
  const final = last && planAudit(applyChanges(snapshot, changes).snapshot, profile, opts);
  const unfixed: FixBundle["unfixed"] = [];
  const unfixable: FixBundle["unfixable"] = [];
  final?.checked.forEach((c, i) => {
    const id = findingId(c.subnet.key, c.rule.id);
    if ((wanted && !wanted.has(id)) || (c.outcome.status !== "fail" && c.outcome.status !== "warn")) return;
    if (fixable.has(id)) {
      unfixed.push({ id, rule: c.rule.id, subnet: c.subnet.id, why: overLimit.get(id) ?? c.outcome.noFixReason ?? final.verified.reasons.get(i) ?? "Its fix and another fix of the bundle cannot both be applied." });
      return;
    }
    // Said as the report says it (README "Fixes": a failing or warning finding with no fix says why).
    const why =
      c.outcome.noFixReason ??
      final.verified.reasons.get(i) ??
      (final.verified.plans[i].length
        ? "A fix for it appears only once this bundle is applied: audit again afterwards."
        : c.outcome.guidance.length
          ? "its fix is a procedure, not a change to the estate (see the finding's fixes)."
          : "No change to an NSG, route, firewall or outbound path was found that makes this pass without making another finding worse.");
    unfixable.push({ id, rule: c.rule.id, subnet: c.subnet.id, status: c.outcome.status, why });
  });
  // Rendered against the end state: a subnet changed by two fixes is written once with both changes.
  const end = applyChanges(snapshot, changes).snapshot;
  // Groups the fixes create: the end state has them, so they are created here, once, before any collection.
  const newGroups = new Map<string, AzCommand>();
  for (const c of changes)
    if (c.kind === "add-firewall-rule-collection" && c.policyKey && !snapshot.ruleCollectionGroups?.has(groupKeyOf(c.policyKey, c.groupName)))
      newGroups.set(groupKeyOf(c.policyKey, c.groupName), groupCreateCommand(snapshot, c.policyKey, c.groupName));
  // Each change's commands once: the bash script, the PowerShell checks and the PowerShell script all read them.
  const commandsOf = new Map(changes.map((c) => [c, azCommands(end, c, snapshot)] as const));
  const commands = [...newGroups.values(), ...changes.flatMap((c) => commandsOf.get(c)!)];
  const unfixedNote = [
    ...unfixed.map((u) => `# Not fixed by this bundle: ${u.rule} on ${shown(u.subnet)}: ${u.why.replace(/[\r\n]+/g, " ")}`),
    ...unfixable.map((u) => `# Not fixed by this bundle: ${u.rule} (${u.status}) on ${shown(u.subnet)}: ${u.why.replace(/[\r\n]+/g, " ")}`),
  ];
  // What a change does beyond its finding (a route around an appliance), once each, above the commands.
  const endpointNote = storageEndpointNote(changes);
  const keptNote = keptEndpointsNote(snapshot, changes);
  const oneLine = (t: string) => `# Note: ${t.replace(/[\r\n]+/g, " ")}`;
  // Said in every form: each would deploy the same collections into the group.
  const groupNotes = oversizedGroupNotes(end, changes);
  const changeNotes = [
    ...new Set([
      ...changes.flatMap((c) => ((c.kind === "add-route" || c.kind === "add-rule") && c.why ? [oneLine(c.why)] : [])),
      // Who else the fixes reach, as each fix's own forms say it (a shared NSG, route table or firewall policy).
      ...[...sharedNotes].map(([text, who]) => oneLine(`The fix${who.length > 1 ? "es" : ""} for ${who.slice(0, 3).join(", ")}${who.length > 3 ? ` and ${who.length - 3} more` : ""}: ${text}`)),
    ]),
    ...(endpointNote ? [oneLine(endpointNote)] : []),
    ...(keptNote ? [oneLine(keptNote)] : []),
    ...groupNotes.map(oneLine),
  ];
  const sh = ["#!/usr/bin/env bash", "# Every verified fix of the audit, in safe order: allows and new resources first, then denies, a NAT gateway last.", ...unfixedNote, ...changeNotes, "set -euo pipefail", "", ...commands.map(toBash), ""].join("\n");
  const notIn: FixBundle["notIn"] = { ps1: [], bicep: [], tf: [] };
  // PowerShell leaves out whole changes, as Bicep and Terraform do (formChanges): never a NAT gateway without the deny
  // that goes with it, nor half of an NSG's changes.
  // A new rule collection group PowerShell cannot create safely takes the collections that go into it along.
  const psGroupProblem = new Map([...newGroups].flatMap(([key, cmd]) => {
    const why = psProblem(cmd);
    return why ? [[key, why] as const] : [];
  }));
  const psRefusal = (c: Change) =>
    commandsOf.get(c)!.map(psProblem).find(Boolean) ??
    (c.kind === "add-firewall-rule-collection" && c.policyKey && psGroupProblem.has(groupKeyOf(c.policyKey, c.groupName)) ? `its new rule collection group ${shown(c.groupName)} cannot be created here: ${psGroupProblem.get(groupKeyOf(c.policyKey, c.groupName))}` : undefined);
  const psChanges = formChanges(end, changes, psRefusal, notIn.ps1);
  const psSafe = [...[...newGroups].filter(([key]) => !psGroupProblem.has(key)).map(([, cmd]) => cmd), ...psChanges.flatMap((c) => commandsOf.get(c)!)];
  const ps1 = [
    // A failed az call stops the script only from PowerShell 7.3 on ($PSNativeCommandUseErrorActionPreference); an
    // older one would carry on past it, so it refuses to start instead.
    // https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_preference_variables#psnativecommanduseerroractionpreference
    "#Requires -Version 7.3",
    "# Every verified fix of the audit, in safe order: allows and new resources first, then denies, a NAT gateway last.",
    ...unfixedNote,
    ...groupNotes.map(oneLine),
    ...(notIn.ps1.length ? [`# ${notIn.ps1.length} change(s) are left out: ${notIn.ps1[0]}.`] : []),
    "$ErrorActionPreference = 'Stop'",
    "$PSNativeCommandUseErrorActionPreference = $true",
    "",
    ...psSafe.map(toPowerShell),
    "",
  ].join("\n");
  const forBicep = formChanges(end, changes, (c) => bicepRefusal(end, c), notIn.bicep);
  const forTf = formChanges(end, changes, (c) => terraformRefusal(end, c) ?? nfcProblem(end, c), notIn.tf);
  const left = (why: readonly string[], prefix: string) =>
    why.length
      ? `${prefix} ${why.length} change(s) have no safe form here and are only in the az CLI script, for these reasons:\n${[...new Set(why)].map((w) => `${prefix} - ${w}.\n`).join("")}`
      : "";
  // Each form is written against the estate it leaves (the snapshot with its own changes), so a subnet it declares whole
  // names no resource a change left out of it would create; what exists before the bundle is told from `snapshot`.
  const b = forBicep.length ? renderBicep(applyChanges(snapshot, forBicep).snapshot, forBicep) : { text: "" };
  const t = forTf.length ? renderTerraform(applyChanges(snapshot, forTf).snapshot, forTf, new Set(), snapshot) : { text: "" };
  return {
    changes,
    findings,
    sh,
    ps1,
    bicep: `${groupNotes.map((n) => `// Note: ${n}\n`).join("")}${left(notIn.bicep, "//")}${"text" in b ? b.text : `// ${b.refused}`}\n`,
    tf: `${groupNotes.map((n) => `${oneLine(n)}\n`).join("")}${left(notIn.tf, "#")}${"text" in t ? t.text : `# ${t.refused}`}\n`,
    notIn,
    unfixed,
    unfixable,
  };
}
