// The live reader, end to end: the real @azure/identity and @azure/arm-* code in a child process
// (NODE_EXTRA_CA_CERTS must be set before Node starts), talking HTTPS to the local emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import { loadSnapshot, parseProfile } from "@/lib/snapshot";
import type { Snapshot } from "@/lib/model/types";
import type { Report } from "@/lib/report/types";
import { defaultFaults, isDeploymentStatusList, startEmulator, type Emulator, type RecordedRequest } from "../emulator/arm-emulator";
import { estateResources, generateEstate, LIST_TYPES, offlineSources } from "../emulator/scenario";
import { runLiveRead, type DriverResult } from "../emulator/run-live-read";

const SUBSCRIPTIONS = 3;
const SUBNETS = 4;
// Quick SDK retries for 5xx; a 429 still waits the server's Retry-After.
const FAST_RETRY = { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 };

let emu: Emulator;
const sub = (i: number) => emu.estate.subscriptions[i].subscriptionId;
/** The subscriptions a read lists are saved beside the estate, for their display names; they are no estate resource. */
const estateOnly = (resources: unknown[]) => resources.filter((r) => String((r as { type?: string }).type).toLowerCase() !== "microsoft.resources/subscriptions");
const ids = (resources: unknown[]) => new Set(estateOnly(resources).map((r) => String((r as { id: string }).id).toLowerCase()));
const estateIds = (subs: number[]) => new Set(estateResources(emu.estate, subs).map((r) => r.id.toLowerCase()));
/** Child lists the emulator serves: each is one call (or one per page) of the read. */
const childLists = () => emu.estate.subscriptions.reduce((n, s) => n + Object.keys(s.children).length, 0);
/** Network managers: each gets one deployment status list (a POST that only reads). */
const managers = () => emu.estate.subscriptions.reduce((n, s) => n + s.lists.networkManagers.length, 0);

const armRequests = () => emu.requests.filter((r) => r.server === "arm");
const requestsTo = (pathPart: string) => armRequests().filter((r) => r.path.toLowerCase().includes(pathPart.toLowerCase()));

/** A snapshot without what only a live read knows: when it was taken and the subscriptions' display names. */
function withoutCapturedAt(s: Snapshot): Snapshot {
  const copy = { ...s };
  delete copy.capturedAt;
  delete copy.subscriptionNames;
  return copy;
}

/**
 * Resource Graph returns rows ordered by id, the list-all read in each list's order; lists of keys that
 * the loader derives (a subnet's scale sets) follow input order, which is not part of their meaning.
 */
function sortedKeyLists(value: unknown): unknown {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, sortedKeyLists(v)]));
  if (Array.isArray(value)) {
    const items = value.map(sortedKeyLists);
    return items.every((x) => typeof x === "string") ? [...(items as string[])].sort() : items;
  }
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortedKeyLists(v)]));
  return value;
}

const byId = (resources: unknown[]) => new Map(resources.map((r) => [String((r as { id: string }).id).toLowerCase(), r]));
const hub = () => emu.estate.subscriptions[0];
const childPath = (suffix: string) => Object.keys(hub().children).find((p) => p.endsWith(suffix))!;

beforeAll(async () => {
  emu = await startEmulator(generateEstate({ subscriptions: SUBSCRIPTIONS, subnetsPerSubscription: SUBNETS }));
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  Object.assign(emu.faults, defaultFaults());
  emu.resetLog();
});

describe("list-all read through the emulator", () => {
  it("reads every subscription the credential lists, with the token scope of the configured endpoint", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    expect(result.stats.subscriptions).toBe(SUBSCRIPTIONS);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    for (const r of result.snapshot.resources as { id?: unknown; type?: unknown }[]) {
      expect(typeof r.id).toBe("string");
      expect(typeof r.type).toBe("string");
    }
    expect(result.progress.at(-1)).toEqual({ done: SUBSCRIPTIONS, total: SUBSCRIPTIONS });
    expect(new Set(emu.tokenScopes)).toEqual(new Set([`${emu.armUrl}/.default`]));
    expect(requestsTo("/subscriptions?")).toHaveLength(1);
    expect(emu.unexpected).toEqual([]);
    // One list per type and subscription, one per parent's child list, one service-tags call per
    // region: never per resource or instance.
    expect(armRequests()).toHaveLength(1 + SUBSCRIPTIONS * LIST_TYPES.length + childLists() + managers() + 3);
    expect(result.stats.calls).toBe(armRequests().length);
  });

  it("saves the service tags of every region in use, merged without duplicates", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(requestsTo("/serviceTags").map((r) => /locations\/([^/]+)\//.exec(r.path)?.[1]).sort()).toEqual(["eastus", "northeurope", "westeurope"]);
    const names = result.snapshot.serviceTags!.values.map((v) => (v as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(names)).toEqual(new Set(emu.estate.serviceTags.values.map((v) => v.name)));
  });

  it("reads only AZURE_SUBSCRIPTION_IDS when it is set", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY }, { AZURE_SUBSCRIPTION_IDS: ` ${sub(0)}, ${sub(2).toUpperCase()} ` });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 2]));
    expect(requestsTo("/subscriptions?")).toHaveLength(0);
    expect(requestsTo(sub(1))).toHaveLength(0);
  });

  it("follows absolute nextLink pages to the end", async () => {
    emu.faults.pageSize = 2;
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    // SUBNETS VM NICs and the private endpoint's NIC per subscription, in pages of 2.
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      expect(requestsTo(`${sub(i)}/providers/Microsoft.Network/networkInterfaces`)).toHaveLength(Math.ceil((SUBNETS + 1) / 2));
    }
    expect(requestsTo("skipToken").length).toBeGreaterThan(0);
  });

  it("retries a 429 after its Retry-After and then reads the list", async () => {
    emu.faults.throttleOnce.add(`${sub(1)}/networksecuritygroups`);
    emu.faults.retryAfterSeconds = 1;
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    const nsgCalls = requestsTo(`${sub(1)}/providers/Microsoft.Network/networkSecurityGroups`);
    expect(nsgCalls.map((r) => r.status)).toEqual([429, 200]);
    // The retry waited for the server's Retry-After, not the (20 ms) exponential back-off.
    expect(nsgCalls[1].at - nsgCalls[0].at).toBeGreaterThanOrEqual(900);
  });

  it("reports a 403 subscription in errors with ARM's code and reads the others", async () => {
    emu.faults.forbiddenSubscriptions.add(sub(1));
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 2]));
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) {
      expect(e.subscription).toBe(sub(1));
      expect(e.code).toBe("AuthorizationFailed");
      expect(e.message).toMatch(/does not have authorization/);
    }
    expect(result.errors.map((e) => e.operation)).toContain("virtualNetworks.listAll");
    // A 403 is not retried.
    expect(requestsTo(`${sub(1)}/providers/Microsoft.Network/virtualNetworks`)).toHaveLength(1);
  });

  it("retries a persistent 500, then reports that one call and keeps the rest", async () => {
    emu.faults.failing.add(`${sub(2)}/routetables`);
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([
      { subscription: sub(2), operation: "routeTables.listAll", code: "InternalServerError", message: expect.stringMatching(/internal server error/i) },
    ]);
    expect(requestsTo(`${sub(2)}/providers/Microsoft.Network/routeTables`)).toHaveLength(1 + FAST_RETRY.maxRetries);
    const expected = estateIds([0, 1, 2]);
    for (const rt of emu.estate.subscriptions[2].lists.routeTables) expected.delete(rt.id.toLowerCase());
    expect(ids(result.snapshot.resources)).toEqual(expected);
  });

  it("gives up on a call that outlives its deadline and reports it as a timeout", async () => {
    // A deadline every other list meets with room to spare, even with four lists in flight on a busy machine.
    emu.faults.slow.set(`${sub(0)}/applicationsecuritygroups`, 6000);
    const result = await runLiveRead(emu, { retry: FAST_RETRY, timeoutMs: 2500 });
    expect(result.errors).toEqual([{ subscription: sub(0), operation: "applicationSecurityGroups.listAll", code: "Timeout", message: expect.stringContaining("2500 ms") }]);
    // The abandoned request is still being answered; let it land in this test's log, not the next one's.
    const slowPath = `${sub(0)}/providers/Microsoft.Network/applicationSecurityGroups`;
    for (let waited = 0; requestsTo(slowPath).length === 0 && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(requestsTo(slowPath)).toHaveLength(1);
    const expected = estateIds([0, 1, 2]);
    for (const asg of emu.estate.subscriptions[0].lists.applicationSecurityGroups) expected.delete(asg.id.toLowerCase());
    expect(ids(result.snapshot.resources)).toEqual(expected);
  });

  it("reports a credential that cannot sign in once, instead of once per call", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY }, { AZURE_CLIENT_SECRET: "wrong-secret", AZURE_SUBSCRIPTION_IDS: `${sub(0)},${sub(1)}` });
    expect(result.snapshot.resources).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ subscription: "*", operation: "credential.getToken", code: "AADSTS7000215" });
    expect(result.errors[0].message).toMatch(/AADSTS7000215|invalid client secret/i);
    expect(armRequests()).toHaveLength(0);
  });
});

describe("only reads reach ARM", () => {
  const nonReads = (log: RecordedRequest[]) =>
    log.filter((r) => r.server === "arm" && !(r.method === "GET" || isDeploymentStatusList(r) || (r.method === "POST" && /^\/providers\/Microsoft\.ResourceGraph\/resources\?/i.test(r.path))));

  it("sends only GET for list-all, besides each network manager's deployment status list, and the Resource Graph query POST otherwise", async () => {
    emu.faults.pageSize = 3;
    await runLiveRead(emu, { retry: FAST_RETRY });
    expect(armRequests().length).toBeGreaterThan(0);
    expect(armRequests().every((r) => r.method === "GET" || isDeploymentStatusList(r))).toBe(true);
    expect(armRequests().filter(isDeploymentStatusList)).toHaveLength(managers());
    // The path reads are among them: compute, storage, private DNS, the manager's and a policy's children.
    for (const part of ["/Microsoft.Compute/virtualMachineScaleSets?", "/Microsoft.Storage/storageAccounts?", "/privateDnsZones?", "/staticMembers?", "/rules?", "/ruleCollectionGroups?", "/vmss-hpc-0/networkInterfaces?", "/A?", "/CNAME?"]) {
      expect(requestsTo(part).length, part).toBeGreaterThan(0);
    }
    emu.resetLog();
    await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
    expect(armRequests().some((r) => r.method === "POST")).toBe(true);
    expect(nonReads(emu.requests)).toEqual([]);
    expect(emu.unexpected).toEqual([]);
  });
});

describe("what the reader saves loads like the offline files", () => {
  let listAll: DriverResult;
  let graph: DriverResult;
  beforeAll(async () => {
    Object.assign(emu.faults, defaultFaults());
    emu.faults.pageSize = 5;
    listAll = await runLiveRead(emu, { retry: FAST_RETRY });
    graph = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
  });

  it("live list-all snapshot equals the loader's output for the same payloads given as files", () => {
    expect(listAll.errors).toEqual([]);
    const live = loadSnapshot([{ name: "live.json", value: JSON.parse(JSON.stringify(listAll.snapshot)) }]);
    const offline = loadSnapshot(offlineSources(emu.estate), { serviceTags: { name: "ServiceTags_Public.json", value: emu.estate.serviceTags } });
    // Every spoke's subnets, and the hub's AzureFirewallSubnet.
    expect(live.subnets.size).toBe(SUBSCRIPTIONS * SUBNETS + 1);
    expect(live.serviceTags?.size).toBeGreaterThan(0);
    expect(withoutCapturedAt(live)).toEqual(withoutCapturedAt(offline));
    expect(live.capturedAt).toBe(listAll.snapshot.capturedAt);
  });

  it("Resource Graph read equals the list-all read after loading", () => {
    expect(graph.errors).toEqual([]);
    expect(graph.stats.calls).toBeLessThan(listAll.stats.calls);
    const fromGraph = loadSnapshot([{ name: "graph.json", value: graph.snapshot }]);
    const fromList = loadSnapshot([{ name: "live.json", value: listAll.snapshot }]);
    expect(sortedKeyLists(withoutCapturedAt(fromGraph))).toEqual(sortedKeyLists(withoutCapturedAt(fromList)));
  });

  it("keeps every resource exactly as ARM sent it (REST form), not as an SDK model", () => {
    const read = byId(estateOnly(listAll.snapshot.resources));
    const sent = estateResources(emu.estate);
    expect(read.size).toBe(sent.length);
    for (const resource of sent) expect(read.get(resource.id.toLowerCase())).toEqual(resource);
    // @azure/arm-storage's model would rename these (networkRuleSet, virtualNetworkResourceId).
    const account = read.get(emu.estate.subscriptions[1].lists.storageAccounts[0].id.toLowerCase()) as { properties: { networkAcls: { virtualNetworkRules: { id: string }[] } } };
    expect(account.properties.networkAcls.virtualNetworkRules[0].id).toMatch(/\/subnets\/cyclecloud$/);
  });

  it("the live audit equals the offline audit of the same resources", () => {
    const profile = parseProfile("profile.json", {
      roles: {
        cyclecloud: ["vnet-hpc-0/cyclecloud"],
        cluster: Array.from({ length: SUBSCRIPTIONS }, (_, i) => `vnet-hpc-${i}/compute-1`),
        returnProxy: [],
      },
    });
    const generatedAt = "2026-01-01T00:00:00.000Z";
    const live = audit(loadSnapshot([{ name: "live.json", value: listAll.snapshot }]), profile, { generatedAt });
    const offline = audit(
      loadSnapshot(offlineSources(emu.estate), { serviceTags: { name: "ServiceTags_Public.json", value: emu.estate.serviceTags } }),
      profile,
      { generatedAt },
    );
    const fromGraph = audit(loadSnapshot([{ name: "graph.json", value: graph.snapshot }]), profile, { generatedAt });
    const comparable = (r: Report) => ({ ...r, sources: undefined, capturedAt: undefined, subscriptions: undefined });
    // The read names the subscriptions it listed; the report shows their display names.
    expect(live.subscriptions).toEqual(expect.arrayContaining([{ id: emu.estate.subscriptions[0].subscriptionId, name: "HPC landing zone 0" }]));
    expect(live.summary.subnets).toBe(SUBSCRIPTIONS * SUBNETS + 1);
    expect(comparable(live)).toEqual(comparable(offline));
    expect(comparable(fromGraph).summary).toEqual(live.summary);
    expect(comparable(fromGraph).subnets.map((s) => [s.id, s.status])).toEqual(live.subnets.map((s) => [s.id, s.status]));
  });
});

describe("where packets go and where rules and nodes live", () => {
  const typesOf = (resources: unknown[]) => new Set(resources.map((r) => String((r as { type: string }).type).toLowerCase()));

  it("reads every new type: outbound, firewall, admin rules, scale sets and their instance NICs, storage, private DNS", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    const types = typesOf(result.snapshot.resources);
    for (const type of [
      "Microsoft.Network/natGateways",
      "Microsoft.Network/publicIPAddresses",
      "Microsoft.Network/loadBalancers",
      "Microsoft.Network/azureFirewalls",
      "Microsoft.Network/firewallPolicies",
      "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
      "Microsoft.Network/ipGroups",
      "Microsoft.Network/networkManagers",
      "Microsoft.Network/networkManagers/networkGroups",
      "Microsoft.Network/networkManagers/networkGroups/staticMembers",
      "Microsoft.Network/networkManagers/securityAdminConfigurations",
      "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
      "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
      "Microsoft.Compute/virtualMachineScaleSets",
      "Microsoft.Compute/virtualMachines",
      "Microsoft.Storage/storageAccounts",
      "Microsoft.Network/privateDnsZones",
      "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
      "Microsoft.Network/privateDnsZones/A",
      "Microsoft.Network/privateDnsZones/CNAME",
      "Microsoft.Network/serviceEndpointPolicies",
    ]) {
      expect(types, type).toContain(type.toLowerCase());
    }
    const instanceNics = result.snapshot.resources.filter((r) => /\/virtualMachineScaleSets\/[^/]+\/virtualMachines\/\d+\/networkInterfaces\//i.test((r as { id: string }).id));
    expect(instanceNics).toHaveLength(SUBSCRIPTIONS * 3);
    expect(emu.unexpected).toEqual([]);
  });

  it("reads the VMs (list-all and Resource Graph): a Flexible scale set's instance NIC is tied to it by its VM", async () => {
    for (const resourceGraph of [false, true]) {
      const result = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph });
      expect(result.errors, String(resourceGraph)).toEqual([]);
      if (!resourceGraph) expect(requestsTo("/providers/Microsoft.Compute/virtualMachines?")).toHaveLength(SUBSCRIPTIONS);
      const snapshot = loadSnapshot([{ name: "live.json", value: result.snapshot }]);
      // One VM per NIC that names one (SUBNETS per subscription), and one Flexible instance per subscription.
      expect(snapshot.virtualMachines?.size, String(resourceGraph)).toBe(SUBSCRIPTIONS * (SUBNETS + 1));
      const instance = [...snapshot.virtualMachines!.values()].find((vm) => vm.name === "vmss-flex-1_0a1b2c3d")!;
      expect(snapshot.scaleSets?.get(instance.scaleSetKey!)?.orchestrationMode).toBe("Flexible");
      expect(snapshot.nics.get(instance.nicKeys[0])?.virtualMachineKey).toBe(instance.key);
      expect([...snapshot.virtualMachines!.values()].filter((vm) => vm.scaleSetKey)).toHaveLength(SUBSCRIPTIONS);
    }
  });

  it("lists children once per parent: per firewall policy, per manager level, per running Uniform scale set, per DNS zone", async () => {
    await runLiveRead(emu, { retry: FAST_RETRY });
    expect(requestsTo("/ruleCollectionGroups")).toHaveLength(1);
    expect(requestsTo("/networkGroups?")).toHaveLength(1);
    expect(requestsTo("/staticMembers")).toHaveLength(1);
    expect(requestsTo("/securityAdminConfigurations?")).toHaveLength(1);
    expect(requestsTo("/ruleCollections?")).toHaveLength(1);
    expect(requestsTo("/rules?")).toHaveLength(1);
    expect(requestsTo("/virtualNetworkLinks")).toHaveLength(1);
    expect(requestsTo("/privateDnsZones/privatelink.blob.core.windows.net/A?")).toHaveLength(1);
    expect(requestsTo("/privateDnsZones/privatelink.blob.core.windows.net/CNAME?")).toHaveLength(1);
    // One NIC list per running Uniform scale set; none for one at capacity 0 or a Flexible one, and
    // never a call per instance.
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      expect(requestsTo(`/virtualMachineScaleSets/vmss-hpc-${i}/networkInterfaces`)).toHaveLength(1);
      expect(requestsTo(`/virtualMachineScaleSets/vmss-htc-${i}/`)).toHaveLength(0);
      expect(requestsTo(`/virtualMachineScaleSets/vmss-flex-${i}/`)).toHaveLength(0);
    }
    expect(requestsTo("/virtualMachines/")).toHaveLength(0);
    expect(emu.unexpected).toEqual([]);
  });

  it("follows nextLink pages of the child lists too (both SDK generations)", async () => {
    emu.faults.pageSize = 2;
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    // Three VNets: three static members, links and A records; three instance NICs per scale set.
    expect(requestsTo("/staticMembers")).toHaveLength(2);
    expect(requestsTo("/virtualNetworkLinks")).toHaveLength(2);
    expect(requestsTo("/privateDnsZones/privatelink.blob.core.windows.net/A")).toHaveLength(2);
    expect(requestsTo("/virtualMachineScaleSets/vmss-hpc-1/networkInterfaces")).toHaveLength(2);
    expect(requestsTo(`${sub(1)}/providers/Microsoft.Compute/virtualMachineScaleSets`)).toHaveLength(2);
  });

  it("reports a type a custom role may not read (403) in errors and reads everything else", async () => {
    emu.faults.forbidden.add(`${sub(0)}/firewallpolicies`);
    emu.faults.forbidden.add(`${sub(0)}/networkmanagers/securityadminconfigurations`);
    emu.faults.forbidden.add(`${sub(2)}/storageaccounts`);
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([
      { subscription: sub(0), operation: "firewallPolicies.listAll", code: "AuthorizationFailed", message: expect.stringMatching(/Microsoft\.Network\/firewallPolicies\/read/) },
      { subscription: sub(0), operation: "securityAdminConfigurations.list(rg-hpc-0/nm-hpc)", code: "AuthorizationFailed", message: expect.stringMatching(/securityAdminConfigurations\/read/) },
      { subscription: sub(2), operation: "storageAccounts.list", code: "AuthorizationFailed", message: expect.stringMatching(/Microsoft\.Storage\/storageAccounts\/read/) },
    ]);
    const expected = estateIds([0, 1, 2]);
    const drop = (id: string) => expected.delete(id.toLowerCase());
    // The policy could not be listed, so neither could its rule collection groups.
    for (const p of hub().lists.firewallPolicies) drop(p.id);
    for (const g of hub().children[childPath("/ruleCollectionGroups")]) drop(g.id);
    for (const path of Object.keys(hub().children).filter((p) => /\/securityAdminConfigurations(\/|$)/.test(p))) {
      for (const r of hub().children[path]) drop(r.id);
    }
    for (const a of emu.estate.subscriptions[2].lists.storageAccounts) drop(a.id);
    expect(ids(result.snapshot.resources)).toEqual(expected);
    expect(requestsTo("/ruleCollections")).toHaveLength(0);
    expect(requestsTo("/staticMembers")).toHaveLength(1);
  });

  it("reads in Resource Graph mode what Resource Graph indexes, and lists the rest under its parent", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    // Links are tracked resources (in Resources); rule collection groups, manager children, instance
    // NICs and record sets are not.
    expect(requestsTo("/virtualNetworkLinks")).toHaveLength(0);
    expect(requestsTo("/ruleCollectionGroups")).toHaveLength(1);
    expect(requestsTo("/staticMembers")).toHaveLength(1);
    expect(requestsTo("/rules?")).toHaveLength(1);
    expect(requestsTo("/networkInterfaces")).toHaveLength(SUBSCRIPTIONS);
    expect(requestsTo("/A?")).toHaveLength(1);
    expect(requestsTo("/providers/Microsoft.Storage/storageAccounts")).toHaveLength(0);
    // Resource Graph's null columns are left out, as ARM leaves them out.
    for (const r of result.snapshot.resources as Record<string, unknown>[]) {
      expect(r.sku).not.toBeNull();
      expect(r.kind).not.toBeNull();
    }
    const lb = (result.snapshot.resources as { type: string; sku?: { name?: string } }[]).find((r) => r.type === "microsoft.network/loadbalancers");
    expect(lb?.sku?.name).toBe("Standard");
    expect(armRequests().every((r) => r.method === "GET" || isDeploymentStatusList(r) || r.path.startsWith("/providers/Microsoft.ResourceGraph/resources?"))).toBe(true);
  });
});

describe("Resource Graph read", () => {
  it("pages with $skipToken and reads every subscription in one query scope", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    const queries = armRequests().filter((r) => r.method === "POST" && !isDeploymentStatusList(r));
    // One visibility query + one page (fewer than 1,000 rows).
    expect(queries).toHaveLength(2);
    expect(requestsTo("/providers/Microsoft.Network/virtualNetworks")).toHaveLength(0);
  });

  it("names a subscription Resource Graph cannot see instead of returning it empty", async () => {
    emu.faults.forbiddenSubscriptions.add(sub(2));
    const result = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
    expect(result.errors).toEqual([{ subscription: sub(2), operation: "resourceGraph.resources", code: "SubscriptionNotVisible", message: expect.any(String) }]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1]));
  });
});
