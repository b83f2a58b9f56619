import { describe, expect, it } from "vitest";
import { loadSnapshot, parseProfile, resolveRoles } from "@/lib/snapshot";
import { HUB, SPOKE, smallEstate } from "./small-estate";

const snapshot = loadSnapshot([{ name: "a.json", value: smallEstate }]);

describe("parseProfile", () => {
  it("defaults missing roles to empty lists and ignores settings it does not know", () => {
    expect(parseProfile("p.json", {})).toEqual({ roles: { cyclecloud: [], cluster: [], returnProxy: [] } });
    expect(parseProfile("p.json", { roles: { cluster: ["a/b"] }, other: true })).toEqual({
      roles: { cyclecloud: [], cluster: ["a/b"], returnProxy: [] },
    });
  });
});

describe("resolveRoles", () => {
  it("matches full ids and vnet/subnet refs case-insensitively", () => {
    const profile = parseProfile("p.json", {
      roles: {
        cyclecloud: [`${HUB}/subnets/cyclecloud`.toUpperCase()],
        cluster: ["Hub/Compute", " spoke/nodes "],
        returnProxy: [],
      },
    });
    expect(resolveRoles(snapshot, profile, "p.json")).toEqual(
      new Map([
        [`${HUB}/subnets/cyclecloud`.toLowerCase(), "cyclecloud"],
        [`${HUB}/subnets/compute`.toLowerCase(), "cluster"],
        [`${SPOKE}/subnets/nodes`.toLowerCase(), "cluster"],
      ]),
    );
  });

  it("lets a subnet be named twice in the same role", () => {
    const profile = parseProfile("p.json", { roles: { cluster: ["hub/compute", `${HUB}/subnets/compute`] } });
    expect([...resolveRoles(snapshot, profile, "p.json").values()]).toEqual(["cluster"]);
  });
});
