// Groups the failing and warning findings of a report into distinct problems for the PDF: the same rule with the same
// detail, evidence and printed fix on many subnets, once the subnet's own names are set aside, is one problem listed
// with the subnets it applies to. An estate built from one template (1,000 subnets, 3,000 open findings) then prints
// a few dozen problems instead of 3,000 near-copies, and the page count follows the distinct problems.
//
// Grouping is lossless by construction: a finding's printed text becomes a template by replacing the subnet's own
// values (its name, VNet, resource group, subscription, address prefixes, NSG, route table, NICs) with named slots;
// findings group only when their templates are equal, and the PDF lists each subnet's value for every slot whose value
// differs between the subnets of a group. Filling a template with a subnet's values gives that finding's text back.
import { evidenceStage } from "./types";
import type { AdminRuleEvidence, Evidence, FirewallEvidence, Finding, FindingStatus, NsgEvidence, OutboundEvidence, RouteEvidence, SubnetReport } from "./types";
import { FIX_KIND_ORDER, resourceName } from "./meta";

/** Text with slots: a string part is literal, `{ slot }` stands for a subnet's own value (its label: "NSG", "NIC 2"). */
export type Template = (string | { slot: string })[];

export interface GroupMember {
  subnet: SubnetReport;
  finding: Finding;
  /** This subnet's value of every slot its templates use. */
  values: ReadonlyMap<string, string>;
}

/** One distinct problem: a failing or warning finding as printed, and the subnets it was found on. */
export interface FindingGroup {
  rule: string;
  status: FindingStatus;
  title: string;
  requirement?: string;
  detail: Template;
  /** Each stage of the path in order: what decided and the stage's fields (lib/report/pdf-html.ts evidenceFields). */
  evidence: { stage: ReturnType<typeof evidenceStage>; decision: string; fields: [string, Template][] }[];
  /** The one fix printed: az CLI, else portal steps, else shell, else the first kind there is. */
  fix?: { kind: string; text: Template };
  /** The finding's other fix kinds (not printed in the PDF), in FIX_KIND_ORDER. */
  otherFixKinds: string[];
  noFixReason?: Template;
  members: GroupMember[];
  /** Slots whose value differs between members, in the order they first appear: the columns of the subnet table. */
  varying: string[];
}

// Shorter values are left as text: "db" or "hpc" are too likely to be ordinary words of a sentence.
const MIN_SLOT_VALUE = 3;
// A subnet with thousands of NICs would make the pattern long and its texts list them anyway (so they would not group).
const MAX_NIC_SLOTS = 8;

/** The subnet's own values, labelled; a value held by two labels keeps the first (so a template is deterministic). */
export function subnetSlots(s: SubnetReport): [string, string][] {
  const out: [string, string | null | undefined][] = [
    ["subnet", s.name],
    ["VNet", s.vnet],
    ["resource group", s.resourceGroup],
    ["subscription", s.subscriptionId],
    ["NSG", s.nsg ? resourceName(s.nsg) : undefined],
    ["route table", s.routeTable ? resourceName(s.routeTable) : undefined],
  ];
  (s.addressPrefixes ?? []).slice(0, 4).forEach((p, i) => out.push([i ? `address prefix ${i + 1}` : "address prefix", p]));
  (s.nics ?? []).slice(0, MAX_NIC_SLOTS).forEach((n, i) => {
    out.push([i ? `NIC ${i + 1}` : "NIC", n.name]);
    if (n.nsg) out.push([i ? `NIC ${i + 1} NSG` : "NIC NSG", resourceName(n.nsg)]);
  });
  const seen = new Set<string>();
  const slots: [string, string][] = [];
  for (const [label, value] of out) {
    if (!value || value.length < MIN_SLOT_VALUE || seen.has(value)) continue;
    seen.add(value);
    slots.push([label, value]);
  }
  return slots;
}

/** Whether a character continues a word: ASCII letters and digits, and (to stay on the safe side) anything non-ASCII. */
function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0xc0;
}

/** Makes templates of one subnet's texts: each whole-word occurrence of one of its values becomes that value's slot. */
export function templater(s: SubnetReport): (text: string) => Template {
  const slots = subnetSlots(s).sort((a, b) => b[1].length - a[1].length);
  if (!slots.length) return (text) => [text];
  return (text) => {
    // Every occurrence of every value that is not part of a longer word ("subnet-1" is not in "subnet-10", but is in
    // the derived name "app-Storage-subnet-1"); then leftmost first, the longest at one position, none overlapping.
    // NOTE: indexOf per value, not one RegExp per subnet: compiling a thousand patterns cost seconds (issue 12).
    const hits: [number, number, string][] = [];
    for (const [label, value] of slots) {
      for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) {
        if (!isWordChar(text, i - 1) && !isWordChar(text, i + value.length)) hits.push([i, i + value.length, label]);
      }
    }
    if (!hits.length) return [text];
    hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const parts: Template = [];
    let last = 0;
    for (const [start, end, label] of hits) {
      if (start < last) continue;
      if (start > last) parts.push(text.slice(last, start));
      parts.push({ slot: label });
      last = end;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  };
}

/** A template's text with the given values in its slots (a slot with no value stays as its label in ‹›). */
export function fillTemplate(t: Template, values: ReadonlyMap<string, string>): string {
  return t.map((p) => (typeof p === "string" ? p : values.get(p.slot) ?? `‹${p.slot}›`)).join("");
}

function slotsOf(t: Template, into: string[]): void {
  for (const p of t) if (typeof p !== "string" && !into.includes(p.slot)) into.push(p.slot);
}

/** What decided at one stage, in one word ("Deny", "Allow", or "" when the stage only carried the packet). */
export function evidenceDecision(e: Evidence): string {
  const stage = evidenceStage(e);
  if (stage === "outbound") return (e as OutboundEvidence).method === "none" ? "Deny" : "";
  if (stage === "route") return /^none$/i.test((e as RouteEvidence).nextHopType) ? "Deny" : "";
  if (stage === "firewall") return (e as FirewallEvidence).action;
  return (e as NsgEvidence | AdminRuleEvidence).access;
}

const PRINTED_FIX = ["az-cli", "portal", "shell"];

/** The fix the PDF prints for a finding: az CLI, else portal steps, else shell, else its first fix. */
export function printedFix(f: Finding): Finding["fixes"][number] | undefined {
  for (const kind of PRINTED_FIX) {
    const fix = f.fixes.find((x) => x.kind === kind);
    if (fix) return fix;
  }
  return f.fixes[0];
}

const kindRank = (kind: string) => {
  const i = FIX_KIND_ORDER.indexOf(kind);
  return i < 0 ? FIX_KIND_ORDER.length : i;
};

const STATUS_RANK: Record<string, number> = { fail: 0, warn: 1 };

/**
 * The report's `fail` and `warn` findings as distinct problems (see the top of this file): grouped when rule, status,
 * title, requirement, detail, evidence as printed, the printed fix (az CLI, else portal steps, else shell), the other
 * fix kinds offered and `noFixReason` are equal once each subnet's own values are slots. `fields(e)` gives an evidence
 * entry's printed fields (pdf-html.ts evidenceFields). Groups come fail first, then by rule, then most subnets first;
 * members in report order.
 */
export function groupOpenFindings(subnets: SubnetReport[], fields: (e: Evidence) => [string, string][]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const s of subnets) {
    let template: ((text: string) => Template) | undefined;
    const values = new Map(subnetSlots(s));
    for (const f of s.findings) {
      if (f.status !== "fail" && f.status !== "warn") continue;
      template ??= templater(s);
      const detail = template(f.detail);
      const evidence = f.evidence.map((e) => ({
        stage: evidenceStage(e),
        decision: evidenceDecision(e),
        fields: fields(e).map(([k, v]): [string, Template] => [k, template!(v)]),
      }));
      const shown = printedFix(f);
      const fix = shown ? { kind: shown.kind, text: template(shown.text) } : undefined;
      const otherFixKinds = [...new Set(f.fixes.filter((x) => x !== shown).map((x) => x.kind))].sort((a, b) => kindRank(a) - kindRank(b));
      const noFixReason = f.noFixReason ? template(f.noFixReason) : undefined;
      const key = JSON.stringify([f.rule, f.status, f.title, f.requirement ?? null, detail, evidence, fix ?? null, otherFixKinds, noFixReason ?? null]);
      let g = groups.get(key);
      if (!g) {
        g = { rule: f.rule, status: f.status, title: f.title, requirement: f.requirement, detail, evidence, fix, otherFixKinds, noFixReason, members: [], varying: [] };
        groups.set(key, g);
      }
      g.members.push({ subnet: s, finding: f, values });
    }
  }
  for (const g of groups.values()) {
    const used: string[] = [];
    slotsOf(g.detail, used);
    for (const e of g.evidence) for (const [, v] of e.fields) slotsOf(v, used);
    if (g.fix) slotsOf(g.fix.text, used);
    if (g.noFixReason) slotsOf(g.noFixReason, used);
    const first = g.members[0].values;
    g.varying = used.filter((slot) => g.members.some((m) => m.values.get(slot) !== first.get(slot)));
  }
  return [...groups.values()].sort(
    (a, b) => (STATUS_RANK[a.status] ?? 2) - (STATUS_RANK[b.status] ?? 2) || a.rule.localeCompare(b.rule) || b.members.length - a.members.length,
  );
}
