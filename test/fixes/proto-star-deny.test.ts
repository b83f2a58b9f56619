// A custom deny with protocol `*` in the way of a TCP requirement is not "unblocked" by narrowing its ports: that would
// open UDP and ICMP on those ports too, which the requirement does not need. The fix adds a TCP allow above the deny
// instead, so every other protocol stays denied, per finding and in --fix-all. Reviewer's repro: fixtures/proto-star-deny
// (DenyCcAnyProto `*` to the CycleCloud subnet, all ports; DenyStorageAnyProto `*` to Storage, 443 and 445).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit, planAudit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Change } from "../../lib/fixes/types";
import type { Snapshot } from "../../lib/model/types";
import { queryFlow } from "../../lib/path/query";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { estate, finding } from "../helpers/estate-builder";
import { applyAz } from "./apply-az";

const DIR = path.resolve(__dirname, "fixtures/proto-star-deny");
const load = () => ({
  snapshot: loadSnapshot([{ name: "snapshot.json", value: JSON.parse(readFileSync(path.join(DIR, "snapshot.json"), "utf8")) }]),
  profile: parseProfile("profile.json", JSON.parse(readFileSync(path.join(DIR, "profile.json"), "utf8"))),
});

/** Changes that open ports of a rule naming every protocol: a narrowed `*` deny, a `*` deny made an allow or deleted. */
const opensEveryProtocol = (changes: readonly Change[]) =>
  changes.filter(
    (c) =>
      (c.kind === "update-rule" && c.before.protocol === "*" && c.before.access === "Deny" && (c.after.access === "Allow" || c.after.destinationPortRanges.join() !== c.before.destinationPortRanges.join())) ||
      (c.kind === "delete-rule" && c.rule.protocol === "*" && c.rule.access === "Deny"),
  );

const flow = (snapshot: Snapshot, protocol: "tcp" | "udp", port: string, to = "10.1.0.4") => queryFlow(snapshot, { from: "vnet-spoke/snet-compute", to, protocol, port }).verdict;

describe("a deny of every protocol in the way of a TCP requirement (fixtures/proto-star-deny)", () => {
  it("each finding's fix adds a TCP allow above it and leaves UDP denied", () => {
    const { snapshot, profile } = load();
    const { checked, verified } = planAudit(snapshot, profile);
    for (const [rule, port] of [["NODE-EGRESS-AMQP", "5672"], ["NODE-EGRESS-HTTPS", "9443"]] as const) {
      const i = checked.findIndex((c) => c.rule.id === rule && c.subnet.name === "snet-compute");
      expect(checked[i].outcome.status, rule).toBe("fail");
      const plan = verified.plans[i][0];
      expect(plan, rule).toBeDefined();
      expect(opensEveryProtocol(plan.changes), rule).toEqual([]);
      const adds = plan.changes.flatMap((c) => (c.kind === "add-rule" ? [c.rule] : []));
      expect(adds.map((r) => [r.access, r.protocol, r.destinationPortRanges]), rule).toEqual([["Allow", "Tcp", [port]]]);
      const after = applyChanges(snapshot, plan.changes).snapshot;
      expect(flow(snapshot, "udp", port), `${rule} before`).toBe("blocked");
      expect(flow(after, "tcp", port), rule).toBe("allowed");
      expect(flow(after, "udp", port), rule).toBe("blocked");
    }
  });

  it("--fix-all opens no other protocol either, and makes the findings pass", () => {
    const { snapshot, profile } = load();
    const bundle = fixAll(snapshot, profile);
    expect(opensEveryProtocol(bundle.changes)).toEqual([]);
    expect(bundle.sh).not.toMatch(/rule update[^\n]*--name DenyCcAnyProto/);
    const after = applyChanges(snapshot, bundle.changes).snapshot;
    for (const port of ["5672", "9443"]) {
      expect(flow(after, "tcp", port), port).toBe("allowed");
      expect(flow(after, "udp", port), port).toBe("blocked");
    }
    // Storage on 443: allowed over TCP; UDP 443 to Storage (QUIC) stays denied as DenyStorageAnyProto had it.
    const storage = "Storage";
    expect(queryFlow(after, { from: "vnet-spoke/snet-compute", to: storage, protocol: "udp", port: "443" }).verdict).toBe("blocked");
    const report = audit(after, profile);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS", "NODE-EGRESS-STORAGE"]) expect(report.subnets.find((s) => s.name === "snet-compute")!.findings.find((f) => f.rule === rule)!.status, rule).toBe("pass");
  });

  it("a deny of the requirement's own protocol is still narrowed (the smaller change), pasted alone it passes", () => {
    const build = () =>
      estate()
        .vnet("spoke", ["10.1.0.0/16"])
        .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc" })
        .subnet("spoke/snet-compute", "10.1.8.0/22", { nsg: "nsg-compute" })
        .nsg("nsg-cc", [])
        .nsg("nsg-compute", [{ name: "DenyCcTcp", priority: 160, direction: "Outbound", access: "Deny", protocol: "Tcp", dst: "10.1.0.0/24" }]);
    const roles = { cyclecloud: ["spoke/snet-cc"], cluster: ["spoke/snet-compute"] };
    const f = finding(build().audit(roles), "spoke/snet-compute", "NODE-EGRESS-AMQP");
    const az = f.fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toMatch(/rule update[^]*--name DenyCcTcp[^]*--destination-port-ranges 0-5671 5673-65535/);
    const b = build();
    applyAz(b, az);
    expect(finding(b.audit(roles), "spoke/snet-compute", "NODE-EGRESS-AMQP").status).toBe("pass");
  });
});
