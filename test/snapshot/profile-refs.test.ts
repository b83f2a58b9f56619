// Profile references checked against the estate (CONTRACT §1.2: a reference that matches nothing is an input error,
// never ignored): a CycleCloud server address no NIC holds, a storage account the input lacks, a proxy on the server.
import { describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import { loadSnapshot, parseProfile } from "@/lib/snapshot";
import type { Report } from "@/lib/report/types";

const NET = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Network";
const HUB = `${NET}/virtualNetworks/hub`;
const nicId = (name: string) => `${NET}/networkInterfaces/${name}`;

interface Opts {
  /** The NICs snet-cc's `ipConfigurations` name; undefined: the subnet lists none. */
  listed?: string[];
  /** The NICs the input holds (each in snet-cc at its address). */
  nics?: Record<string, string>;
  storageAccounts?: string[];
}

/**
 * hub/snet-cc (10.0.1.0/24, nsg-cc allowing AMQP and HTTPS in) and spoke/snet-hpc (10.1.1.0/24), peered; the NIC
 * nic-cc carries its own NSG, which denies AMQP and HTTPS in: judged from the subnet alone, CycleCloud's ingress passes.
 */
function estate(o: Opts) {
  const allowIn = (name: string, priority: number, port: string) => ({ name, properties: { priority, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: port } });
  const denyIn = { name: "DenyCc", properties: { priority: 100, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRanges: ["5672", "9443"] } };
  const nsg = (name: string, rules: unknown[]) => ({ name, id: `${NET}/networkSecurityGroups/${name}`, type: "Microsoft.Network/networkSecurityGroups", location: "westeurope", properties: { securityRules: rules } });
  const peering = (to: string) => ({ name: `to-${to}`, properties: { remoteVirtualNetwork: { id: `${NET}/virtualNetworks/${to}` }, allowVirtualNetworkAccess: true, peeringState: "Connected" } });
  return [
    {
      name: "hub",
      id: HUB,
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        virtualNetworkPeerings: [peering("spoke")],
        subnets: [
          {
            name: "snet-cc",
            id: `${HUB}/subnets/snet-cc`,
            properties: {
              addressPrefix: "10.0.1.0/24",
              networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-cc` },
              ...(o.listed ? { ipConfigurations: o.listed.map((n) => ({ id: `${nicId(n)}/ipConfigurations/ipconfig1` })) } : {}),
            },
          },
        ],
      },
    },
    {
      name: "spoke",
      id: `${NET}/virtualNetworks/spoke`,
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, virtualNetworkPeerings: [peering("hub")], subnets: [{ name: "snet-hpc", id: `${NET}/virtualNetworks/spoke/subnets/snet-hpc`, properties: { addressPrefix: "10.1.1.0/24" } }] },
    },
    nsg("nsg-cc", [allowIn("AllowAmqp", 200, "5672"), allowIn("AllowHttps", 201, "9443")]),
    nsg("nsg-nic-cc", [denyIn]),
    ...Object.entries(o.nics ?? {}).map(([name, ip]) => ({
      name,
      id: nicId(name),
      type: "Microsoft.Network/networkInterfaces",
      location: "westeurope",
      properties: {
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-nic-cc` },
        ipConfigurations: [{ name: "ipconfig1", properties: { privateIPAddress: ip, subnet: { id: `${HUB}/subnets/snet-cc` } } }],
      },
    })),
    ...(o.storageAccounts ?? []).map((name) => ({
      name,
      id: `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`,
      type: "Microsoft.Storage/storageAccounts",
      location: "westeurope",
      properties: { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow", virtualNetworkRules: [], ipRules: [] } },
    })),
  ];
}

const roles = { cyclecloud: ["hub/snet-cc"], cluster: ["spoke/snet-hpc"] };
const run = (o: Opts, profile: object): Report => audit(loadSnapshot([{ name: "estate.json", value: estate(o) }]), parseProfile("profile.json", profile), { profileName: "profile.json" });
const detail = (r: Report, rule: string) => r.subnets.find((s) => s.name === "snet-cc")!.findings.find((f) => f.rule === rule)!.detail;

describe("cyclecloudServer by address", () => {
  it("refuses an address no NIC of the subnet holds when the input shows every NIC of it", () => {
    const o = { listed: ["nic-cc", "nic-other"], nics: { "nic-cc": "10.0.1.4", "nic-other": "10.0.1.5" } };
    expect(() => run(o, { roles, cyclecloudServer: ["10.0.1.40"] })).toThrow(
      /^profile\.json: cyclecloudServer\[0\]: no NIC of hub\/snet-cc in the input holds 10\.0\.1\.40 \(it holds nic-cc 10\.0\.1\.4; nic-other 10\.0\.1\.5\)/,
    );
    expect(() => run(o, { deployments: [{ name: "prod", ...roles, cyclecloudServer: ["10.0.1.40"] }] })).toThrow(/^profile\.json: deployments\[0\]\.cyclecloudServer\[0\]: no NIC of hub\/snet-cc/);
    // The real server's address is judged by its NIC, whose NSG denies CycleCloud's ingress.
    expect(run(o, { roles, cyclecloudServer: ["10.0.1.4"] }).subnets.find((s) => s.name === "snet-cc")!.findings.find((f) => f.rule === "CC-INGRESS-AMQP")!.status).toBe("fail");
  });

  it("keeps judging from the subnet where the input cannot show the NIC, and says so in every check resting on the address", () => {
    // The subnet lists no ipConfigurations: which NICs it holds is unknown.
    const r = run({ nics: { "nic-cc": "10.0.1.4" } }, { roles, cyclecloudServer: ["10.0.1.40"] });
    for (const rule of ["CC-INGRESS-AMQP", "CC-INGRESS-HTTPS"]) {
      expect(detail(r, rule)).toMatch(/CycleCloud server 10\.0\.1\.40 \(cyclecloudServer\[0\]\) is judged from the subnet alone: hub\/snet-cc lists no ipConfigurations in the input/);
    }
    // The outbound path's own words say it already: once is enough.
    expect(detail(r, "CC-EGRESS-LOCKDOWN").match(/judged from the subnet alone/g)).toHaveLength(1);
    // A subnet fact does not rest on the address.
    expect(detail(r, "NET-NSG-ATTACHED")).not.toMatch(/judged from the subnet alone/);
    expect(r.deployments?.[0].serverNotes?.join(" ")).toMatch(/10\.0\.1\.40 \(cyclecloudServer\[0\]\) is judged from the subnet alone/);
    // No NIC read at all.
    expect(detail(run({}, { roles, cyclecloudServer: ["10.0.1.40"] }), "CC-INGRESS-AMQP")).toMatch(/judged from the subnet alone: no NIC is in the input/);
  });

  it("leaves an address that a NIC the input lacks may hold to that NIC's missing-input verdicts", () => {
    const r = run({ listed: ["nic-cc", "nic-gone"], nics: { "nic-cc": "10.0.1.4" } }, { roles, cyclecloudServer: ["10.0.1.40"] });
    expect(detail(r, "CC-INGRESS-AMQP")).toMatch(/cannot be judged: NIC nic-gone, which hub\/snet-cc names, is not in the input/);
  });
});

describe("storageAccount", () => {
  it("refuses an account the input lacks while it holds others, listing them", () => {
    expect(() => run({ storageAccounts: ["locker", "other1"] }, { roles, storageAccount: "lockr" })).toThrow(/^profile\.json: storageAccount: no storage account in the input is "lockr"; it holds locker, other1$/);
    expect(() => run({ storageAccounts: ["locker"] }, { deployments: [{ name: "a", ...roles, storageAccount: "lockr" }] })).toThrow(/^profile\.json: deployments\[0\]\.storageAccount: /);
    expect(() => run({ storageAccounts: ["locker"] }, { roles, storageAccount: "locker" })).not.toThrow();
  });

  it("keeps an account the input cannot show (it holds none), with a note saying its rules are not judged", () => {
    const r = run({}, { roles, storageAccount: "lockr" });
    expect(r.deployments?.[0].serverNotes?.join(" ")).toMatch(/Storage account lockr \(storageAccount\) is not in the input, which holds no storage account/);
  });
});

describe("proxy and deployments", () => {
  it("refuses a proxy at the CycleCloud server's own address", () => {
    const o = { listed: ["nic-cc", "nic-proxy"], nics: { "nic-cc": "10.0.1.4", "nic-proxy": "10.0.1.5" } };
    expect(() => run(o, { roles, cyclecloudServer: ["10.0.1.4"], proxy: { address: "10.0.1.4", port: 3128 } })).toThrow(/^profile\.json: proxy\.address: 10\.0\.1\.4 is the CycleCloud server's own address \(cyclecloudServer\[0\]\)/);
    expect(() => run(o, { roles, cyclecloudServer: [nicId("nic-cc")], proxy: { address: "10.0.1.4", port: 3128 } })).toThrow(/^profile\.json: proxy\.address: 10\.0\.1\.4 is the CycleCloud server's own address/);
    expect(() => run(o, { roles, cyclecloudServer: ["10.0.1.4"], proxy: { address: "10.0.1.5", port: 3128 } })).not.toThrow();
  });

  it("says that top-level roles beside `deployments` form deployment default", () => {
    const r = run({}, { roles: { cyclecloud: ["hub/snet-cc"] }, deployments: [{ name: "a", cluster: ["spoke/snet-hpc"] }] });
    expect(r.deployments?.find((d) => d.name === "default")?.serverNotes?.join(" ")).toMatch(/top-level `roles` form deployment default, beside deployment a under `deployments`/);
  });
});

describe("a scan stored before these checks (review: its re-audit, role edits and fix bundle must still work)", () => {
  const stored = (o: Opts, profile: object): Report => audit(loadSnapshot([{ name: "estate.json", value: estate(o) }], { stored: true }), parseProfile("profile.json", profile), { profileName: "profile.json" });
  const o = { listed: ["nic-cc", "nic-other"], nics: { "nic-cc": "10.0.1.4", "nic-other": "10.0.1.5" }, storageAccounts: ["locker"] };

  it("re-audits a server address no NIC holds and an unknown storage account, saying so, where a new read refuses them", () => {
    const profile = { roles, cyclecloudServer: ["10.0.1.40"], storageAccount: "lockr" };
    expect(() => run(o, profile)).toThrow(/no NIC of hub\/snet-cc in the input holds 10\.0\.1\.40/);
    const r = stored(o, profile);
    expect(detail(r, "CC-INGRESS-AMQP")).toMatch(/CycleCloud server 10\.0\.1\.40 \(cyclecloudServer\[0\]\) is judged from the subnet alone: no NIC of hub\/snet-cc in the input holds it/);
    expect(JSON.stringify(r.deployments)).toContain("Storage account lockr (storageAccount) is not in the input");
  });

  it("an upload taking its roles from the latest scan leaves out what the new input cannot place, and lists it", async () => {
    const { matchingProfile } = await import("@/app/api/_lib/scan-input");
    const m = matchingProfile([{ name: "estate.json", value: estate(o) }], undefined, "profile.json", { roles, cyclecloudServer: ["10.0.1.40", "10.0.1.4"], storageAccount: "lockr" });
    expect(m.missing).toEqual(expect.arrayContaining(["cyclecloudServer 10.0.1.40", "storageAccount lockr"]));
    expect(m.value).toMatchObject({ cyclecloudServer: ["10.0.1.4"] });
    expect(m.value).not.toHaveProperty("storageAccount");
  });
});

describe("a storage account the input lacks, beside accounts it holds (review: multi-subscription reads)", () => {
  it("is refused only where it would be in the input: a near name (a typo) or an id in a subscription whose accounts were read; otherwise a note", () => {
    expect(() => run({ storageAccounts: ["locker"] }, { roles, storageAccount: "lockr" })).toThrow(/no storage account in the input is "lockr"/);
    const far = run({ storageAccounts: ["spokedata"] }, { roles, storageAccount: "hublocker01" });
    expect(JSON.stringify(far.deployments)).toContain("Storage account hublocker01 (storageAccount) is not in the input, which holds only accounts of other subscriptions or names");
    const otherSub = "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/locker";
    expect(() => run({ storageAccounts: ["locker"] }, { roles, storageAccount: otherSub })).not.toThrow();
    const sameSub = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/zzz";
    expect(() => run({ storageAccounts: ["locker"] }, { roles, storageAccount: sameSub })).toThrow(/no storage account in the input is/);
  });
});
