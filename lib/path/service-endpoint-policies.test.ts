// Service endpoint policies: with one on a subnet, its Storage service endpoint reaches only the accounts the policy
// lists, so the storage checks and the flow query judge CycleCloud's account (profile `storageAccount`) against it.
// https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { loadSnapshot, parseProfile } from "../snapshot";
import { storedProfileAsInput } from "../snapshot/profile";
import { InputError } from "../errors";
import { queryFlow } from "./query";

const SUB = "00000000-0000-4000-8000-000000000042";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-hpc`;
const NET = `${RG}/providers/Microsoft.Network`;
const account = (name: string, rg = RG) => `${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;

/** The reviewer's estate: a Storage service endpoint, a policy on it, the default route to None, an NSG allowing Storage. */
function resources(opts: { policy?: "none" | "listed" | "absent"; resources?: unknown[]; flat?: boolean } = {}): unknown[] {
  const withPolicy = opts.policy !== "none";
  const subnet = {
    id: `${NET}/virtualNetworks/vnet-spoke/subnets/snet-cc`,
    name: "snet-cc",
    properties: {
      addressPrefix: "10.1.0.0/24",
      networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-cc` },
      routeTable: { id: `${NET}/routeTables/rt-cc` },
      serviceEndpoints: [{ service: "Microsoft.Storage", locations: ["*"], provisioningState: "Succeeded" }],
      ...(withPolicy ? { serviceEndpointPolicies: [{ id: `${NET}/serviceEndpointPolicies/sep-cc` }] } : {}),
    },
  };
  const out: unknown[] = [
    { id: `${NET}/virtualNetworks/vnet-spoke`, name: "vnet-spoke", type: "Microsoft.Network/virtualNetworks", location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, subnets: [subnet] } },
    {
      id: `${NET}/networkSecurityGroups/nsg-cc`,
      name: "nsg-cc",
      type: "Microsoft.Network/networkSecurityGroups",
      properties: { securityRules: [{ name: "AllowAzureStorage", properties: { protocol: "Tcp", sourcePortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "Storage", destinationPortRange: "443", access: "Allow", priority: 100, direction: "Outbound" } }] },
    },
    { id: `${NET}/routeTables/rt-cc`, name: "rt-cc", type: "Microsoft.Network/routeTables", properties: { routes: [{ name: "drop-default", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "None" } }] } },
  ];
  if (opts.policy !== "absent" && withPolicy) {
    const definition = { service: "Microsoft.Storage", serviceResources: opts.resources ?? [account("someotheraccount")] };
    out.push(
      opts.flat
        ? { id: `${NET}/serviceEndpointPolicies/sep-cc`, name: "sep-cc", type: "Microsoft.Network/serviceEndpointPolicies", resourceGroup: "rg-hpc", serviceEndpointPolicyDefinitions: [{ name: "only-listed", ...definition }] }
        : { id: `${NET}/serviceEndpointPolicies/sep-cc`, name: "sep-cc", type: "Microsoft.Network/serviceEndpointPolicies", properties: { serviceEndpointPolicyDefinitions: [{ name: "only-listed", properties: definition }] } },
    );
  }
  return out;
}

const load = (opts?: Parameters<typeof resources>[0]) => loadSnapshot([{ name: "snapshot.json", value: resources(opts) }]);
const profile = (storageAccount?: string) => parseProfile("profile.json", { roles: { cyclecloud: ["vnet-spoke/snet-cc"] }, ...(storageAccount ? { storageAccount } : {}) });

function findings(opts: Parameters<typeof resources>[0], storageAccount?: string) {
  const report = audit(load(opts), profile(storageAccount));
  const all = report.subnets.find((s) => s.name === "snet-cc")!.findings;
  return { egress: all.find((f) => f.rule === "CC-EGRESS-STORAGE")!, se: all.find((f) => f.rule === "CC-SE-STORAGE")!, report };
}

describe("service endpoint policies: the loader", () => {
  it("reads the policy in both forms, with its definitions, and no longer lists the type as ignored", () => {
    for (const flat of [false, true]) {
      const snapshot = load({ flat });
      const policy = snapshot.serviceEndpointPolicies?.get(`${NET}/serviceEndpointPolicies/sep-cc`.toLowerCase());
      expect(policy?.definitions).toEqual([{ name: "only-listed", service: "Microsoft.Storage", serviceResources: [account("someotheraccount")] }]);
      expect([...(snapshot.gaps?.ignoredTypes.keys() ?? [])]).not.toContain("Microsoft.Network/serviceEndpointPolicies");
    }
  });

  it("lists a subnet's policy the input lacks as an unresolved reference, with the listing that supplies it", () => {
    const snapshot = load({ policy: "absent" });
    expect(snapshot.gaps?.unresolved).toContainEqual(expect.objectContaining({ kind: "serviceEndpointPolicy", hint: "add `az network service-endpoint policy list`" }));
  });

  it("rejects a service resource that is not a resource id, naming the file and JSON path", () => {
    expect(() => load({ resources: [42] })).toThrow(InputError);
    expect(() => load({ resources: ["someotheraccount"] })).toThrow(/snapshot\.json: \[3\]\.properties\.serviceEndpointPolicyDefinitions\[0\]\.properties\.serviceResources\[0\]: expected a resource id/);
  });

  it("rejects a profile storageAccount that is neither an account id nor an account name", () => {
    expect(() => profile("Not_An_Account")).toThrow(/profile\.json: storageAccount: expected a storage account id/);
    expect(() => parseProfile("profile.json", { deployments: [{ name: "d", cyclecloud: [] }], storageAccount: "cclocker" })).toThrow(/storageAccount: stands beside `roles` only/);
  });

  it("keeps the profile's storageAccount, top-level and per deployment, through the stored form", () => {
    const p = parseProfile("profile.json", { roles: { cyclecloud: ["vnet-spoke/snet-cc"] }, storageAccount: "cclocker", deployments: [{ name: "dev", cyclecloud: [], storageAccount: account("devlocker") }] });
    expect(p.deployments?.map((d) => d.storageAccount)).toEqual(["cclocker", account("devlocker")]);
    expect(parseProfile("again.json", storedProfileAsInput(p))).toEqual(p);
  });
});

describe("service endpoint policies: CC-EGRESS-STORAGE and CC-SE-STORAGE", () => {
  it("without a policy the service endpoint carries Storage (as before)", () => {
    const { egress, se } = findings({ policy: "none" });
    expect(egress.status).toBe("pass");
    expect(se.status).toBe("pass");
  });

  it("does not pass when the profile does not say which account CycleCloud uses: cannot be judged, naming the policy and the input", () => {
    const { egress, se } = findings({});
    expect(egress.status).toBe("warn");
    expect(egress.detail).toMatch(/cannot be judged: service endpoint policy sep-cc .*storageAccount/);
    expect(se.status).toBe("warn");
    expect(se.detail).toMatch(/cannot be judged: service endpoint policy sep-cc .*storageAccount/);
  });

  it("denies CycleCloud's account outside the policy's scope, naming the policy in the route's evidence", () => {
    const { egress, se } = findings({}, account("cclocker"));
    expect(egress.status).toBe("fail");
    expect(egress.evidence).toContainEqual(expect.objectContaining({ stage: "route", nextHopType: "VirtualNetworkServiceEndpoint", nextHop: expect.stringMatching(/dropped: service endpoint policy sep-cc .*not CycleCloud's storage account cclocker/) }));
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("not CycleCloud's storage account cclocker");
  });

  it("passes as before when the account is in scope: by account id, by name, or through its resource group", () => {
    expect(findings({}, "someotheraccount").egress.status).toBe("pass");
    expect(findings({ resources: [account("x"), RG] }, account("cclocker")).egress.status).toBe("pass");
    const { egress, se } = findings({}, account("someotheraccount"));
    expect(egress.status).toBe("pass");
    expect(se).toMatchObject({ status: "pass", detail: expect.stringContaining("sep-cc") });
  });

  it("cannot place an account given by name alone in a resource group or subscription scope", () => {
    expect(findings({ resources: [`/subscriptions/${SUB}`] }, "cclocker").egress.status).toBe("warn");
    expect(findings({ resources: [`/subscriptions/${SUB}`] }, account("cclocker")).egress.status).toBe("pass");
    expect(findings({ resources: [`/subscriptions/99999999-0000-4000-8000-000000000000`] }, account("cclocker")).egress.status).toBe("fail");
  });

  it("a policy the input lacks leaves the flow unjudged even when the account is named", () => {
    const { egress } = findings({ policy: "absent" }, account("cclocker"));
    expect(egress.status).toBe("warn");
    expect(egress.detail).toContain("az network service-endpoint policy list");
  });
});

describe("service endpoint policies: the flow query", () => {
  it("does not answer allowed for Storage through a policed service endpoint: an unaudited part and a note naming the policy", () => {
    const q = queryFlow(load({}), { from: "vnet-spoke/snet-cc", to: "Storage", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("partial");
    expect(q.parts[0]).toMatch(/cannot be judged: service endpoint policy sep-cc/);
    expect(q.notes.some((n) => n.includes("sep-cc") && n.includes("someotheraccount"))).toBe(true);
  });

  // The query names the account in --to: its id in the input (an account resource, or a private endpoint's connection)
  // places it in or out of a resource group or subscription scope, as the audit places the profile's account.
  const RG_OTHER = `/subscriptions/${SUB}/resourceGroups/rg-other`;
  const accountResource = { id: account("ccstore1"), name: "ccstore1", type: "Microsoft.Storage/storageAccounts", location: "westeurope", kind: "StorageV2", properties: { networkAcls: { defaultAction: "Allow" } } };
  // A connection to the account from an endpoint the input shows no address for: it names the account's id, nothing more.
  const endpointToAccount = { id: `${NET}/privateEndpoints/pe-st`, name: "pe-st", type: "Microsoft.Network/privateEndpoints", properties: { provisioningState: "Succeeded", privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: account("ccstore1"), groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }] } };
  const withExtra = (opts: Parameters<typeof resources>[0], ...extra: unknown[]) => loadSnapshot([{ name: "snapshot.json", value: [...resources(opts), ...extra] }]);
  const toAccount = (snapshot: ReturnType<typeof load>, to = "ccstore1.blob.core.windows.net") => queryFlow(snapshot, { from: "vnet-spoke/snet-cc", to, protocol: "tcp", port: "443" });

  it("judges a storage account named in --to by its id in the input against a resource group scope, agreeing with the audit", () => {
    for (const extra of [accountResource, endpointToAccount]) {
      const out = toAccount(withExtra({ resources: [RG_OTHER] }, extra));
      expect(out.verdict).toBe("blocked");
      expect(out.parts[0]).toMatch(/service endpoint policy sep-cc .*reach only rg-other, not storage account ccstore1: traffic to it over the service endpoint is denied/);
      expect(out.parts[0]).not.toContain("which storage account CycleCloud uses");
      expect(audit(withExtra({ resources: [RG_OTHER] }, extra), profile("ccstore1")).subnets.find((s) => s.name === "snet-cc")!.findings.find((f) => f.rule === "CC-EGRESS-STORAGE")!.status).toBe("fail");
      // The scope as written in capitals (ids compare case-insensitively), and a secondary endpoint's name.
      for (const to of ["ccstore1.blob.core.windows.net", "ccstore1-secondary.blob.core.windows.net"]) {
        const inScope = toAccount(withExtra({ resources: [RG.toUpperCase()] }, extra), to);
        expect(inScope.verdict).toBe("allowed");
        expect(inScope.notes.some((n) => /sep-cc on vnet-spoke\/snet-cc admits storage account ccstore1/.test(n))).toBe(true);
      }
    }
  });

  it("matches a named account against the account ids a policy lists even when the input lacks the account", () => {
    expect(toAccount(load({ resources: [account("ccstore1")] })).verdict).toBe("allowed");
    const out = toAccount(load({ resources: [account("someotheraccount")] }));
    expect(out.verdict).toBe("blocked");
    expect(out.parts[0]).toContain("not storage account ccstore1");
  });

  it("cannot place a named account the input lacks in a resource group scope, and says the account's id is what is missing", () => {
    const out = toAccount(load({ resources: [RG] }));
    expect(out.verdict).toBe("partial");
    expect(out.parts[0]).toMatch(/cannot be judged: .*storage account ccstore1's resource id is not in the input.*az storage account list/);
    expect(out.parts[0]).not.toContain("which storage account CycleCloud uses");
    // The service tag names no account: as before.
    expect(queryFlow(load({ resources: [RG] }), { from: "vnet-spoke/snet-cc", to: "Storage", protocol: "tcp", port: "443" }).parts[0]).toContain("which storage account CycleCloud uses is not known");
  });

  it("answers allowed without a policy, with no policy note", () => {
    const q = queryFlow(load({ policy: "none" }), { from: "vnet-spoke/snet-cc", to: "Storage", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("allowed");
    expect(q.notes.some((n) => n.includes("service endpoint polic"))).toBe(false);
  });
});
