// A route as the report's evidence of the route stage (CONTRACT §4.1 stage 3: the deciding element).
import type { RouteEvidence } from "../report/types";
import type { NextHop } from "./next-hop";
import type { EffectiveRoute } from "./routes";

/** A route as report evidence, with what its next hop turned out to be (a firewall's id, dropped, outside the audit). */
export function routeEvidence(route: EffectiveRoute, hop: NextHop): RouteEvidence {
  const where =
    hop.kind === "firewall" ? hop.firewall.id : hop.kind === "drop" ? `dropped: ${hop.why}` : hop.kind === "outside" ? `outside the audit: ${hop.what}` : hop.kind === "missing" ? `cannot be judged: ${hop.what}` : undefined;
  return {
    stage: "route",
    routeTable: route.routeTable?.id ?? null,
    route: route.name,
    addressPrefix: route.addressPrefix,
    nextHopType: route.nextHopType,
    ...(route.nextHopIpAddress ? { nextHopIpAddress: route.nextHopIpAddress } : {}),
    ...(where ? { nextHop: where } : {}),
    source: route.source,
  };
}
