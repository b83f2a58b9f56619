// Address families in the NSG rules a fix creates or edits. Azure refuses a security rule whose address prefixes
// belong to both IPv4 and IPv6 (ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies: "All IP addresses or
// prefixes in the resource should belong to the same address family"); a dual-stack subnet or server therefore needs
// one rule per family. Service tags, `*` and application security groups name both families, and go into each rule.
// https://learn.microsoft.com/azure/virtual-network/ip-services/ipv6-overview (NSG rules are per address family)
// https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
import type { SecurityRule } from "../model/types";
import { parseCidr } from "../net/ip";
import { shown } from "./quote";
import type { Change } from "./types";

export type AddressFamily = 4 | 6;

/** The family of an address prefix (a CIDR or bare address); undefined for a tag, `*` or anything else. */
export function familyOf(prefix: string): AddressFamily | undefined {
  return parseCidr(prefix)?.family;
}

/** The families the literal addresses of `prefixes` belong to (tags and `*` name none). */
function familiesIn(prefixes: readonly string[]): Set<AddressFamily> {
  const out = new Set<AddressFamily>();
  for (const p of prefixes) {
    const f = familyOf(p);
    if (f) out.add(f);
  }
  return out;
}

export interface FamilySides {
  /** The family the sides' literal addresses belong to; undefined when they name none (tags and `*` only). */
  family?: AddressFamily;
  sources: string[];
  destinations: string[];
}

/**
 * A rule's two address sides as the rules Azure accepts: unchanged when their literal addresses (both sides together)
 * belong to one family or none; else one pair per family, IPv4 first, each holding that family's addresses and every
 * tag or `*` of the side. A family one side names no address of (and no tag or `*`) is left out: such a rule would
 * match nothing. So `[10.1.0.4/32, fd00::4/128] → [Internet]` gives two pairs, `[10.1.8.0/22, fd00:8::/64] →
 * [10.1.0.0/24, fd00::/64]` two pairs, and `[10.0.0.0/8] → [fd00::/64]` none.
 */
export function splitByFamily(sources: readonly string[], destinations: readonly string[]): FamilySides[] {
  const families = familiesIn([...sources, ...destinations]);
  if (families.size <= 1) return [{ family: [...families][0], sources: [...sources], destinations: [...destinations] }];
  const out: FamilySides[] = [];
  for (const family of [4, 6] as const) {
    const keep = (xs: readonly string[]) => xs.filter((x) => (familyOf(x) ?? family) === family);
    const s = keep(sources);
    const d = keep(destinations);
    if (s.length && d.length) out.push({ family, sources: s, destinations: d });
  }
  return out;
}

/** Why Azure would refuse `rule` for mixing address families, or undefined when it names one family or none. */
export function mixedFamilyProblem(rule: SecurityRule): string | undefined {
  const families = familiesIn([...rule.sourceAddressPrefixes, ...rule.destinationAddressPrefixes]);
  if (families.size <= 1) return undefined;
  return `the rule ${shown(rule.name)} names IPv4 and IPv6 addresses together, which Azure refuses (ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies)`;
}

/**
 * Why a plan cannot be applied because a rule it creates, or a rule as an edit leaves it (Azure validates the whole rule
 * on an update), mixes address families; undefined when none does. A rule the plan deletes is not judged.
 */
export function planFamilyProblem(changes: readonly Change[]): string | undefined {
  for (const c of changes) {
    const rules =
      c.kind === "add-rule" ? [c.rule]
      : c.kind === "attach-new-nsg" ? c.rules
      : c.kind === "update-rule" ? [c.after]
      : [];
    for (const r of rules) {
      const why = mixedFamilyProblem(r);
      if (why) return why;
    }
  }
  return undefined;
}
