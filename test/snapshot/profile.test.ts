import { describe, expect, it } from "vitest";
import { loadSnapshot, parseProfile, parseProfileText, resolveRoles } from "@/lib/snapshot";
import { firstDuplicateKey } from "@/lib/snapshot/duplicate-keys";
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

describe("profile file text", () => {
  it("refuses a key given twice (JSON.parse would keep the last silently), naming its path", () => {
    const twice = '{"roles":{"cyclecloud":["hub/cc"]},\n "roles":{"cluster":["spoke/hpc"]}}';
    expect(() => parseProfileText("p.json", twice)).toThrow(/^p\.json: roles: given twice$/);
    expect(() => parseProfileText("p.json", '{"deployments":[{"name":"a"},{"name":"b","cluster":[],"cluster":["x/y"]}]}')).toThrow(/^p\.json: deployments\[1\]\.cluster: given twice$/);
    // Keys compare as decoded: "\u0072oles" is "roles".
    expect(() => parseProfileText("p.json", '{"roles":{},"\\u0072oles":{}}')).toThrow(/^p\.json: roles: given twice$/);
    expect(() => parseProfileText("p.json", '\ufeff{"roles":{"cluster":["a/b"]}}')).not.toThrow();
  });

  it("reads strings holding quotes, escapes and key-like text as values, not keys", () => {
    expect(firstDuplicateKey('{"a":"\\"a\\":","b":["a","\\\\",{"a":1}],"c":{"a":{"a":2}}}')).toBeUndefined();
    expect(firstDuplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(firstDuplicateKey('[{"a":1},{"b":{"x":1,"x":2}}]')).toEqual([1, "b", "x"]);
  });

  it("says in one line that a snapshot or a service tags file is not a profile", () => {
    const nsgs = [{ id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n", type: "Microsoft.Network/networkSecurityGroups", properties: {} }];
    for (const value of [nsgs, { value: nsgs }, { data: nsgs }, { resources: nsgs }, nsgs[0]]) {
      expect(() => parseProfile("nsgs.json", value)).toThrow(/^nsgs\.json: this looks like a snapshot \(ARM resources\), not a profile; [^\n]*$/);
    }
    expect(() => parseProfile("tags.json", { values: [] })).toThrow(/^tags\.json: this looks like a service tags file/);
    // A profile with a stray key still names the key.
    expect(() => parseProfile("p.json", { roles: {}, value: [] })).toThrow(/^p\.json: value: not a known setting/);
  });
});

describe("parseProfile settings", () => {
  it("reads deployment names without surrounding spaces, so `prod` and `prod ` are one name given twice", () => {
    expect(() => parseProfile("p.json", { deployments: [{ name: "prod" }, { name: "prod " }] })).toThrow(/^p\.json: deployments\[1\]\.name: deployment name "prod " is used twice/);
    expect(parseProfile("p.json", { deployments: [{ name: " prod " }] }).deployments![0].name).toBe("prod");
  });

  it("refuses an IPv4 address with a leading zero in an octet (octal to some tools)", () => {
    expect(() => parseProfile("p.json", { roles: {}, proxy: { address: "10.10.2.04", port: 3128 } })).toThrow(/^p\.json: proxy\.address: expected an IP address without leading zeros/);
    expect(() => parseProfile("p.json", { deployments: [{ name: "a", proxy: { address: "010.10.2.4", port: 3128 } }] })).toThrow(/^p\.json: deployments\[0\]\.proxy\.address: /);
    expect(() => parseProfile("p.json", { roles: {}, cyclecloudServer: ["10.0.1.4", "10.0.1.05"] })).toThrow(/^p\.json: cyclecloudServer\[1\]: expected an IP address without leading zeros/);
    expect(() => parseProfile("p.json", { roles: {}, proxy: { address: "10.0.2.40", port: 3128 }, cyclecloudServer: ["10.0.1.0"] })).not.toThrow();
  });

  it("refuses a cyclecloudServer entry given twice, naming the second", () => {
    expect(() => parseProfile("p.json", { roles: {}, cyclecloudServer: ["10.0.1.4", " 10.0.1.4"] })).toThrow(/^p\.json: cyclecloudServer\[1\]: "10\.0\.1\.4" is given twice \(also cyclecloudServer\[0\]\)$/);
    expect(() => parseProfile("p.json", { deployments: [{ name: "a", cyclecloudServer: ["/X/nic", "/x/NIC"] }] })).toThrow(/^p\.json: deployments\[0\]\.cyclecloudServer\[1\]: /);
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
