// A piece of a traffic class as the path decided it: the packets (a box), what became of them, and the
// element that decided at every stage they went through (CONTRACT §4.1).
import type { Box } from "../nsg/box";
import type { Decision } from "../nsg/evaluate";
import type { Evidence, PathStage } from "../report/types";

/**
 * `Allow`: delivered; `Deny`: dropped at some stage; `Unaudited`: handed to something the audit cannot see
 * into (an appliance or gateway outside the audit, an input that is missing), so neither pass nor fail.
 */
export type PieceAccess = "Allow" | "Deny" | "Unaudited";

export interface PathPiece {
  box: Box;
  access: PieceAccess;
  /** The deciding rule at each NSG level the piece met, in traversal order. */
  decisions: Decision[];
  /** What decided at the other stages (admin rule, route, firewall, outbound), in path order. */
  steps: Evidence[];
  /** The stage that dropped or handed the piece off. */
  decidedAt?: PathStage;
  /** Why the audit cannot follow the piece (`Unaudited`), or why it was dropped beyond an NSG, in words. */
  why?: string;
  /** The destination name the piece is about at a firewall (a seed FQDN). */
  fqdn?: string;
  /** Traffic to any name that a firewall lets through only for these names (an allow-list of domains). */
  allowedNames?: string[];
  /** Allowed for a broad, open-ended part of the Internet (a top-level-domain wildcard, web categories). */
  broad?: string;
  /** A rule on `VirtualNetwork` decided the piece only because a route widened the tag: the route and why, in words. */
  widenedBy?: string;
}

/**
 * Whether a piece is unaudited because the input lacks what decides it (a resource it names but does not hold,
 * addresses or domains no input shows), as opposed to handed to an appliance or gateway outside the audit. Every
 * stage words the first "cannot be judged: …" (lib/path/evaluate.ts and the stages it calls).
 */
export function cannotBeJudged(p: PathPiece): boolean {
  return p.access === "Unaudited" && (p.why?.startsWith("cannot be judged") ?? false);
}
