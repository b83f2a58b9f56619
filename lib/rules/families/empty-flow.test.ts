// A flow that carries nothing is no pass: a service tag given with no prefixes, and two ends with no address family
// in common, each once made a blocked flow read "allowed by ." (a vacuous pass).
import { describe, expect, it } from "vitest";
import { estate, finding } from "../../../test/helpers/estate-builder";

const blockAll = [{ name: "BlockOutbound", priority: 4000, direction: "Outbound" as const, access: "Deny" as const, dst: ["Internet"] }];

describe("a flow that carries nothing", () => {
  it("a service tags file whose entry for the tag has no prefixes leaves the NSG's deny deciding", () => {
    const b = estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24", { nsg: "n" }).nsg("n", blockAll);
    b.serviceTags = { values: [{ name: "AzureActiveDirectory", properties: { addressPrefixes: [] } }, { name: "Storage", properties: { addressPrefixes: ["20.60.0.0/16"] } }] };
    const f = finding(b.audit({ cyclecloud: ["v/cc"] }), "v/cc", "CC-EGRESS-AAD");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("BlockOutbound");
  });

  it("an IPv6-only cluster subnet cannot reach an IPv4-only CycleCloud subnet", () => {
    const r = estate().vnet("v", ["10.0.0.0/16", "fd00:1::/48"]).subnet("v/cc", "10.0.0.0/24").subnet("v/c", "fd00:1:0:1::/64").audit({ cyclecloud: ["v/cc"], cluster: ["v/c"] });
    const f = finding(r, "v/c", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("no address family in common");
    // No rule, route or peering is offered for it: only an address of the other family would carry it.
    expect(f.fixes).toEqual([]);
    expect(f.noFixReason).toMatch(/^The two ends share no address family .*: give one of them an address of the other's family/);
  });
});
