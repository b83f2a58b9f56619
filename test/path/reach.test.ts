// A way there and back between role subnets (lib/path/reach.ts): the receiving end's routes carry the replies, the
// firewall's own subnet carries what it forwards, and input the audit lacks is never claimed as a missing route.
import { describe, expect, it } from "vitest";
import { type RuleSpec, estate, finding } from "../helpers/estate-builder";
import { loadSnapshot } from "../../lib/snapshot";
import { audit, planAudit } from "../../lib/audit";
import { queryFlow } from "../../lib/path/query";
import { pathBetween } from "../../lib/path/reach";
import { Estate } from "../../lib/nsg/estate";

const FW_IP = "10.100.0.4";
const allowAll = [{ name: "rcg", priority: 200, collections: [{ name: "spokes", priority: 100, action: "Allow" as const, rules: [{ kind: "network" as const, name: "any", src: ["10.0.0.0/8"], dst: ["10.0.0.0/8"], ports: ["*"] }] }] }];
const roles = { cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1"] };

/** The hub with its Azure Firewall (a policy allowing 10.0.0.0/8 both ways) and the CycleCloud and cluster VNets, before their subnets. */
const hubAndSpokes = () =>
  estate()
    .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
    .firewall("fw", "hub", FW_IP, { policy: "fwp" }).policy("fwp", allowAll);

describe("a way there and back between role subnets", () => {
  it("the receiving end has no route back (only the sender has the UDR): Azure drops the SYN-ACK", () => {
    const r = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "n" }) // no route table: 10.2.0.0/16 hits the 10.0.0.0/8 None route
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet").peer("hub", "hpc")
      .routeTable("rt", [{ name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP }])
      .audit(roles);
    // Azure: the SYN reaches CycleCloud through the firewall, the SYN-ACK meets the 10.0.0.0/8 None route. Those
    // are the CycleCloud subnet's own routes: its check fails; the cluster's check says so without failing.
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("fail");
    expect(ingress.detail).toMatch(/replies have no way back: .*at ccvnet\/cc \(no route table\).*None/);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("pass");
    expect(egress.detail).toMatch(/The CycleCloud end's own routes have no way for this flow \(.*replies have no way back.*\), which CC-INGRESS-AMQP on ccvnet\/cc reports/);
  });

  it("the firewall's VNet is not peered with the destination spoke: the firewall cannot deliver", () => {
    const r = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("n").peer("hub", "hpc") // ccvnet is peered with nothing
      .routeTable("rt", [{ name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP }])
      .audit(roles);
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").status).not.toBe("pass");
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").detail).toMatch(/Azure Firewall fw has no way on from hub/);
  });

  it("VNets not in the input (subnets only): no missing route is claimed, the flow cannot be judged", () => {
    const b = estate().vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "n" }).subnet("hpc/c1", "10.2.1.0/24", { nsg: "n" })
      .nsg("n", [{ name: "in", priority: 100, direction: "Inbound", access: "Allow", src: "10.0.0.0/8", ports: "*" }, { name: "out", priority: 100, direction: "Outbound", access: "Allow", dst: "10.0.0.0/8", ports: "*" }]);
    const res = b.resources() as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
    // The same estate as `az network vnet subnet list` output: subnets as their own resources, VNets absent.
    const subnets = res.filter((x) => x.type === "Microsoft.Network/virtualNetworks").flatMap((v) => (v.properties.subnets ?? []).map((s) => ({ ...s, type: "Microsoft.Network/virtualNetworks/subnets" })));
    const rest = res.filter((x) => x.type !== "Microsoft.Network/virtualNetworks");
    const snap = loadSnapshot([{ name: "e.json", value: { value: [...subnets, ...rest] } }]);
    expect(snap.vnets.size).toBe(0);
    expect(snap.subnets.size).toBe(2);
    const rep = audit(snap, { roles: { cyclecloud: [...snap.subnets.values()].filter((s: { name: string }) => s.name === "cc").map((s: { id: string }) => s.id), cluster: [...snap.subnets.values()].filter((s: { name: string }) => s.name === "c1").map((s: { id: string }) => s.id), returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
    const f = finding(rep, "hpc/c1", "NODE-EGRESS-AMQP");
    // Without the VNets their space and peerings are unknown: "cannot be judged" (warn), never a claimed drop.
    expect(f.detail).not.toMatch(/no route/);
    expect(f.detail).toContain("cannot be judged");
    expect(f.status).toBe("warn");
  });

  it("the sending subnet's route table is not in the input: its routes cannot be judged", () => {
    const b = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet").peer("hub", "hpc"); // route table "rt" NOT exported
    const r = b.audit(roles);
    const f = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    // The path stage says "cannot be judged: route table rt ... is not in the input"; no missing route is claimed.
    expect(f.detail).not.toMatch(/no route/);
  });
});

describe("a VNet in the input without an address space (a trimmed export)", () => {
  it("gives each subnet its own prefix as its VnetLocal route, not the first subnet's", () => {
    const r = estate().vnet("v", []).subnet("v/a", "10.1.0.0/24").subnet("v/b", "10.1.1.0/24").audit({ cyclecloud: ["v/a"], cluster: ["v/b"] });
    const local = (n: string) => r.subnets.find((s) => s.name === n)!.effectiveRoutes?.filter((x) => x.nextHopType === "VnetLocal").map((x) => x.addressPrefix);
    expect(local("a")).toEqual(["10.1.0.0/24"]);
    expect(local("b")).toEqual(["10.1.1.0/24"]);
  });
});

describe("the flow query judges the way back as the audit does", () => {
  it("a flow the audit fails for want of a route back is blocked in the query too, saying why (the query judges the whole pair)", () => {
    const b = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet").peer("hub", "hpc")
      .routeTable("rt", [{ name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP }]);
    expect(finding(b.audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("fail");
    const answer = queryFlow(b.snapshot(), { from: "hpc/c1", to: "10.1.0.4", protocol: "tcp", port: "5672" });
    expect(answer.verdict).toBe("blocked");
    expect(answer.parts.join(" ")).toMatch(/no route — replies have no way back: .*at ccvnet\/cc \(no route table\), the system route for 10\.0\.0\.0\/8 drops it/);
    // The route that drops the replies is a route stage of the destination's side, as in the finding's evidence.
    expect(answer.stages).toContainEqual(expect.objectContaining({ stage: "route", side: "destination", addressPrefix: "10.0.0.0/8", nextHopType: "None", routeTable: null }));
  });
});

describe("whose routes decided (pathBetween's faults, not its text)", () => {
  const VIA_FW = { name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP };
  const UNRELATED = { name: "onprem", prefix: "192.168.0.0/16", hop: "None" };
  /** cluster hpc/c1 → CycleCloud ccvnet/cc, each with its own route table; spokes peered with the firewall's hub unless `hub` is false. */
  const pair = (opts: { cc: object[]; c1: object[]; hub?: boolean; fwPeeredWithCc?: boolean }) => {
    const b = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rtcc" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rtc1" })
      .routeTable("rtcc", opts.cc as never).routeTable("rtc1", opts.c1 as never);
    if (opts.hub !== false) {
      if (opts.fwPeeredWithCc !== false) b.peer("hub", "ccvnet");
      b.peer("hub", "hpc");
    }
    const snap = b.snapshot();
    const est = new Estate(snap, new Map());
    const sub = (name: string) => [...snap.subnets.values()].find((s) => s.name === name)!;
    return { reach: pathBetween(est, sub("c1"), sub("cc"), (s) => est.subnetPrefixes(s)), c1: sub("c1"), cc: sub("cc") };
  };

  it("both ends route through the hub's firewall: a way there and back, no fault", () => {
    expect(pair({ cc: [VIA_FW], c1: [VIA_FW] }).reach).toEqual({ reachable: true, via: [expect.objectContaining({ name: "fw" })] });
  });

  it("the sender's own routes: owner sender, the way there, naming its system route", () => {
    const { reach, c1 } = pair({ cc: [VIA_FW], c1: [UNRELATED] });
    expect(reach.reachable).toBe(false);
    if (reach.reachable) return;
    expect(reach.faults).toEqual([expect.objectContaining({ owner: "sender", way: "there", subnetKey: c1.key, hop: "drop", route: expect.objectContaining({ source: "Default", addressPrefix: "10.0.0.0/8", nextHopType: "None" }) })]);
  });

  it("the receiver's own routes: owner receiver, the way back, naming its user route", () => {
    const { reach, cc } = pair({ cc: [{ name: "to-internet", prefix: "10.2.0.0/16", hop: "Internet" }], c1: [VIA_FW] });
    if (reach.reachable) throw new Error("expected no way back");
    expect(reach.faults).toEqual([expect.objectContaining({ owner: "receiver", way: "back", subnetKey: cc.key, hop: "internet", route: expect.objectContaining({ source: "User", name: "to-internet", routeTableKey: cc.routeTableKey }) })]);
    expect(reach.why).toMatch(/^replies have no way back: /);
  });

  it("both ends lacking a way: both faults, each its own end's", () => {
    const { reach } = pair({ cc: [UNRELATED], c1: [UNRELATED] });
    if (reach.reachable) throw new Error("expected no way");
    expect(reach.faults.map((f) => [f.owner, f.way])).toEqual([["sender", "there"], ["receiver", "back"]]);
  });

  it("VNets with no peering and no hub between them: one shared fault (unpeered)", () => {
    const { reach } = pair({ cc: [UNRELATED], c1: [UNRELATED], hub: false });
    if (reach.reachable) throw new Error("expected no way");
    expect(reach.faults).toEqual([expect.objectContaining({ owner: "unpeered", way: "there" })]);
  });

  it("the firewall's own subnet has no way on: shared (owner firewall)", () => {
    const { reach } = pair({ cc: [VIA_FW], c1: [VIA_FW], fwPeeredWithCc: false });
    if (reach.reachable) throw new Error("expected no way");
    expect(reach.faults[0]).toMatchObject({ owner: "firewall", way: "there" });
    expect(reach.faults[0].why).toMatch(/^Azure Firewall fw has no way on from hub/);
  });
});

describe("a stateful firewall on one way only, and ways the audit cannot vouch for", () => {
  /** Hub with a firewall (and an appliance subnet), CycleCloud and cluster spokes peered with it; routes as given. */
  const spokes = (opts: { cc?: { prefix: string; hop: string; ip?: string }[]; hpc?: { prefix: string; hop: string; ip?: string }[]; fwRoutes?: { prefix: string; hop: string; ip?: string }[]; direct?: boolean; forwardingOffAt?: string }) => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", opts.fwRoutes ? { routeTable: "rt-fw" } : {}).subnet("hub/nva", "10.100.0.64/26")
      .vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt-cc", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt-hpc", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet", { forwardingOffAt: opts.forwardingOffAt }).peer("hub", "hpc")
      .routeTable("rt-cc", (opts.cc ?? []).map((r, i) => ({ name: `cc-${i}`, ...r })))
      .routeTable("rt-hpc", (opts.hpc ?? []).map((r, i) => ({ name: `hpc-${i}`, ...r })))
      .firewall("fw", "hub", FW_IP, { policy: "fwp" }).policy("fwp", allowAll);
    if (opts.direct) b.peer("ccvnet", "hpc");
    if (opts.fwRoutes) b.routeTable("rt-fw", opts.fwRoutes.map((r, i) => ({ name: `fw-${i}`, ...r })));
    return b;
  };
  const viaFw = (prefix: string) => ({ prefix, hop: "VirtualAppliance", ip: FW_IP });

  it("both ways through the firewall: open at both ends", () => {
    const r = spokes({ cc: [viaFw("10.2.0.0/16")], hpc: [viaFw("10.1.0.0/16")] }).audit(roles);
    expect(finding(r, "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("requests through the firewall, replies straight over a direct peering: both ends fail, naming both routes, and the fix makes the ways agree", () => {
    const r = spokes({ hpc: [viaFw("10.1.0.0/16")], direct: true }).audit(roles);
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("fail");
      expect(f.detail).toMatch(/asymmetric routing: hpc\/c1 sends through Azure Firewall fw \(route hpc-0 in rt-hpc\), and replies from ccvnet\/cc come back directly/);
      // The routes of both ways are the evidence of the route stage.
      expect(f.evidence.filter((e) => "stage" in e && e.stage === "route").map((e) => (e as { route: string }).route)).toEqual(expect.arrayContaining(["hpc-0"]));
      expect(f.fixes.map((x) => x.text).join("\n")).toMatch(/Make both ways agree: give ccvnet\/cc a route for hpc\/c1's prefixes to the same Azure Firewall/);
    }
    const ways = new Estate(loadSnapshot([{ name: "e.json", value: spokes({ hpc: [viaFw("10.1.0.0/16")], direct: true }).resources() }]), new Map());
    const reach = pathBetween(ways, ways.snapshot.subnets.get([...ways.snapshot.subnets.keys()].find((k) => k.endsWith("/hpc/subnets/c1"))!)!, ways.snapshot.subnets.get([...ways.snapshot.subnets.keys()].find((k) => k.endsWith("/ccvnet/subnets/cc"))!)!, (s) => ways.subnetPrefixes(s));
    expect(reach.reachable).toBe(false);
    expect(!reach.reachable && reach.faults.map((f) => f.owner)).toEqual(["asymmetric"]);
  });

  it("a None route overriding a direct peering: guidance to delete or narrow it, never a firewall route at one end (that would be asymmetric)", () => {
    const r = spokes({ cc: [{ prefix: "10.2.0.0/16", hop: "None" }], direct: true }).audit(roles);
    const f = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    const text = f.fixes.map((x) => x.text).join("\n");
    expect(text).toMatch(/overrides the peering between ccvnet and hpc .*delete or narrow it/);
    expect(text).not.toMatch(/az network route-table route create/);
    expect(f.evidence).toContainEqual(expect.objectContaining({ stage: "route", route: "cc-0", nextHopType: "None" }));
  });

  it("replies handed to an appliance outside the audit: the CycleCloud end cannot be judged (warn), the cluster end passes", () => {
    const r = spokes({ cc: [{ prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.70" }], hpc: [viaFw("10.1.0.0/16")] }).audit(roles);
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("warn");
    expect(ingress.detail).toMatch(/cannot be judged — replies: at ccvnet\/cc, the appliance at 10\.100\.0\.70/);
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("asymmetric routing names the route that carried the asymmetric part, not another route of the same way", () => {
    // The replies to hpc/c1's lower half meet cc-1 (None); the upper half takes cc-0 to the firewall, the asymmetry.
    const r = spokes({ cc: [viaFw("10.2.1.0/24"), { prefix: "10.2.1.0/25", hop: "None" }], direct: true }).audit(roles);
    const f = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toMatch(/replies from ccvnet\/cc come back through Azure Firewall fw \(route cc-0 in rt-cc\)/);
    expect(f.evidence).toContainEqual(expect.objectContaining({ stage: "route", route: "cc-0", nextHopType: "VirtualAppliance" }));
  });

  it("replies handed to an appliance outside the audit still count against the CycleCloud end when the cluster's own route drops the requests", () => {
    // The cluster end's None route is NODE-EGRESS's fault; CycleCloud's replies to an appliance are CC-INGRESS's own,
    // and hiding them behind the other end's fault made CC-INGRESS pass (it turned warn only once that was fixed).
    const r = spokes({ cc: [{ prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.70" }], hpc: [{ prefix: "10.1.0.0/16", hop: "None" }] }).audit(roles);
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("warn");
    expect(ingress.detail).toMatch(/cannot be judged — replies: at ccvnet\/cc, the appliance at 10\.100\.0\.70/);
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("fail");
  });

  it("requests handed to an appliance outside the audit: warn, and the detail never says \"allowed by\" with nothing after it", () => {
    const r = spokes({ cc: [viaFw("10.2.0.0/16")], hpc: [{ prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.70" }] }).audit(roles);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("warn");
    expect(egress.detail).toMatch(/the appliance at 10\.100\.0\.70/);
    expect(egress.detail).not.toMatch(/allowed by \./);
  });

  it("the firewall's own subnet routes the spokes back to the firewall: a loop, at both ends", () => {
    const r = spokes({ cc: [viaFw("10.2.0.0/16")], hpc: [viaFw("10.1.0.0/16")], fwRoutes: [viaFw("10.1.0.0/16"), viaFw("10.2.0.0/16")] }).audit(roles);
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("fail");
      expect(f.detail).toMatch(/sends it to Azure Firewall fw itself: a routing loop/);
      expect(f.fixes.map((x) => x.text).join("\n")).toMatch(/The Azure Firewall's own subnet has no way on .*change route fw-\d in rt-fw/);
    }
  });

  it('"allow forwarded traffic" off on a spoke\'s peering with the hub: what the firewall forwards there cannot be vouched for (warn at both ends, partial in the query)', () => {
    const b = spokes({ cc: [viaFw("10.2.0.0/16")], hpc: [viaFw("10.1.0.0/16")], forwardingOffAt: "ccvnet" });
    const r = b.audit(roles);
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toMatch(/peering ccvnet\/ccvnet-to-hub has "allow forwarded traffic" off/);
    }
    const snap = loadSnapshot([{ name: "e.json", value: b.resources() }]);
    const id = (suffix: string) => [...snap.subnets.values()].find((s) => s.key.endsWith(suffix))!.id;
    const answer = queryFlow(snap, { from: id("/hpc/subnets/c1"), to: id("/ccvnet/subnets/cc"), protocol: "tcp", port: "5672" });
    expect(answer.verdict).toBe("partial");
    expect(answer.parts.join(" ")).toMatch(/cannot be judged — .*allow forwarded traffic/);
  });
});

describe("chains of firewalls, partial asymmetry and next hops the input lacks", () => {
  const FW1 = "10.100.0.4";
  const FW2 = "10.110.0.4";
  /** Two regions (Microsoft's multi-hub design): each spoke routes to its own hub's firewall, each firewall subnet the other region to the other firewall. */
  const twoHubs = (opts: { secondFirewall?: boolean } = {}) => {
    const b = estate()
      .vnet("hub1", ["10.100.0.0/24"]).subnet("hub1/AzureFirewallSubnet", "10.100.0.0/26", { routeTable: "rt-fw1" })
      .vnet("hub2", ["10.110.0.0/24"]).subnet("hub2/AzureFirewallSubnet", "10.110.0.0/26", { routeTable: "rt-fw2" })
      .vnet("hpc", ["10.2.0.0/16"]).subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt-hpc", nsg: "n" })
      .vnet("ccvnet", ["10.1.0.0/16"]).subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt-cc", nsg: "n" })
      .nsg("n").peer("hub1", "hpc").peer("hub2", "ccvnet").peer("hub1", "hub2")
      .routeTable("rt-hpc", [{ name: "all", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: FW1 }, { name: "cc", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: FW1 }])
      .routeTable("rt-cc", [{ name: "all", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: FW2 }, { name: "hpc", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: FW2 }])
      .routeTable("rt-fw1", [{ name: "region2", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: FW2 }])
      .routeTable("rt-fw2", [{ name: "region1", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: FW1 }])
      .firewall("fw1", "hub1", FW1, { policy: "fwp" }).policy("fwp", allowAll);
    if (opts.secondFirewall !== false) b.firewall("fw2", "hub2", FW2, { policy: "fwp" });
    return b;
  };

  it("both ways through the same two firewalls (in either order) are symmetric: not a fail; the second firewall's rules are not judged, so warn", () => {
    const r = twoHubs().audit(roles);
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).not.toContain("asymmetric");
      expect(f.detail).toMatch(/Azure Firewall fw2 \(a second firewall on the way, not followed by this audit\)/);
    }
  });

  it("a firewall on the way that the input lacks: cannot be judged (warn), never a claim of asymmetry", () => {
    const r = twoHubs({ secondFirewall: false }).audit(roles);
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).not.toContain("asymmetric");
      expect(f.detail).toMatch(/an Azure Firewall at 10\.110\.0\.4 in hub2\/AzureFirewallSubnet is not in the input/);
    }
  });

  it("half of the receiver's prefix through the firewall, the other half straight over a direct peering: warn, naming the half that is asymmetric", () => {
    const r = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt-cc", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt-hpc", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet").peer("hub", "hpc").peer("ccvnet", "hpc")
      .routeTable("rt-hpc", [{ name: "cc-low", prefix: "10.1.0.0/25", hop: "VirtualAppliance", ip: FW_IP }])
      .routeTable("rt-cc", [{ name: "hpc", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: FW_IP }])
      .audit(roles);
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toMatch(/asymmetric routing for part of the traffic: hpc\/c1 sends to 10\.1\.0\.128\/25 directly, not through a firewall, and replies from ccvnet\/cc to 10\.2\.1\.0\/24 come back through Azure Firewall fw/);
    }
  });

  it("a way with no route at a subnet whose VNet uses a remote gateway: the finding says a learned route could change it", () => {
    const r = estate()
      .vnet("hub", ["10.100.0.0/24"]).subnet("hub/GatewaySubnet", "10.100.0.0/27")
      .vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "n" }).subnet("hpc/c1", "10.2.1.0/24", { nsg: "n" })
      .nsg("n").peer("hub", "ccvnet", { remoteGatewaysAt: "ccvnet" }).peer("hub", "hpc")
      .audit(roles);
    const f = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toMatch(/replies have no way back: at ccvnet\/cc \(no route table\).* Note: ccvnet has a gateway or Route Server \(through a peering that uses remote gateways\) and cc has no route table to disable BGP route propagation: a learned route/);
  });
});

describe("ways the audit can follow only part of", () => {
  const FW = FW_IP;
  const base = () =>
    estate()
      .vnet("hub", ["10.100.0.0/24", "fd00:100::/64"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", { routeTable: "rt-fw" })
      .vnet("ccvnet", ["10.1.0.0/16", "fd00:1::/48"]).vnet("hpc", ["10.2.0.0/16", "fd00:2::/48"])
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt-cc", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt-hpc", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet").peer("hub", "hpc").peer("ccvnet", "hpc")
      .firewall("fw", "hub", FW, { policy: "fwp" }).policy("fwp", allowAll);
  /** The builder's resources with some tables dropped and each role subnet given an IPv6 prefix too, audited. */
  const audited = (b: ReturnType<typeof base>, opts: { dropTables?: string[]; dualStack?: boolean | "cluster" }) => {
    const res = (b.resources() as { type: string; name: string; properties: { subnets?: { name: string; properties: Record<string, unknown> }[] } }[]).filter((x) => !(x.type === "Microsoft.Network/routeTables" && opts.dropTables?.includes(x.name)));
    if (opts.dualStack)
      for (const v of res) for (const s of v.properties.subnets ?? []) {
        const v6 = (opts.dualStack === "cluster" ? { c1: "fd00:2:0:1::/64" } : { cc: "fd00:1::/64", c1: "fd00:2:0:1::/64" })[s.name as "cc" | "c1"];
        if (v6) s.properties = { ...s.properties, addressPrefix: undefined, addressPrefixes: [s.properties.addressPrefix, v6] };
      }
    return audit(loadSnapshot([{ name: "e.json", value: { value: res } }]), { roles: { cyclecloud: roles.cyclecloud, cluster: roles.cluster, returnProxy: [] } });
  };

  it("requests through the firewall, replies over the direct peering, and the firewall's route table missing from the input: still asymmetric (the firewall saw the request), a fail", () => {
    const b = base().routeTable("rt-hpc", [{ name: "cc", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: FW }]).routeTable("rt-cc", []).routeTable("rt-fw", []);
    const r = audited(b, { dropTables: ["rt-fw"] });
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("fail");
      expect(f.detail).toMatch(/asymmetric routing: hpc\/c1 sends through Azure Firewall fw/);
    }
  });

  it("the receiver's route table missing from the input: its replies cannot be judged (warn at its end), the sender's end passes", () => {
    const b = base().routeTable("rt-hpc", [{ name: "cc", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: FW }]).routeTable("rt-cc", [{ name: "hpc", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: FW }]).routeTable("rt-fw", []);
    const r = audited(b, { dropTables: ["rt-cc"] });
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("warn");
    expect(ingress.detail).toMatch(/cannot be judged — replies: at ccvnet\/cc, route table rt-cc is not in the input/);
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("dual-stack: IPv4 through the firewall both ways and IPv6 directly both ways is symmetric in each family (no IPv4 request is answered over IPv6)", () => {
    const v4ViaFw = (prefix: string) => [{ name: "v4", prefix, hop: "VirtualAppliance", ip: FW }];
    const b = base().routeTable("rt-hpc", v4ViaFw("10.1.0.0/16")).routeTable("rt-cc", v4ViaFw("10.2.0.0/16")).routeTable("rt-fw", []);
    const r = audited(b, { dualStack: true });
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.detail, rule).not.toContain("asymmetric");
      expect(f.status, rule).toBe("pass");
    }
    // The same estate with IPv6 through the firewall on the way there only: asymmetric for IPv6, so part of the traffic.
    const half = audited(base().routeTable("rt-hpc", [...v4ViaFw("10.1.0.0/16"), { name: "v6", prefix: "fd00:1::/48", hop: "VirtualAppliance", ip: FW }]).routeTable("rt-cc", v4ViaFw("10.2.0.0/16")).routeTable("rt-fw", []), { dualStack: true });
    expect(finding(half, "ccvnet/cc", "CC-INGRESS-AMQP").detail).toMatch(/asymmetric routing for part of the traffic: hpc\/c1 sends to fd00:1::\/64 through Azure Firewall fw, and replies from ccvnet\/cc to fd00:2:0:1::\/64 come back directly/);
    expect(finding(half, "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("warn");
  });

  it("an IPv4-only CycleCloud subnet and a dual-stack cluster talk IPv4 only: no way is asked for the cluster's IPv6 prefix", () => {
    // CycleCloud's subnet has no IPv6 address, so its replies never go to the cluster's IPv6 prefix (whatever routes say).
    const b = base().routeTable("rt-hpc", []).routeTable("rt-cc", [{ name: "v6-none", prefix: "fd00:2::/48", hop: "None" }]).routeTable("rt-fw", []);
    const r = audited(b, { dualStack: "cluster" });
    for (const [subnet, rule] of [["ccvnet/cc", "CC-INGRESS-AMQP"], ["hpc/c1", "NODE-EGRESS-AMQP"]] as const) {
      const f = finding(r, subnet, rule);
      expect(f.detail, rule).not.toContain("fd00:2");
      expect(f.status, rule).toBe("pass");
    }
  });
});

describe("a firewall that SNATs what it forwards between role subnets", () => {
  // CycleCloud's NSG admits AMQP and HTTPS from the cluster's prefix only, then denies everything else.
  const ccNsg: RuleSpec[] = [
    { name: "from-cluster", priority: 100, direction: "Inbound", access: "Allow", src: "10.2.1.0/24", ports: ["5672", "9443"] },
    { name: "deny-rest", priority: 4000, direction: "Inbound", access: "Deny", src: "*", ports: "*" },
  ];
  const VIA_FW = { name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP };
  /** Both spokes route 10/8 through the hub's firewall; `snat`: the policy's SNAT private ranges; `direct`: the spokes are also peered with each other and CycleCloud replies by that peering. */
  const spokes = (opts: { snat?: string[]; ccNsg?: RuleSpec[]; direct?: boolean; routes?: { name: string; prefix: string; hop: string; ip?: string }[] }) => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
      .firewall("fw", "hub", FW_IP, { policy: "fwp" }).policy("fwp", allowAll, opts.snat ? { snatPrivateRanges: opts.snat } : {})
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "ncc", ...(opts.direct ? {} : { routeTable: "rt" }) })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("ncc", opts.ccNsg ?? ccNsg).nsg("n")
      .peer("hub", "ccvnet").peer("hub", "hpc");
    if (!opts.direct) return b.routeTable("rt", opts.routes ?? [VIA_FW]);
    // Peered directly too, the cluster still sends CycleCloud's /16 to the firewall (a user route beats the peering's
    // system route on an equal prefix) while CycleCloud, with no route table, replies over the peering.
    return b.peer("ccvnet", "hpc").routeTable("rt", [VIA_FW, { ...VIA_FW, name: "cc-via-fw", prefix: "10.1.0.0/16" }]);
  };

  it("by default (IANA private ranges) it does not SNAT spoke to spoke: CycleCloud's NSG sees the cluster", () => {
    expect(finding(spokes({}).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("always SNATing (255.255.255.255/32), it hands CycleCloud's NSG the firewall's instances, which that NSG denies", () => {
    // https://learn.microsoft.com/azure/firewall/snat-private-range: the packets arrive from AzureFirewallSubnet.
    const f = finding(spokes({ snat: ["255.255.255.255/32"] }).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("so ccvnet/cc sees as the client the firewall's instances in hub/AzureFirewallSubnet, 10.100.0.0/26");
    expect(f.detail).toMatch(/Inbound at ccvnet\/cc from the firewall's instances blocked: TCP port 5672 from 10\.100\.0\.0\/26: denied by deny-rest/);
    // Nothing reaches it from the cluster's own addresses, so the sentence about them is not given.
    expect(f.detail).not.toContain("Inbound at ccvnet/cc allowed by from-cluster");
    // Admitting the firewall's subnet opens it.
    const open = [{ ...ccNsg[0], name: "from-firewall", priority: 110, src: "10.100.0.0/26" }, ...ccNsg];
    expect(finding(spokes({ snat: ["255.255.255.255/32"], ccNsg: open }).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("offers the fix that admits the firewall's instances, and it verifies", () => {
    const f = finding(spokes({ snat: ["255.255.255.255/32"] }).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    const az = f.fixes.find((x) => x.kind === "az-cli");
    expect(az?.text).toContain("10.100.0.0/26");
  });

  it("replies go back to the SNATing firewall, so the cluster routing through it and CycleCloud replying directly is no asymmetry", () => {
    const allowBoth = [{ ...ccNsg[0], src: ["10.2.1.0/24", "10.100.0.0/26"] }, ccNsg[1]];
    // Without SNAT, the same routes are asymmetric: the firewall never sees the SYN-ACK.
    expect(finding(spokes({ direct: true, ccNsg: allowBoth }).audit(roles), "hpc/c1", "NODE-EGRESS-AMQP").detail).toContain("asymmetric routing");
    const r = spokes({ direct: true, ccNsg: allowBoth, snat: ["255.255.255.255/32"] }).audit(roles);
    expect(finding(r, "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
    expect(finding(r, "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("its AzureFirewallSubnet not in the input, an NSG admitting only its frontend IP cannot be judged, not a pass", () => {
    // The instances send from their own addresses in the subnet, which ARM does not show; the frontend is not one.
    const front = [{ ...ccNsg[0], name: "from-frontend", src: `${FW_IP}/32` }, ccNsg[1]];
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"])
      .vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
      .firewall("fw", "hub", FW_IP, { policy: "fwp" }).policy("fwp", allowAll, { snatPrivateRanges: ["255.255.255.255/32"] })
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "ncc", routeTable: "rt" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("ncc", front).nsg("n")
      .peer("hub", "ccvnet").peer("hub", "hpc")
      .routeTable("rt", [VIA_FW]);
    const f = finding(b.audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("hub's address space 10.100.0.0/24 (its AzureFirewallSubnet is not in the input)");
    expect(queryFlow(b.snapshot(), { from: "hpc/c1", to: "ccvnet/cc", protocol: "tcp", port: "5672" }).verdict).toBe("partial");
  });

  it("SNATing part of the receiver's prefix (private ranges cover the rest), the receiver may meet either source: warn", () => {
    // https://learn.microsoft.com/azure/firewall/snat-private-range: SNAT is decided per destination address.
    const f = finding(spokes({ snat: ["10.1.0.0/25"] }).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("warn");
    const onlyFirewall = [{ ...ccNsg[0], name: "from-firewall", src: "10.100.0.0/26" }, ccNsg[1]];
    expect(finding(spokes({ snat: ["10.1.0.0/25"], ccNsg: onlyFirewall }).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("warn");
  });

  it("an application rule SNATs whatever its ranges say: the receiver's replies go to the firewall's subnet", () => {
    const https = [{ name: "rcg", priority: 200, collections: [{ name: "web", priority: 100, action: "Allow" as const, rules: [{ kind: "application" as const, name: "to-cc", src: ["10.2.0.0/16"], fqdns: ["*"], ports: [9443] }] }] }];
    const build = (ccRoutes: { name: string; prefix: string; hop: string; ip?: string }[]) =>
      estate()
        .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
        .vnet("ccvnet", ["10.1.0.0/16"]).vnet("hpc", ["10.2.0.0/16"])
        .firewall("fw", "hub", FW_IP, { policy: "fwp" }).policy("fwp", https)
        .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "ncc", routeTable: "rtcc" })
        .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
        .nsg("ncc", [{ ...ccNsg[0], name: "from-firewall", src: "10.100.0.0/26" }, ccNsg[1]]).nsg("n")
        .peer("hub", "ccvnet").peer("hub", "hpc")
        .routeTable("rt", [VIA_FW]).routeTable("rtcc", ccRoutes as never);
    // CycleCloud has no route to the cluster (10/8 → None) but the peering's way to the firewall: it works in Azure.
    const noWayToCluster = build([]);
    expect(finding(noWayToCluster.audit(roles), "ccvnet/cc", "CC-INGRESS-HTTPS").status).toBe("pass");
    expect(queryFlow(noWayToCluster.snapshot(), { from: "hpc/c1", to: "ccvnet/cc", protocol: "tcp", port: "9443" }).verdict).toBe("allowed");
    // Its route for the firewall's subnet goes nowhere: the replies are lost.
    const noWayToFirewall = build([{ name: "fw-none", prefix: "10.100.0.0/26", hop: "None" }]);
    expect(finding(noWayToFirewall.audit(roles), "ccvnet/cc", "CC-INGRESS-HTTPS").status).toBe("fail");
    expect(queryFlow(noWayToFirewall.snapshot(), { from: "hpc/c1", to: "ccvnet/cc", protocol: "tcp", port: "9443" }).verdict).toBe("blocked");
  });

  it("stopped at the sender's own NSG, the receiver's end is still judged against the source it would meet", () => {
    // CC-INGRESS judges CycleCloud's end for the traffic as it would arrive once the cluster's end lets it out.
    const b = (cc: RuleSpec[]) => spokes({ snat: ["255.255.255.255/32"], ccNsg: cc }).nsg("n", [{ name: "deny-amqp", priority: 100, direction: "Outbound", access: "Deny", dst: "*", ports: "5672" }]);
    expect(finding(b(ccNsg).audit(roles), "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("fail");
    const onlyCluster = finding(b(ccNsg).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(onlyCluster.status).toBe("fail");
    expect(onlyCluster.detail).toContain("which would SNAT it once let through");
    const onlyFirewall = [{ ...ccNsg[0], name: "from-firewall", src: "10.100.0.0/26" }, ccNsg[1]];
    expect(finding(b(onlyFirewall).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("a route of the receiver that drops the replies to the SNATing firewall gets guidance naming that route", () => {
    // Both spokes' table also takes the firewall's subnet nowhere: only CycleCloud's replies go there.
    const report = spokes({ snat: ["255.255.255.255/32"], ccNsg: [{ ...ccNsg[0], src: "10.100.0.0/26" }, ccNsg[1]], routes: [VIA_FW, { name: "fw-none", prefix: "10.100.0.0/26", hop: "None" }] }).audit(roles);
    const f = finding(report, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.fixes.map((x) => x.text).join(" ")).toContain("Route fw-none in rt takes ccvnet/cc's replies to Azure Firewall fw, which SNATs this flow, nowhere (next hop None): change or delete it");
    expect(f.fixes.some((x) => x.kind === "az-cli")).toBe(false);
  });

  it("a receiver's check that read whom the firewall hands it is re-verified by a fix to the firewall's policy", () => {
    // Which rule lets the flow through (a network rule, an application rule) decides the source the receiver meets, so
    // the receiver's finding reads the policy, though its own flow never crosses the firewall.
    const { checked } = planAudit(spokes({ snat: ["255.255.255.255/32"] }).snapshot(), { roles: { ...roles, returnProxy: [] } });
    const ingress = checked.find((c) => c.rule.id === "CC-INGRESS-AMQP")!;
    expect([...ingress.outcome.touched].some((k) => k.endsWith("/firewallpolicies/fwp"))).toBe(true);
  });

  it("the flow query judges the receiver's NSG against the firewall's instances too", () => {
    const answer = queryFlow(spokes({ snat: ["255.255.255.255/32"] }).snapshot(), { from: "hpc/c1", to: "ccvnet/cc", protocol: "tcp", port: "5672" });
    expect(answer.verdict).toBe("blocked");
    expect(answer.parts.join(" ")).toContain("firewall's instances");
  });
});

describe("a route that takes part of the receiver's prefix nowhere", () => {
  it("is partly blocked, in the audit (warn) and in the query (partial), naming the part", () => {
    const b = hubAndSpokes()
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt-hpc", nsg: "n" })
      .nsg("n").peer("hub", "ccvnet").peer("hub", "hpc")
      .routeTable("rt", [{ name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP }])
      .routeTable("rt-hpc", [{ name: "via-fw", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP }, { name: "drop-half", prefix: "10.1.0.0/25", hop: "None" }]);
    expect(finding(b.audit(roles), "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("warn");
    const answer = queryFlow(b.snapshot(), { from: "hpc/c1", to: "ccvnet/cc", protocol: "tcp", port: "5672" });
    expect(answer.verdict).toBe("partial");
    expect(answer.parts.join(" ")).toContain("no route for part of it — at hpc/c1, route drop-half in rt-hpc drops it (next hop None), for 10.1.0.0/25");
    // The half that has a way is allowed.
    expect(queryFlow(b.snapshot(), { from: "hpc/c1", to: "10.1.0.200", protocol: "tcp", port: "5672" }).verdict).toBe("allowed");
  });
});
