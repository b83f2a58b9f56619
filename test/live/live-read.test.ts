// The live reader, end to end: the real @azure/identity and @azure/arm-* code in a child process
// (NODE_EXTRA_CA_CERTS must be set before Node starts), talking HTTPS to the local emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSnapshot } from "@/lib/snapshot";
import type { Snapshot } from "@/lib/model/types";
import { defaultFaults, startEmulator, type Emulator, type RecordedRequest } from "../emulator/arm-emulator";
import { generateEstate, LIST_TYPES, offlineSources } from "../emulator/scenario";
import { runLiveRead, type DriverResult } from "../emulator/run-live-read";

const SUBSCRIPTIONS = 3;
const SUBNETS = 4;
// Quick SDK retries for 5xx; a 429 still waits the server's Retry-After.
const FAST_RETRY = { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 };

let emu: Emulator;
const sub = (i: number) => emu.estate.subscriptions[i].subscriptionId;
const ids = (resources: unknown[]) => new Set(resources.map((r) => String((r as { id: string }).id).toLowerCase()));
const estateIds = (subs: number[]) =>
  new Set(subs.flatMap((i) => LIST_TYPES.flatMap((t) => emu.estate.subscriptions[i].lists[t].map((r) => r.id.toLowerCase()))));
const armRequests = () => emu.requests.filter((r) => r.server === "arm");
const requestsTo = (pathPart: string) => armRequests().filter((r) => r.path.toLowerCase().includes(pathPart.toLowerCase()));

function withoutCapturedAt(s: Snapshot): Snapshot {
  const copy = { ...s };
  delete copy.capturedAt;
  return copy;
}

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
    // One list per type and subscription, one service-tags call per region: never per resource.
    expect(armRequests()).toHaveLength(1 + SUBSCRIPTIONS * LIST_TYPES.length + 3);
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
    // SUBNETS NICs per subscription in pages of 2.
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      expect(requestsTo(`${sub(i)}/providers/Microsoft.Network/networkInterfaces`)).toHaveLength(SUBNETS / 2);
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
    emu.faults.slow.set(`${sub(0)}/applicationsecuritygroups`, 3000);
    const result = await runLiveRead(emu, { retry: FAST_RETRY, timeoutMs: 400 });
    expect(result.errors).toEqual([{ subscription: sub(0), operation: "applicationSecurityGroups.listAll", code: "Timeout", message: expect.stringContaining("400 ms") }]);
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
    log.filter((r) => r.server === "arm" && !(r.method === "GET" || (r.method === "POST" && /^\/providers\/Microsoft\.ResourceGraph\/resources\?/i.test(r.path))));

  it("sends only GET for list-all and only the Resource Graph query POST otherwise", async () => {
    emu.faults.pageSize = 3;
    await runLiveRead(emu, { retry: FAST_RETRY });
    expect(armRequests().length).toBeGreaterThan(0);
    expect(armRequests().every((r) => r.method === "GET")).toBe(true);
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
    expect(live.subnets.size).toBe(SUBSCRIPTIONS * SUBNETS);
    expect(live.serviceTags?.size).toBeGreaterThan(0);
    expect(withoutCapturedAt(live)).toEqual(withoutCapturedAt(offline));
    expect(live.capturedAt).toBe(listAll.snapshot.capturedAt);
  });

  it("Resource Graph read equals the list-all read after loading", () => {
    expect(graph.errors).toEqual([]);
    expect(graph.stats.calls).toBeLessThan(listAll.stats.calls);
    const fromGraph = loadSnapshot([{ name: "graph.json", value: graph.snapshot }]);
    const fromList = loadSnapshot([{ name: "live.json", value: listAll.snapshot }]);
    expect(withoutCapturedAt(fromGraph)).toEqual(withoutCapturedAt(fromList));
  });
});

describe("Resource Graph read", () => {
  it("pages with $skipToken and reads every subscription in one query scope", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
    expect(result.errors).toEqual([]);
    expect(ids(result.snapshot.resources)).toEqual(estateIds([0, 1, 2]));
    const queries = armRequests().filter((r) => r.method === "POST");
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
