// Egress to the Internet outside the service tags the CycleCloud page requires (github.com, package mirrors, any
// tenant's endpoint in Azure: everything but Storage, Azure AD, Azure Monitor and ARM), along the whole path: admin
// rules, NSGs, the route (a default route to an appliance or to nowhere), a firewall's rules, the outbound path.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
// https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
import type { Subnet } from "../../model/types";
import type { Estate } from "../../nsg/estate";
import { type FlowResult, type FlowSpec, evaluateFlow } from "../../nsg/flow";
import type { PortSet } from "../../net/ports";
import type { ProtoSet } from "../../net/protocols";
import { ANY_NAME, type NameTarget, SEED_NAMES } from "../../path/fqdn";
import type { AppProtocol } from "../../path/firewall";
import { type PathPiece, cannotBeJudged } from "../../path/types";

/** Words for AddressContext.internetOutsideRequiredTags in a finding's detail. */
export const INTERNET_OUTSIDE_REQUIRED_TAGS = "Internet addresses outside the CycleCloud page's service tags";

export interface InternetEgress {
  result: FlowResult;
  spec: FlowSpec;
}

/**
 * Traffic to public addresses outside the CycleCloud page's service tags (AddressContext.internetOutsideRequiredTags:
 * `AzureCloud`, `AppService` and every other tag's addresses are in it), for any name (or the given names) at a
 * firewall. A name other than the page's may resolve anywhere there, in Azure too. `replies`:
 * judged as connections whose replies must come back (downloads, CC-GITHUB-STAGING and NODE-PACKAGES); the lockdown
 * asks what leaves at all, and a packet leaves whether or not a reply returns (FlowSpec `replies`).
 */
export function internetEgress(estate: Estate, subnet: Subnet, protocols: ProtoSet, ports: PortSet, names: NameTarget = ANY_NAME, replies = false, appProtocol?: AppProtocol): InternetEgress {
  const nameKey = names.kind === "any" ? "*" : names.names.join(",");
  const spec: FlowSpec = { direction: "Outbound", protocols, ports, remote: estate.context(subnet).internetOutsideRequiredTags, remoteLabel: INTERNET_OUTSIDE_REQUIRED_TAGS, key: `internet:${protocols}:${ports.join(",")}:${nameKey}${replies ? ":replies" : ""}${appProtocol ? `:${appProtocol}` : ""}`, names, ...(replies ? { replies: true as const } : {}), ...(appProtocol ? { appProtocol } : {}) };
  return { result: evaluateFlow(estate, subnet, spec), spec };
}

/** How the pieces of an Internet-egress flow ended, for the lockdown and advisory checks. */
export interface EgressSummary {
  /** Pieces that leave for any name. */
  leaves: PathPiece[];
  /** Pieces that leave for a broad, open-ended part (a TLD wildcard, web categories). */
  broad: PathPiece[];
  /** Pieces stopped at some stage (with or without an allow-list of names). */
  stopped: PathPiece[];
  /** Pieces handed to an appliance or gateway outside the audit. */
  handedOff: PathPiece[];
  /** Pieces the input cannot judge: what decides them is missing from it (see cannotBeJudged). */
  unjudged: PathPiece[];
  /** Names a firewall's application rules let through, beyond the seed page's. */
  extraNames: string[];
  /** Every name a firewall's application rules let through. */
  allowedNames: string[];
}

export function summarizeEgress(result: FlowResult): EgressSummary {
  const s: EgressSummary = { leaves: [], broad: [], stopped: [], handedOff: [], unjudged: [], extraNames: [], allowedNames: [] };
  const names = new Set<string>();
  for (const o of result.outcomes)
    for (const p of o.pieces) {
      if (cannotBeJudged(p)) s.unjudged.push(p);
      else if (p.access === "Unaudited") s.handedOff.push(p);
      else if (p.access === "Deny") s.stopped.push(p);
      else if (p.broad) s.broad.push(p);
      else s.leaves.push(p);
      for (const n of p.allowedNames ?? []) names.add(n);
    }
  s.allowedNames = [...names];
  s.extraNames = s.allowedNames.filter((n) => !SEED_NAMES.has(n.toLowerCase()));
  return s;
}

export const noTagPrefixesNote = (estate: Estate) =>
  estate.snapshot.serviceTags?.size
    ? ""
    : " Without service tag prefixes (--service-tags), every public address is taken to be outside the service tags.";
