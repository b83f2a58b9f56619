import { describe, expect, it, vi } from "vitest";
import { NetworkManagementClient } from "@azure/arm-network";
import { createHttpHeaders, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { coreClientOptions, isAllowedRequest, parseArmFailure, readOnlyPolicy } from "./arm-pipeline";
import { toReadError } from "./read-error";
import { mergeServiceTags, regionsInUse } from "./service-tags";
import { resourceGraphQuery } from "./resource-graph";
import { mapPool } from "./pool";
import { CHILD_LISTS, parentPath, readChildLists } from "./child-lists";
import { CallScope } from "./arm-pipeline";
import type { SubscriptionClients } from "./clients";
import { AUDITED_TYPES, LIST_ALL_OPERATIONS } from "./list-all";
import { RESOURCE_GRAPH_CHILD_TYPES } from "./resource-graph";

describe("the read-only guard", () => {
  const arm = "https://management.azure.com";

  it("lets GET through, and three POSTs that only read (the Resource Graph query, a network manager's deployment status list, a NIC's effective route table), nothing else", () => {
    expect(isAllowedRequest("GET", `${arm}/subscriptions/x/providers/Microsoft.Network/virtualNetworks?api-version=1`)).toBe(true);
    expect(isAllowedRequest("POST", `${arm}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`)).toBe(true);
    expect(isAllowedRequest("POST", `${arm}/subscriptions/x/providers/Microsoft.Network/networkInterfaces/n/effectiveNetworkSecurityGroups?api-version=1`)).toBe(false);
    // Every list the path read sends is a GET; the read-only POSTs Azure offers besides those three
    // (effective admin rules, effective NSGs) are not allow-listed.
    const rg = `${arm}/subscriptions/x/resourceGroups/rg/providers`;
    for (const path of [
      "Microsoft.Network/firewallPolicies/p/ruleCollectionGroups",
      "Microsoft.Network/networkManagers/m/networkGroups/g/staticMembers",
      "Microsoft.Network/networkManagers/m/securityAdminConfigurations/c/ruleCollections/r/rules",
      "Microsoft.Network/networkManagers/m/connectivityConfigurations",
      "Microsoft.Compute/virtualMachineScaleSets/v/networkInterfaces",
      "Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net/A",
      "Microsoft.Network/virtualHubs/hub-weu/hubVirtualNetworkConnections",
      "Microsoft.Network/virtualHubs/hub-weu/hubRouteTables",
      "Microsoft.Network/virtualHubs/hub-weu/routingIntent",
    ]) {
      expect(isAllowedRequest("GET", `${rg}/${path}?api-version=1`)).toBe(true);
      expect(isAllowedRequest("POST", `${rg}/${path}?api-version=1`)).toBe(false);
    }
    expect(isAllowedRequest("POST", `${rg}/Microsoft.Network/virtualNetworks/v/listNetworkManagerEffectiveSecurityAdminRules?api-version=1`)).toBe(false);
    expect(isAllowedRequest("POST", `${rg}/Microsoft.Network/networkManagers/nm-hpc/listDeploymentStatus?api-version=2024-05-01`)).toBe(true);
    expect(isAllowedRequest("POST", `${rg}/Microsoft.Network/networkManagers/nm-hpc/listdeploymentstatus/?api-version=1`)).toBe(true);
    // Its neighbours write: a commit deploys configurations, and nothing past the list's own path is a read.
    for (const path of ["networkManagers/nm-hpc/commit", "networkManagers/nm-hpc/listDeploymentStatus/x", "networkManagers/nm-hpc/securityAdminConfigurations/c/listDeploymentStatus", "networkSecurityGroups/listDeploymentStatus"]) {
      expect(isAllowedRequest("POST", `${rg}/Microsoft.Network/${path}?api-version=1`)).toBe(false);
    }
    expect(isAllowedRequest("PUT", `${rg}/Microsoft.Network/networkManagers/nm-hpc/listDeploymentStatus?api-version=1`)).toBe(false);
    expect(isAllowedRequest("POST", `${rg}/Microsoft.Network/networkInterfaces/nic-cc/effectiveRouteTable?api-version=2024-05-01`)).toBe(true);
    // Only a NIC's own path: not a VNet's, not past it, not the scale-set instance form, never another verb.
    for (const path of ["virtualNetworks/v/effectiveRouteTable", "networkInterfaces/nic-cc/effectiveRouteTable/x", "networkInterfaces/effectiveRouteTable", "networkInterfaces/nic-cc/ipConfigurations/effectiveRouteTable"]) {
      expect(isAllowedRequest("POST", `${rg}/Microsoft.Network/${path}?api-version=1`)).toBe(false);
    }
    expect(isAllowedRequest("POST", `${rg}/Microsoft.Compute/virtualMachineScaleSets/s/virtualMachines/0/networkInterfaces/n/effectiveRouteTable?api-version=1`)).toBe(false);
    expect(isAllowedRequest("PUT", `${rg}/Microsoft.Network/networkInterfaces/nic-cc/effectiveRouteTable?api-version=1`)).toBe(false);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect(isAllowedRequest(method, `${arm}/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n?api-version=1`)).toBe(false);
    }
  });

  /**
   * A real SDK client whose HTTP answers a 307 to `to` for requests ending in `from` (POST stays POST on a 307: the SDK's
   * redirect policy follows it to the new path), and the requests that reached the wire.
   */
  function redirectingClient(from: string, to: (path: string) => string) {
    const sent: string[] = [];
    const httpClient: HttpClient = {
      async sendRequest(request: PipelineRequest) {
        const path = new URL(request.url).pathname;
        sent.push(`${request.method} ${path}`);
        if (path.endsWith(from)) return { request, status: 307, headers: createHttpHeaders({ location: to(path) }) };
        return { request, status: 200, headers: createHttpHeaders({ "content-type": "application/json" }), bodyAsText: "{}" };
      },
    };
    const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const settings = { endpoint: arm, scope: `${arm}/.default`, counter: { calls: 0 }, httpClient };
    return { client: new NetworkManagementClient(credential, "sub", coreClientOptions(settings, new CallScope())), sent };
  }

  it("refuses a write a redirect would send: a 307 from the deployment status list to the manager's commit stays unsent", async () => {
    const { client, sent } = redirectingClient("/listDeploymentStatus", (path) => `${path.replace(/listDeploymentStatus$/, "commit")}?api-version=2024-05-01`);
    await expect(client.networkManagerDeploymentStatusOperations.list("rg", "nm", {})).rejects.toThrow(/refused POST .*\/networkManagers\/nm\/commit/);
    expect(sent).toEqual(["POST /subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/networkManagers/nm/listDeploymentStatus"]);
  });

  it("refuses a write a redirect would send from a NIC's effective route table: a 307 to a VM's restart stays unsent", async () => {
    const { client, sent } = redirectingClient("/effectiveRouteTable", () => "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/restart?api-version=2024-07-01");
    await expect(client.networkInterfaces.beginGetEffectiveRouteTableAndWait("rg", "nic-cc")).rejects.toThrow(/refused POST .*\/virtualMachines\/vm\/restart/);
    expect(sent).toEqual(["POST /subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-cc/effectiveRouteTable"]);
  });

  it("refuses a write before it leaves the process", async () => {
    const next = vi.fn();
    const policy = readOnlyPolicy();
    const request = { method: "PUT", url: `${arm}/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n?api-version=1` };
    await expect(policy.sendRequest(request as never, next)).rejects.toThrow(/refused PUT .*only reads/);
    expect(next).not.toHaveBeenCalled();
  });
});

describe("read errors", () => {
  it("takes ARM's code and message from the error body", () => {
    const failure = parseArmFailure(403, JSON.stringify({ error: { code: "AuthorizationFailed", message: "The client 'x' does not have\nauthorization" } }));
    expect(toReadError("sub", "virtualNetworks.listAll", new Error("Pagination failed with unexpected statusCode 403"), failure)).toEqual({
      subscription: "sub",
      operation: "virtualNetworks.listAll",
      code: "AuthorizationFailed",
      message: "The client 'x' does not have authorization",
    });
  });

  it("falls back to the HTTP status when the body has no code", () => {
    const e = toReadError("sub", "routeTables.listAll", new Error("boom"), parseArmFailure(502, "<html>Bad gateway</html>"));
    expect(e.code).toBe("502");
    expect(e.message).toContain("Bad gateway");
  });

  it("names a timeout as such", () => {
    expect(toReadError("sub", "op", { name: "AbortError" }, undefined, 1500)).toMatchObject({ code: "Timeout", message: expect.stringContaining("1500 ms") });
  });
});

describe("service tags", () => {
  it("merges regions' lists: each tag once, prefixes united", () => {
    const merged = mergeServiceTags([
      [{ name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["1.0.0.0/8"] } }],
      [
        { name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["1.0.0.0/8", "2.0.0.0/8"] } },
        { name: "Storage.WestEurope", id: "Storage.WestEurope", properties: { region: "westeurope", addressPrefixes: ["2.0.0.0/8"] } },
      ],
    ]);
    expect(merged.values).toEqual([
      { name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["1.0.0.0/8", "2.0.0.0/8"] } },
      { name: "Storage.WestEurope", id: "Storage.WestEurope", properties: { region: "westeurope", addressPrefixes: ["2.0.0.0/8"] } },
    ]);
  });

  it("asks each VNet region once, through a subscription that has a VNet there", () => {
    const vnet = (sub: string, location: string) => ({ id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v`, type: "Microsoft.Network/virtualNetworks", location });
    expect(
      regionsInUse([vnet("a", "West Europe"), vnet("b", "westeurope"), vnet("b", "eastus"), { id: "/x", type: "microsoft.network/networksecuritygroups", location: "northeurope" }]),
    ).toEqual([
      { location: "eastus", subscriptionId: "b" },
      { location: "westeurope", subscriptionId: "a" },
    ]);
  });
});

describe("Resource Graph query", () => {
  it("asks for the audited types case-insensitively, in a stable order for paging", () => {
    const q = resourceGraphQuery(["Microsoft.Network/virtualNetworks", "Microsoft.Network/networkSecurityGroups"]);
    expect(q).toContain("type in~ ('microsoft.network/virtualnetworks', 'microsoft.network/networksecuritygroups')");
    expect(q).toMatch(/order by id asc$/);
  });
});

describe("mapPool", () => {
  it("keeps at most `limit` jobs in flight and the input order in the output", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});

describe("child lists", () => {
  it("takes the resource group and the names along a parent's id", () => {
    expect(parentPath("/subscriptions/s/resourceGroups/RG-1/providers/Microsoft.Network/networkManagers/nm/networkGroups/ng")).toEqual({ resourceGroup: "RG-1", names: ["nm", "ng"] });
    expect(parentPath("/subscriptions/s/providers/Microsoft.Network/resourceGroup/rg1/ipGroups/g")).toBeUndefined();
  });

  it("lists instance NICs only for a Uniform scale set that has instances", () => {
    const nics = CHILD_LISTS.find((l) => l.operation === "networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces")!;
    const vmss = (mode: string | undefined, capacity?: number) => ({ sku: capacity === undefined ? undefined : { capacity }, properties: mode ? { orchestrationMode: mode } : {} });
    expect(nics.applies!(vmss("Uniform", 2))).toBe(true);
    // Before orchestration modes existed every scale set was Uniform (and Resource Graph rows may lack sku).
    expect(nics.applies!(vmss(undefined))).toBe(true);
    expect(nics.applies!(vmss("Uniform", 0))).toBe(false);
    expect(nics.applies!(vmss("Flexible", 4))).toBe(false);
    expect(nics.applies!({ orchestrationMode: "flexible", sku: { capacity: 1 } })).toBe(false);
  });

  it("has one list per parent type and child, none per instance", () => {
    const pairs = CHILD_LISTS.map((l) => `${l.parentType} → ${"type" in l ? l.type : l.operation}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});

describe("Virtual WAN hubs", () => {
  const hubId = (rg: string, name: string) => `/subscriptions/s/resourceGroups/${rg}/providers/Microsoft.Network/virtualHubs/${name}`;
  /** Clients whose hub lists record their arguments and answer one item each, as the pipeline captures a page. */
  function fakeClients() {
    const scope = new CallScope();
    const calls: string[] = [];
    const list = (what: string, child: string) => (rg: string, hub: string) => {
      calls.push(`${what}(${rg}/${hub})`);
      return (async function* () {
        scope.captured?.push({ id: `${hubId(rg, hub)}/${child}/x`, name: "x" });
        yield {};
      })();
    };
    const network = {
      hubVirtualNetworkConnections: { list: list("hubVirtualNetworkConnections", "hubVirtualNetworkConnections") },
      hubRouteTables: { list: list("hubRouteTables", "hubRouteTables") },
      routingIntentOperations: { list: list("routingIntentOperations", "routingIntent") },
    };
    return { clients: { subscriptionId: "s", scope, network } as unknown as SubscriptionClients, calls };
  }

  it("lists hubs per subscription, in Resource Graph's query too", () => {
    expect(LIST_ALL_OPERATIONS.filter((op) => op.operation === "virtualHubs.list").map((op) => op.type)).toEqual(["Microsoft.Network/virtualHubs"]);
    expect(AUDITED_TYPES).toContain("Microsoft.Network/virtualHubs");
  });

  it("lists each hub's VNet connections, route tables and routing intent once per hub, also after a Resource Graph read", async () => {
    // Resource Graph's Resources table holds virtualhubs but none of these three children.
    const children = ["hubvirtualnetworkconnections", "hubroutetables", "routingintent"].map((c) => `microsoft.network/virtualhubs/${c}`);
    expect(RESOURCE_GRAPH_CHILD_TYPES.map((t) => t.toLowerCase()).filter((t) => children.includes(t))).toEqual([]);
    for (const resourceGraph of [false, true]) {
      const { clients, calls } = fakeClients();
      const hubs = [
        { id: hubId("rg-hub", "hub-weu"), type: "Microsoft.Network/virtualHubs" },
        // The same hub again (as two reads may return it) and a second hub in another resource group, as Resource Graph spells it.
        { id: hubId("rg-hub", "hub-weu"), type: "microsoft.network/virtualhubs" },
        { id: hubId("rg-neu", "hub-neu"), type: "microsoft.network/virtualhubs" },
      ];
      const read = await readChildLists(clients, hubs, 5_000, { resourceGraph });
      expect(read.errors).toEqual([]);
      expect(calls).toEqual([
        "hubVirtualNetworkConnections(rg-hub/hub-weu)",
        "hubRouteTables(rg-hub/hub-weu)",
        "routingIntentOperations(rg-hub/hub-weu)",
        "hubVirtualNetworkConnections(rg-neu/hub-neu)",
        "hubRouteTables(rg-neu/hub-neu)",
        "routingIntentOperations(rg-neu/hub-neu)",
      ]);
      // An item without `type` gets the listed one.
      const types = ["Microsoft.Network/virtualHubs/hubVirtualNetworkConnections", "Microsoft.Network/virtualHubs/hubRouteTables", "Microsoft.Network/virtualHubs/routingIntent"];
      expect(read.resources.map((r) => r.type)).toEqual([...types, ...types]);
    }
  });
});
