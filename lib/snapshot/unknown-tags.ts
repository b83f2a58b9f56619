// Service tags named by rules that no rule in Azure could hold. ARM refuses a security rule (NSG or Virtual Network
// Manager admin rule) or an Azure Firewall network rule that names a service tag it does not know, so a tag the input's
// service tags lack is either newer than the service tags file or a typo in an export edited by hand. The engine
// judges such a tag as one of its own, disjoint from every other (lib/nsg/context.ts resolveServiceTag): a rule meant
// for `Storage` but spelled `Storgae` then matches nothing the checks ask about. The verdicts stay as they are; the
// report's notes name the rule and the tag, with the known tag it is likely meant to be.
// https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
import type { Snapshot } from "@/lib/model/types";
import { editDistance } from "@/lib/edit-distance";
import { SEED_TAGS } from "@/lib/path/fqdn";

/**
 * Tags every rule takes that ServiceTags_Public_*.json may not list: Azure's default tags, and the platform's own
 * (DNS, instance metadata, key management), which lib/path/platform-dns.ts judges by address.
 */
const BUILT_IN = ["VirtualNetwork", "Internet", "AzureLoadBalancer", "AzurePlatformDNS", "AzurePlatformIMDS", "AzurePlatformLKM"];
/** The tags the product knows without a service tags file: the CycleCloud page's, the built-in ones, AzureCloud. */
const KNOWN_WITHOUT_FILE = [...SEED_TAGS, ...BUILT_IN, "AzureCloud"];
/** A known tag this many edits away (or fewer) is offered as "did you mean". */
const NEAR = 2;
/** At most this many tags get a note, and this many rules are named per tag. */
export const MAX_TAG_NOTES = 20;
const MAX_RULES_PER_TAG = 5;

/** A service tag's shape (`Storage`, `Storage.WestEurope`, `AzureFrontDoor.Frontend`): no address, range or id has it. */
const TAG_SHAPE = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * A word of a rule's address list that names a service tag: not `*`, `Any`, an address, prefix or range, nor a network
 * group id. A regular expression alone, since one rule may list 160,000 prefixes.
 */
function tagWord(raw: string): string | undefined {
  // Most words are addresses: a digit (or `*`) first rules them out before any string is made.
  const first = raw.charCodeAt(0);
  if ((first >= 48 && first <= 57) || first === 42) return undefined;
  const t = raw.trim();
  return TAG_SHAPE.test(t) && t.toLowerCase() !== "any" ? t : undefined;
}

/** The candidate within NEAR edits of `name` (case-insensitive), the closest first; undefined when none is. */
function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = NEAR + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d > 0 && d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** How a tag the input's service tags lack is judged, and the known tag it may be meant as. */
interface Unknown {
  judged: string;
  near?: string;
}

/**
 * Whether `tag` is a tag the input's service tags (or, without them, the product) know; if not, how it is judged and
 * the likely intended tag. Without a service tags file only a name within NEAR edits of a known one is reported: any
 * other may be a real tag the product has no list of.
 */
function judge(snapshot: Snapshot, tag: string): Unknown | undefined {
  const lower = tag.toLowerCase();
  if (BUILT_IN.some((b) => b.toLowerCase() === lower)) return undefined;
  const dot = lower.indexOf(".");
  const base = dot > 0 ? lower.slice(0, dot) : lower;
  const tags = snapshot.serviceTags;
  if (tags?.size) {
    if (tags.has(lower)) return undefined;
    const names = [...BUILT_IN, ...[...tags.values()].map((t) => t.name)];
    if (dot > 0 && tags.has(base)) {
      // A region the file does not list is judged as its base tag: fine, unless the file lists other regions of it.
      const regions = names.filter((n) => n.toLowerCase().startsWith(`${base}.`));
      if (regions.length === 0) return undefined;
      // No "did you mean": region names are a few letters apart (WestUS, EastUS), so a near one is no sign of a typo.
      return { judged: `judged as all of ${tags.get(base)!.name}, whose prefixes the file gives` };
    }
    return { judged: "judged as a tag of its own, disjoint from every other", near: nearest(tag, names) };
  }
  const known = (b: string) => KNOWN_WITHOUT_FILE.some((k) => k.toLowerCase() === b);
  if (known(base)) return undefined;
  const nearBase = nearest(base, KNOWN_WITHOUT_FILE);
  if (!nearBase) return undefined;
  return { judged: "judged as a tag of its own, disjoint from every other", near: dot > 0 ? `${nearBase}${tag.slice(dot)}` : nearBase };
}

/**
 * Calls `visit` with every rule's address lists and its name in words (a thunk: built only when a tag of it is noted):
 * NSG rules, admin rules, firewall network rules. Plain loops, no object per rule: an estate may hold 250,000 rules.
 */
function eachRule(snapshot: Snapshot, visit: (rule: () => string, a: readonly string[], b: readonly string[]) => void): void {
  for (const nsg of snapshot.nsgs.values()) {
    for (const r of nsg.securityRules) visit(() => `NSG rule ${r.name} (${r.priority}) in ${nsg.name}`, r.sourceAddressPrefixes, r.destinationAddressPrefixes);
  }
  for (const r of snapshot.adminRules?.values() ?? []) visit(() => `admin rule ${r.name}`, r.sources, r.destinations);
  for (const group of snapshot.ruleCollectionGroups?.values() ?? []) {
    for (const c of group.ruleCollections) {
      for (const r of c.rules) if (r.kind === "network") visit(() => `firewall network rule ${r.name} (collection ${c.name}, rule collection group ${group.name})`, r.sourceAddresses, r.destinationAddresses);
    }
  }
  for (const fw of snapshot.firewalls?.values() ?? []) {
    for (const c of fw.networkRuleCollections) {
      for (const r of c.rules) if (r.kind === "network") visit(() => `firewall network rule ${r.name} (collection ${c.name}) of ${fw.name}`, r.sourceAddresses, r.destinationAddresses);
    }
  }
}

/**
 * One note per service tag a rule names that the input's service tags (`--service-tags`, a saved snapshot's
 * `serviceTags`) do not hold, or, without them, that lies within two edits of a tag the product knows (the CycleCloud
 * page's, `VirtualNetwork`, `Internet`, `AzureLoadBalancer`, `AzureCloud`): naming the tag, up to five rules naming it,
 * how it is judged and, when a known tag is within two edits, "did you mean". A regional tag (`Storage.EastUS`) whose
 * base the file holds is judged by the base's prefixes and noted only when the file lists other regions of that base.
 * At most MAX_TAG_NOTES tags are named; more are counted in one last note. Verdicts are not changed.
 */
export function unknownServiceTagNotes(snapshot: Snapshot): string[] {
  const byTag = new Map<string, { tag: string; rules: Set<string>; unknown: Unknown }>();
  const verdictOf = new Map<string, Unknown | undefined>();
  const note = (rule: () => string, list: readonly string[]) => {
    for (const raw of list) {
      const tag = tagWord(raw);
      if (!tag) continue;
      const lower = tag.toLowerCase();
      if (!verdictOf.has(lower)) verdictOf.set(lower, judge(snapshot, tag));
      const unknown = verdictOf.get(lower);
      if (!unknown) continue;
      let entry = byTag.get(lower);
      if (!entry) byTag.set(lower, (entry = { tag, rules: new Set(), unknown }));
      entry.rules.add(rule());
    }
  };
  eachRule(snapshot, (rule, a, b) => {
    note(rule, a);
    note(rule, b);
  });
  const given = (snapshot.serviceTags?.size ?? 0) > 0;
  const rest = byTag.size - MAX_TAG_NOTES;
  const more = rest > 0 ? [`${rest} more service tag${rest > 1 ? "s" : ""} named by rules ${rest > 1 ? "are" : "is"} unknown likewise${given ? " to the service tags given" : ""}.`] : [];
  const notes = [...byTag.values()].slice(0, MAX_TAG_NOTES).map(({ tag, rules: ruleSet, unknown }) => {
    const rules = [...ruleSet];
    const named = rules.slice(0, MAX_RULES_PER_TAG).join("; ") + (rules.length > MAX_RULES_PER_TAG ? `; and ${rules.length - MAX_RULES_PER_TAG} more` : "");
    const where = given
      ? "is not in the service tags given (or is listed there without prefixes)"
      : "is not a service tag this product knows without --service-tags";
    const cause = given ? "so either the service tags file does not hold every tag (an older file, or part of one) or the export was edited by hand" : "so it is likely a typo in an export edited by hand";
    const hint = given ? "" : " Give --service-tags ServiceTags_Public_*.json to check every tag name.";
    return `Service tag ${tag} (${named}) ${where}; Azure refuses a rule naming a tag it does not know, ${cause}. It is ${unknown.judged}${unknown.near ? `; did you mean ${unknown.near}?` : "."}${hint}`;
  });
  return [...notes, ...more];
}
