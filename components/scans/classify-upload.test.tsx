// The upload form's idea of a file must be the server's: every profile shape the server parses is offered as a
// profile (the demo's `{ deployments }` profile was taken as a snapshot, dropped by the server, and the scan ran on
// the latest scan's roles), and a profile given as a snapshot is refused naming the file, not skipped.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "@/lib/errors";
import { loadSnapshot, parseProfile } from "@/lib/snapshot";
import { checkAs, classifyUpload, detectKind } from "./classify-upload";

const root = path.resolve(__dirname, "../..");
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(root, rel), "utf8")) as unknown;
const profileFiles = ["fixtures/demo/profile.json", "fixtures/demo/profile-return-proxy.json", "test/fixtures/seed/profile.json", "e2e/fixtures/estate/profile.json", "e2e/fixtures/bad/profile-unknown-subnet.json"];
const demoSnapshots = fs.readdirSync(path.join(root, "fixtures/demo")).filter((f) => f.endsWith(".json") && !f.startsWith("profile"));

// Every shape README "Inputs" gives a profile, each with what it names beside the roles.
const shapes: Record<string, unknown> = {
  roles: { roles: { cyclecloud: ["v/cc"], cluster: ["v/nodes"] } },
  "roles + server, proxy, storage account": { roles: { cyclecloud: ["v/cc"] }, cyclecloudServer: ["10.0.0.4"], proxy: { address: "10.0.5.4", port: 3128 }, storageAccount: "stlocker01" },
  deployments: { deployments: [{ name: "prod", cyclecloud: ["v/cc"], cluster: ["v/nodes"], cyclecloudServer: ["10.0.0.4"], proxy: { address: "10.0.5.4", port: 3128 }, storageAccount: "stlocker01" }, { name: "dev", cyclecloud: ["w/cc"] }] },
  "roles + deployments": { roles: { cyclecloud: ["v/cc"] }, deployments: [{ name: "dev", cyclecloud: ["w/cc"] }] },
  "server only": { cyclecloudServer: ["10.0.0.4"] },
};

function serverAsSnapshot(name: string, value: unknown): string | undefined {
  try {
    loadSnapshot([{ name, value }]);
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

describe("classifyUpload agrees with the server", () => {
  it.each([...profileFiles.map((f) => [f, read(f)] as const), ...Object.entries(shapes)])("%s is a profile, parsed as the server parses it", (name, value) => {
    const got = classifyUpload(name, value);
    expect(got.kind).toBe("profile");
    expect(() => parseProfile(name, value)).not.toThrow();
    expect(got.error).toBeUndefined();
    // Given as Azure resources instead, the server refuses it naming the file (it used to read nothing, silently).
    expect(serverAsSnapshot(name, value)).toMatch(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: this is a CycleCloud profile`));
    expect(checkAs("snapshot", name, value).error).toBe(serverAsSnapshot(name, value));
  });

  it("summarises the demo's deployments with what each names", () => {
    const { summary } = classifyUpload("profile.json", read("fixtures/demo/profile.json"));
    expect(summary).toBe("profile, 2 deployments · prod: 1 CycleCloud, 2 cluster subnets · dev: 1 CycleCloud, 1 cluster subnets; CycleCloud server");
    expect(classifyUpload("p.json", shapes["roles + server, proxy, storage account"]).summary).toBe("profile · roles: 1 CycleCloud, 0 cluster subnets; CycleCloud server, proxy, storage account");
  });

  it("gives a bad profile the server's own error line", () => {
    const typo = { deployments: [{ name: "prod", cyclecloud: ["v/cc"] }], storageAcount: "x" };
    expect(classifyUpload("p.json", typo)).toMatchObject({ kind: "profile", error: "p.json: storageAcount: not a known setting" });
    const beside = { deployments: [{ name: "prod" }], proxy: { address: "10.0.0.4", port: 3128 } };
    expect(classifyUpload("p.json", beside).error).toBe("p.json: proxy: stands beside `roles` only; with `deployments`, put it in the deployment");
  });

  it.each(demoSnapshots)("demo %s is Azure resources the server reads", (file) => {
    const value = read(`fixtures/demo/${file}`);
    const got = classifyUpload(file, value);
    expect(got.kind).toBe("snapshot");
    expect(got.error).toBeUndefined();
    expect(got.summary).toMatch(/^\d+ resources?$/);
  });

  it("takes the demo's files together as the server does", () => {
    const sources = demoSnapshots.map((f) => ({ name: f, value: read(`fixtures/demo/${f}`) }));
    expect(sources.every((s) => classifyUpload(s.name, s.value).kind === "snapshot")).toBe(true);
    expect(loadSnapshot(sources).subnets.size).toBeGreaterThan(0);
  });

  it("still opens a stored scan whose input took a profile as a snapshot before this was refused", () => {
    const sources = [...demoSnapshots.map((f) => ({ name: f, value: read(`fixtures/demo/${f}`) })), { name: "profile.json", value: read("fixtures/demo/profile.json") }];
    expect(() => loadSnapshot(sources)).toThrow(/^profile\.json: this is a CycleCloud profile \(deployments\)/);
    expect(loadSnapshot(sources, { stored: true }).subnets.size).toBe(loadSnapshot(sources.slice(0, -1)).subnets.size);
  });

  it("knows service tags, and the server refuses them as a snapshot", () => {
    const tags = { changeNumber: 1, cloud: "Public", values: [{ name: "Storage", id: "Storage", properties: { addressPrefixes: ["20.0.0.0/8"] } }] };
    expect(detectKind(tags)).toBe("serviceTags");
    expect(classifyUpload("tags.json", tags).summary).toBe("1 service tag");
    expect(checkAs("snapshot", "tags.json", tags).error).toMatch(/^tags\.json: this is a service tags file/);
    expect(serverAsSnapshot("tags.json", tags)).toMatch(/^tags\.json: this is a service tags file/);
  });

  it("says beside a file that holds no resource what the server will make of it: a list under another key is refused, a plain object read as nothing", () => {
    const got = classifyUpload("odd.json", { deployment: [{ name: "prod" }] });
    expect(got.kind).toBe("snapshot");
    expect(got.error).toMatch(/^odd\.json: expected Azure resources .*"deployment"/);
    expect(serverAsSnapshot("odd.json", { deployment: [{ name: "prod" }] })).toBe(got.error);
    const plain = classifyUpload("odd.json", { deployment: "prod" });
    expect(plain.notice).toMatch(/No Azure resource here.*keys deployment/);
  });
});

describe("a NIC's effective route table (README \"Routes learned over BGP\")", () => {
  const nic = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-cc";
  const rows = [
    { source: "Default", state: "Active", addressPrefix: ["10.0.0.0/16"], nextHopType: "VnetLocal", nextHopIpAddress: [] },
    { source: "VirtualNetworkGateway", state: "Active", addressPrefix: ["0.0.0.0/0"], nextHopType: "VirtualNetworkGateway", nextHopIpAddress: ["10.0.255.4"] },
  ];

  it("is summed up as the table it is, not as 'no Azure resource here'", () => {
    const got = classifyUpload("routes.json", { networkInterfaceId: nic, nextLink: null, value: rows });
    expect(got).toMatchObject({ kind: "snapshot", summary: "effective route table of NIC nic-cc, 2 routes (1 learned over BGP)" });
    expect(got.notice).toBeUndefined();
  });

  it("az's output without the NIC's id, or a bad row, gets the server's own error before upload", () => {
    const plain = { nextLink: null, value: rows };
    const got = checkAs("snapshot", "routes.json", plain);
    expect(got.error).toMatch(/^routes\.json: networkInterfaceId: missing: a NIC's effective route table without the NIC's id/);
    expect(() => loadSnapshot([{ name: "routes.json", value: plain }])).toThrow(/routes\.json: networkInterfaceId: missing: a NIC's effective route table without the NIC's id/);
    // Rows inside another list (a saved snapshot's resources) are named where they sit.
    expect(checkAs("snapshot", "saved.json", { resources: rows }).error).toMatch(/^saved\.json: resources\[0\]: a NIC's effective route table without the NIC's id/);
    expect(checkAs("snapshot", "routes.json", { networkInterfaceId: nic, value: [{ ...rows[0], addressPrefix: ["on-prem"] }] }).error).toMatch(/routes\.json: value\[0\]\.addressPrefix\[0\]: expected a CIDR/);
  });
});
