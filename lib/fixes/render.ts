// Renders a verified plan as text a person can paste: az CLI for bash and for PowerShell, Bicep,
// Terraform and portal steps. Every name is the estate's own and is handled as data (lib/fixes/quote.ts).
import type { Snapshot } from "../model/types";
import type { Fix } from "../report/types";
import { type AzCommand, azCommands, psProblem, toBash, toPowerShell } from "./az";
import { renderBicep } from "./bicep";
import { portalStep } from "./portal";
import { shown, unrenderable } from "./quote";
import { endpointsWith, isStorageEndpoint } from "./service-endpoints";
import { idParts } from "../snapshot/arm-id";
import { sharedWith } from "./shared-resources";
import { type GroupDeployment, groupDeployments } from "./firewall-groups";
import { oversizedGroupNote } from "./group-size";
import { terraformBlocks, terraformRefusal } from "./terraform";
import type { Change, FixPlan } from "./types";
import { addrCovers, concrete } from "../net/addr-set";
import { cidrsToRanges, parseCidr } from "../net/ip";

/** What the strings of a value allow: why the first one that no language can carry cannot, and whether one is not NFC. */
interface TextVerdict {
  unrenderable?: string;
  notNfc: boolean;
}

/** ASCII without NUL: a string any language can carry, and in Unicode normal form C (as every ASCII text is). */
const PLAIN_TEXT = /^[\u0001-\u007f]*$/;
/** The verdict on strings that are all fine: one shared object, as nearly every verdict is this one. */
const FINE: TextVerdict = Object.freeze({ notNfc: false });

/** Adds every string in `v` (nested arrays and objects, Maps aside), in order, to the verdict. */
function scan(v: unknown, into: TextVerdict): void {
  if (typeof v === "string") {
    if (PLAIN_TEXT.test(v)) return;
    into.unrenderable ??= unrenderable(v);
    into.notNfc ||= v.normalize("NFC") !== v;
  } else if (Array.isArray(v)) for (const x of v) scan(x, into);
  else if (v && typeof v === "object" && !(v instanceof Map)) for (const x of Object.values(v)) scan(x, into);
}

function verdictOf(v: unknown): TextVerdict {
  const into: TextVerdict = { notNfc: false };
  scan(v, into);
  return into.unrenderable || into.notNfc ? into : FINE;
}

/**
 * Verdicts worked out once per object: a change (its own strings) and each resource of the snapshot a change
 * addresses (its names). Neither is changed once made (applying a fix makes new objects), and each is asked about
 * by every form of a plan and by every plan for it: a subnet's verdict covers its whole armProperties.
 */
const verdicts = new WeakMap<object, TextVerdict>();

function memoVerdict<T extends object>(of: T | undefined, strings: (x: T) => unknown): TextVerdict | undefined {
  if (!of) return undefined;
  let v = verdicts.get(of);
  if (!v) verdicts.set(of, (v = verdictOf(strings(of))));
  return v;
}

/** The verdict on every string a change and the resources it names hold: the change's own first, then each resource's. */
function changeVerdict(snapshot: Snapshot, c: Change): TextVerdict {
  const parts: (TextVerdict | undefined)[] = [memoVerdict(c, (x) => x)];
  if ("nsgKey" in c) parts.push(memoVerdict(snapshot.nsgs.get(c.nsgKey), (n) => n.name));
  if ("subnetKey" in c)
    parts.push(memoVerdict(snapshot.subnets.get(c.subnetKey), (s) => [s.name, s.vnetName, s.resourceGroup, s.subscriptionId, s.id, s.armProperties, s.serviceEndpoints]));
  if ("routeTableKey" in c) parts.push(memoVerdict(snapshot.routeTables.get(c.routeTableKey), (t) => t.name));
  return { unrenderable: parts.find((p) => p?.unrenderable)?.unrenderable, notNfc: parts.some((p) => p?.notNfc) };
}

/**
 * HCL normalises every string to Unicode NFC, escapes included, so a name that NFC changes (a combining
 * accent, a compatibility ideograph) would reach Azure as another name: no Terraform form then.
 * https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#template-expressions
 */
export function nfcProblem(snapshot: Snapshot, c: Change): string | undefined {
  return changeVerdict(snapshot, c).notNfc
    ? "a name is not in Unicode normal form C, and HCL normalises every string to it, so Terraform would address another name: use the az CLI form"
    : undefined;
}

/** Why a plan cannot be rendered at all (a name no language can carry), or undefined. */
export function renderRefusal(snapshot: Snapshot, plan: FixPlan): string | undefined {
  for (const c of plan.changes) {
    const why = changeVerdict(snapshot, c).unrenderable;
    if (why) return `A name in the fix ${why}, so no command can carry it; the snapshot is not a faithful Azure export.`;
  }
  return undefined;
}

/**
 * Every change to a shared NSG is a new rule whose own side lies within the prefixes of the subnets it is for: exactly
 * them, or addresses in them (the CycleCloud server's own, lib/fixes/own-side.ts).
 */
function scopedToOwn(snapshot: Snapshot, changes: readonly Change[], own: ReadonlySet<string>): boolean {
  const prefixes = [...own].flatMap((k) => snapshot.subnets.get(k)?.addressPrefixes ?? []);
  const ranges = cidrsToRanges(prefixes.filter((p) => parseCidr(p)));
  const ownSet = concrete(ranges.v4, ranges.v6);
  // A CIDR inside the subnets' prefixes (the CycleCloud server's /32); anything else (a tag, `*`) only as written.
  const inside = (p: string) => {
    if (!parseCidr(p)) return prefixes.includes(p);
    const r = cidrsToRanges([p]);
    return addrCovers(ownSet, concrete(r.v4, r.v6));
  };
  return changes.every((c) => {
    if (c.kind !== "add-rule") return c.kind !== "update-rule" && c.kind !== "delete-rule" && c.kind !== "add-route" && c.kind !== "delete-route";
    const side = c.rule.direction === "Outbound" ? c.rule.sourceAddressPrefixes : c.rule.destinationAddressPrefixes;
    return side.length > 0 && side.every(inside);
  });
}

/**
 * The sentence naming the other subnets (and firewalls) a plan's changes reach, or "". `own` are the subnets the plan
 * is for; `flowEnds` the other ends of the flows it fixes (a route in the peer's table toward this subnet is that
 * flow's own way back, not another subnet's traffic), which are not named either.
 */
export function sharedNote(snapshot: Snapshot, plan: FixPlan, own: ReadonlySet<string>, flowEnds: Iterable<string> = []): string {
  const { subnets, firewalls } = sharedWith(snapshot, plan.changes, new Set([...own, ...flowEnds]));
  const parts: string[] = [];
  if (subnets.length) {
    // A subnet reached through a NIC's or a scale set's NSG, not its own, is named with them: it is their traffic.
    const named = ({ subnet: s, holders }: (typeof subnets)[number]) => {
      const where = shown(`${s.vnetName}/${s.name}`);
      if (!holders.length) return where;
      const who = holders.slice(0, 3).map((h) => `${h.kind} ${shown(h.name)}`);
      return `${who.join(" and ")}${holders.length > 3 ? ` and ${holders.length - 3} more` : ""} in ${where}`;
    };
    const listed = `${subnets.slice(0, 8).map(named).join(", ")}${subnets.length > 8 ? ` and ${subnets.length - 8} more` : ""}`;
    const n = `${subnets.length} other subnet${subnets.length > 1 ? "s" : ""}`;
    parts.push(
      scopedToOwn(snapshot, plan.changes, own)
        ? `The changed resource is shared with ${n} (${listed}); the new rules name only this subnet's addresses, so their traffic is unchanged.`
        : `This also changes traffic of ${n} sharing the resource: ${listed}.`,
    );
  }
  if (firewalls.length) parts.push(`The firewall policy is used by ${firewalls.length} firewall${firewalls.length > 1 ? "s" : ""}: ${firewalls.slice(0, 8).map(shown).join(", ")}.`);
  return parts.join(" ");
}

const bashText = (cmds: readonly AzCommand[]) => cmds.map(toBash).join("\n");

function powerShellText(cmds: readonly AzCommand[]): { text: string } | { refused: string } {
  for (const cmd of cmds) {
    const why = psProblem(cmd);
    if (why) return { refused: why };
  }
  return { text: cmds.map(toPowerShell).join("\n") };
}

/** The az CLI commands of `changes` for bash, one command per line (long ones wrapped with `\`). */
export function renderAzBash(snapshot: Snapshot, changes: readonly Change[]): string {
  return bashText(changes.flatMap((c) => azCommands(snapshot, c)));
}

/** The az CLI commands for PowerShell; refused (with the reason) when a value holds a character cmd.exe interprets. */
export function renderAzPowerShell(snapshot: Snapshot, changes: readonly Change[]): { text: string } | { refused: string } {
  return powerShellText(changes.flatMap((c) => azCommands(snapshot, c)));
}

/**
 * The Terraform blocks of `changes`; `labels` keeps resource labels unique across one file. Refused with a reason when
 * a change has no safe form. `groups` is groupDeployments of the same changes, when the caller has it already.
 */
export function renderTerraform(
  snapshot: Snapshot,
  changes: readonly Change[],
  labels = new Set<string>(),
  existing?: Snapshot,
  groups: Map<Change, GroupDeployment> = groupDeployments(snapshot, changes),
): { text: string } | { refused: string } {
  for (const c of changes) {
    const why = terraformRefusal(snapshot, c) ?? nfcProblem(snapshot, c);
    if (why) return { refused: why };
  }
  // Which moved rule's update each new rule at its old priority waits for (see terraformBlocks); moves come first.
  const vacated = new Map<string, string>();
  const blocks = changes.flatMap((c) => terraformBlocks(snapshot, c, labels, groups, existing, vacated));
  const head = azurermSubscriptionNote(snapshot, changes);
  return { text: [...(head ? [head] : []), ...blocks].join("\n\n") };
}

/**
 * Which subscription the `azurerm_*` resources of `changes` belong in, as a comment: unlike azapi's, which carry full
 * resource ids, they go wherever the azurerm provider is set to, and a policy or hub in another subscription is common.
 * Empty when no change makes one. https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs#subscription_id
 */
function azurermSubscriptionNote(snapshot: Snapshot, changes: readonly Change[]): string {
  const subs = new Set<string>();
  for (const c of changes) {
    if (c.kind === "add-rule") subs.add(snapshot.nsgs.get(c.nsgKey)?.subscriptionId ?? "");
    else if (c.kind === "attach-new-nsg" || c.kind === "attach-nat-gateway") subs.add(snapshot.subnets.get(c.subnetKey)?.subscriptionId ?? "");
    else if (c.kind === "add-route") subs.add(snapshot.routeTables.get(c.routeTableKey)?.subscriptionId ?? "");
    // A classic firewall's collections are azurerm_firewall_*_rule_collection resources (a policy's go through azapi).
    else if (c.kind === "add-firewall-rule-collection" && !c.policyKey && c.firewallKey) subs.add(idParts(snapshot.firewalls?.get(c.firewallKey)?.id ?? "").subscriptionId);
  }
  subs.delete("");
  if (subs.size === 0) return "";
  const list = [...subs].map(shown);
  return list.length === 1
    ? `# The azurerm_* resources below belong in subscription ${list[0]}: run with the azurerm provider set to it (subscription_id, or ARM_SUBSCRIPTION_ID).`
    : `# The azurerm_* resources below belong in ${list.length} subscriptions (${list.join(", ")}): give each its own aliased azurerm provider (subscription_id) before applying.`;
}

/**
 * Said in every form of a plan that attaches a new NSG: its default rules (AllowVnetInBound, AllowAzureLoadBalancerInBound,
 * DenyAllInBound) cut inbound traffic from outside the virtual network that reached the subnet before, which the audit
 * does not model. https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
 */
function newNsgNote(plan: FixPlan): string {
  const added = plan.changes.flatMap((c) => (c.kind === "attach-new-nsg" ? [c] : []));
  if (!added.length) return "";
  // The seed page's NSG ends with a deny of the Internet: the subnet loses every public site its allows do not name.
  const blocks = added.flatMap((c) => c.rules).find((r) => r.access === "Deny" && r.direction === "Outbound" && r.destinationAddressPrefixes.some((d) => /^(internet|\*|0\.0\.0\.0\/0)$/i.test(d)));
  const outbound = blocks ? ` Its rule ${shown(blocks.name)} also denies outbound traffic to the Internet beyond what its allow rules name, as the locked-down configuration intends: package mirrors, GitHub and any other public site the machines use until now stop being reachable from them.` : "";
  return `Before applying: the new NSG's default rules deny inbound traffic from outside the virtual network (SSH or HTTPS to a VM from an admin network, a public load balancer's clients), which reached the subnet until now; add an allow for any such access you use.${outbound}`;
}

/**
 * What a Storage service endpoint changes for storage accounts the input does not show (those it shows were audited
 * with it): the subnet's requests reach Azure Storage from its private addresses, so an account admitting the subnet
 * by an IP rule (its public or NAT address) stops admitting it.
 * https://learn.microsoft.com/azure/storage/common/storage-network-security#grant-access-from-a-virtual-network
 */
export function storageEndpointNote(changes: readonly Change[]): string {
  const added = changes.flatMap((c) => (c.kind === "add-service-endpoint" && isStorageEndpoint(c.service) ? [c.service] : []));
  if (!added.length) return "";
  const global = added.some((s) => /global$/i.test(s));
  return `With the service endpoint, the subnet reaches Azure Storage from its private addresses: a storage account ${global ? "in any region" : "in the endpoint's regions"} that admits it by an IP rule (its public or NAT gateway address) stops admitting it; give such accounts a virtual network rule for the subnet.`;
}

/**
 * The service endpoints a fix keeps on a subnet, with the locations they were read with, said in every form so a person
 * can check them after applying it: `az network vnet subnet update --service-endpoints` alone re-sends every endpoint
 * without its locations and Azure resets them to the service's default (lib/fixes/az.ts endpointArgs). "" when no
 * endpoint kept has locations. `asRead` is the snapshot before any fix.
 */
export function keptEndpointsNote(asRead: Snapshot, changes: readonly Change[]): string {
  // Every endpoint the changes add to a subnet, so one that displaces a Storage kind the subnet had is not named kept.
  const added = new Map<string, string[]>();
  for (const c of changes) if (c.kind === "add-service-endpoint") added.set(c.subnetKey, [...(added.get(c.subnetKey) ?? []), c.service]);
  const parts: string[] = [];
  for (const [key, services] of added) {
    const s = asRead.subnets.get(key);
    if (!s) continue;
    let after = s.serviceEndpoints;
    for (const service of services) after = endpointsWith(after, service, (e) => e.service, (x) => ({ service: x, locations: [] }));
    const kept = after.filter((e) => e.locations.length);
    if (!kept.length) continue;
    const list = kept.map((e) => `${shown(e.service)} (${e.locations.map(shown).join(", ")})`).join(", ");
    parts.push(`Subnet ${shown(`${s.vnetName}/${s.name}`)} keeps its service endpoints with their locations: ${list}.`);
  }
  return parts.join(" ");
}

const comment = (prefix: string, text: string) => text.split("\n").map((l) => `${prefix} ${l}`).join("\n");

/**
 * The plan as fixes: az CLI (bash), PowerShell, Bicep, Terraform, portal. A form that cannot be written
 * safely is a comment saying why (and which form to use); `forSubnet` is the subnet the plan is for,
 * so that other subnets sharing a changed NSG or route table are named, and `flowEnds` (subnet keys) the
 * other ends of the finding's flows, which are not "other" subnets of the fix. `scopeNote` is said in every form
 * beside that note (lib/fixes/own-side.ts serverScopeNote: the rules name the CycleCloud server, not its subnet).
 */
export function renderPlan(snapshot: Snapshot, plan: FixPlan, forSubnet?: string, flowEnds: Iterable<string> = [], scopeNote = ""): Fix[] {
  if (renderRefusal(snapshot, plan)) return [];
  const around = [...new Set(plan.changes.flatMap((c) => ((c.kind === "add-route" || c.kind === "add-rule") && c.why ? [c.why] : [])))];
  // The firewall group deployments are worked out once for the plan, used by two forms and by the group-size note.
  const groups = groupDeployments(snapshot, plan.changes);
  for (const d of groups.values()) d.perFinding = true;
  // Said in every form: the az CLI adds the one collection, the declarations deploy the group, and Azure refuses both.
  const full = [...groups.values()].flatMap((d) => oversizedGroupNote(d) ?? []);
  const note = [sharedNote(snapshot, plan, new Set(forSubnet ? [forSubnet] : []), flowEnds), scopeNote, newNsgNote(plan), storageEndpointNote(plan.changes), keptEndpointsNote(snapshot, plan.changes), ...around, ...full].filter(Boolean).join(" ");
  const why = plan.changes.flatMap((c) => (c.kind === "update-rule" ? [c.why] : []));
  // The az commands are worked out once for the plan, used by two forms.
  const cmds = plan.changes.flatMap((c) => azCommands(snapshot, c));
  const bash = bashText(cmds);
  const ps = powerShellText(cmds);
  const bicep = renderBicep(snapshot, plan.changes, groups);
  const tf = renderTerraform(snapshot, plan.changes, new Set(), undefined, groups);
  const notes = [note, ...why].filter(Boolean).join(" ");
  return [
    { kind: "az-cli", text: notes ? `${bash}\n${comment("#", notes)}` : bash },
    { kind: "powershell", text: "text" in ps ? (notes ? `${ps.text}\n${comment("#", notes)}` : ps.text) : comment("#", `Not offered for PowerShell: ${ps.refused}.`) },
    { kind: "bicep", text: "text" in bicep ? (note ? `${comment("//", note)}\n${bicep.text}` : bicep.text) : comment("//", `Not offered as Bicep: ${bicep.refused}.`) },
    { kind: "terraform", text: "text" in tf ? (note ? `${comment("#", note)}\n${tf.text}` : tf.text) : comment("#", `Not offered as Terraform: ${tf.refused}.`) },
    { kind: "portal", text: `${plan.summary}${notes ? ` ${notes}` : ""}\n${plan.changes.map((c) => `- ${portalStep(snapshot, c)}`).join("\n")}` },
  ];
}
