// Smallest examples of places where the path engine (lib/path, lib/nsg) and CONTRACT §4.1 disagree,
// found by path.property.test.ts against the packet reference. Each test states what the contract
// says; path.property.test.ts skips exactly these cases (knownDivergence) until they are fixed.
import { describe, expect, it } from "vitest";
import { concrete } from "@/lib/net/addr-set";
import { parseCidr } from "@/lib/net/ip";
import { TCP } from "@/lib/net/protocols";
import { Estate } from "@/lib/nsg/estate";
import { evaluateFlow } from "@/lib/nsg/flow";
import { type EstateBuilder, estate } from "../helpers/estate-builder";
import { referencePacket } from "../reference/path";

/** One outbound TCP flow from a/work to one address; every piece the engine returns, with what decided it. */
function outbound(b: EstateBuilder, to: string, port: number) {
  const snapshot = b.snapshot();
  const subnet = [...snapshot.subnets.values()].find((s) => s.name === "work")!;
  const r = parseCidr(to)!;
  const result = evaluateFlow(new Estate(snapshot, new Map()), subnet, { direction: "Outbound", protocols: TCP, ports: [port, port], remote: concrete(r.v4, r.v6) });
  const pieces = result.outcomes.flatMap((o) => o.pieces).map((p) => ({ access: p.access, decidedAt: p.decidedAt }));
  const reference = referencePacket(snapshot, subnet.key, { protocol: "Tcp", srcIp: "10.0.1.4", srcPort: 50000, dstIp: to, dstPort: port });
  return { verdict: result.verdict, pieces, reference: { access: reference.access, stage: reference.stage } };
}

describe("path engine vs CONTRACT §4.1 (known divergences)", () => {
  // §4.1 stage 3, VirtualAppliance: "an address in no subnet of the VNet or of a connected peering cannot
  // be reached (dropped)". lib/path/next-hop.ts resolveNextHop looks the firewall up by IP before it checks
  // reachability, so a spoke whose peering to the hub is gone still reaches the hub firewall's policy.
  it("a route to the private IP of a firewall in a VNet that is not peered drops the traffic at the route", () => {
    const b = estate()
      .vnet("a", ["10.0.0.0/16"])
      .subnet("a/work", "10.0.1.0/24", { routeTable: "rt" })
      .vnet("b", ["10.100.0.0/16"])
      .subnet("b/AzureFirewallSubnet", "10.100.0.0/26")
      .routeTable("rt", [{ name: "to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
      .firewall("fw", "b", "10.100.0.4", { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "all", priority: 100, action: "Allow", rules: [{ kind: "network", name: "any", protocols: ["Any"], dst: ["*"], ports: ["*"] }] }] }]);
    const got = outbound(b, "8.8.8.8", 443);
    expect(got.reference).toEqual({ access: "Deny", stage: "route" });
    expect(got.pieces).toEqual([{ access: "Deny", decidedAt: "route" }]); // engine today: [{ access: "Allow" }] through the firewall
  });

  // §4.1 stage 4: "Without any method the subnet reaches no public address but the platform's
  // 168.63.129.16 and 169.254.169.254". lib/path/outbound.ts denies every address routed to the Internet.
  it("a private subnet without an outbound method still reaches the platform's 168.63.129.16", () => {
    const b = estate().vnet("a", ["10.0.0.0/16"]).subnet("a/work", "10.0.1.0/24", { defaultOutboundAccess: false });
    const got = outbound(b, "168.63.129.16", 80);
    expect(got.reference).toEqual({ access: "Allow", stage: "outbound" });
    expect(got.verdict).toBe("allowed"); // engine today: "blocked", decided at "outbound"
  });

  // §4.1 stage 2: "For an NSG evaluated at a subnet (or a NIC in it), VirtualNetwork also holds
  // 168.63.129.16 and the prefixes of the routes in that subnet's route table". lib/nsg/estate.ts context()
  // adds 168.63.129.16 only when the subnet has a route table.
  it("VirtualNetwork holds 168.63.129.16 in a subnet without a route table", () => {
    const b = estate()
      .vnet("a", ["10.0.0.0/16"])
      .subnet("a/work", "10.0.1.0/24", { nsg: "nsg-work" })
      .nsg("nsg-work", [{ name: "no-vnet", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "VirtualNetwork" }]);
    const got = outbound(b, "168.63.129.16", 80);
    expect(got.reference).toEqual({ access: "Deny", stage: "nsg" });
    expect(got.pieces).toEqual([{ access: "Deny", decidedAt: "nsg" }]); // engine today: allowed by default outbound access
  });
});
