import { describe, expect, it } from "vitest";
import { loadSnapshot, parseProfile, resolveRoles } from "@/lib/snapshot";
import { HUB, SPOKE, smallEstate } from "./small-estate";

const snapshot = loadSnapshot([{ name: "a.json", value: smallEstate }]);

describe("parseProfile", () => {
  it("reads `roles` alone as one deployment named default", () => {
    expect(parseProfile("p.json", {})).toEqual({ roles: { cyclecloud: [], cluster: [], returnProxy: [] } });
    expect(parseProfile("p.json", { roles: { cluster: ["a/b"] } })).toEqual({
      roles: { cyclecloud: [], cluster: ["a/b"], returnProxy: [] },
      deployments: [{ name: "default", roles: { cyclecloud: [], cluster: ["a/b"], returnProxy: [] }, cyclecloudServer: [] }],
    });
  });

  it("reads deployments with their server and proxy, and unites their roles", () => {
    const p = parseProfile("p.json", {
      deployments: [
        { name: "prod", cyclecloud: ["hub/cc"], cluster: ["spoke/hpc"], cyclecloudServer: ["10.0.0.4"], proxy: { address: "10.0.5.4", port: 3128 } },
        { name: "dev", cyclecloud: ["dev/cc"] },
      ],
    });
    expect(p.roles.cyclecloud).toEqual(["hub/cc", "dev/cc"]);
    expect(p.deployments![0]).toEqual({ name: "prod", roles: { cyclecloud: ["hub/cc"], cluster: ["spoke/hpc"], returnProxy: [] }, cyclecloudServer: ["10.0.0.4"], proxy: { address: "10.0.5.4", port: 3128 } });
  });

  it("refuses a key it does not know, anywhere, naming the path (a typo must not pass silently)", () => {
    expect(() => parseProfile("p.json", { roles: { cluster: ["a/b"] }, other: true })).toThrow(/^p\.json: other: /);
    expect(() => parseProfile("p.json", { deployments: [{ name: "x", clusters: [] }] })).toThrow(/^p\.json: deployments\[0\]\.clusters: /);
    expect(() => parseProfile("p.json", { roles: {}, proxy: { address: "10.0.0.1", port: 99999 } })).toThrow(/^p\.json: proxy\.port: /);
    expect(() => parseProfile("p.json", { deployments: [{ name: "x" }, { name: "X" }] })).toThrow(/deployments\[1\]\.name: deployment name "X" is used twice/);
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
