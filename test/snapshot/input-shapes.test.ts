// The wrappers around a list of resources that Azure's clients write, and the files that are none: each is read in full
// or refused with one line, never read as holding nothing (CONTRACT §1.1, §2).
import { describe, expect, it } from "vitest";
import { inputErrorMessage as messageOf } from "../helpers/input-error";
import { audit } from "@/lib/audit";
import { loadSnapshot, parseProfile } from "@/lib/snapshot";
import { MISSING_PAGES_CODE } from "@/lib/snapshot/graph-pages";
import { asStoredRead } from "@/lib/snapshot/stored-read";
import { anchorVnet, ccNic, ccNsg, smallEstate } from "./small-estate";

const load = (name: string, value: unknown, stored = false) => loadSnapshot([{ name, value }, { name: "vnets.json", value: [anchorVnet] }], { stored });
const loadOne = (name: string, value: unknown) => messageOf(() => load(name, value));
const NIC_KEY = ccNic.id.toLowerCase();

describe("a Resource Graph page's marker of more pages", () => {
  it("is read in every client's spelling and case, so a first page is judged as missing pages (exit 3)", () => {
    // az: skip_token; REST: $skipToken; JavaScript SDK: skipToken; PowerShell (ConvertTo-Json): SkipToken.
    for (const field of ["skip_token", "$skipToken", "skipToken", "SkipToken", "SKIP_TOKEN"]) {
      const snapshot = load("nics.json", { count: 1, data: [ccNic], [field]: "ew0KICAiJGlkIjogIjEiLA0KfQ==" });
      expect(snapshot.readErrors?.map((e) => e.code), field).toEqual([MISSING_PAGES_CODE]);
      expect(snapshot.readErrors![0].message, field).toContain(`(${field} is set)`);
      expect(snapshot.nics.has(NIC_KEY), field).toBe(true);
    }
  });

  it("reads a last page (no token, null or \"\") as complete, and a total in either spelling", () => {
    for (const token of [null, ""]) expect(load("nics.json", { data: [ccNic], SkipToken: token }).readErrors, String(token)).toBeUndefined();
    expect(load("nics.json", { data: [ccNic], TotalRecords: 2 }).readErrors?.[0].code).toBe(MISSING_PAGES_CODE);
    expect(load("nics.json", { data: [ccNic], totalRecords: 1 }).readErrors).toBeUndefined();
  });

  it("refuses a token that is not a string, naming the field as written", () => {
    expect(loadOne("nics.json", { data: [ccNic], SkipToken: 3 })).toBe("nics.json: SkipToken: expected a string, got 3");
  });
});

describe("an ARM list page's marker of more pages (az rest, a REST list, a Network Manager POST list)", () => {
  const NSG_KEY = ccNsg.id.toLowerCase();
  const otherNsg = { ...ccNsg, id: ccNsg.id.replace(/[^/]+$/, "nsg-later"), name: "nsg-later" };
  const loadAll = (...sources: { name: string; value: unknown }[]) => loadSnapshot([...sources, { name: "vnets.json", value: [anchorVnet] }]);

  it("makes a first page a partial read naming the file, in every spelling of nextLink and skipToken", () => {
    for (const field of ["nextLink", "NextLink", "skipToken", "SkipToken", "$skipToken"]) {
      const snapshot = load("nsgs.json", { value: [ccNsg], [field]: "https://management.azure.com/subscriptions/s/providers/Microsoft.Network/networkSecurityGroups?api-version=2024-05-01&$skiptoken=abc" });
      expect(snapshot.readErrors, field).toEqual([
        {
          subscription: "*",
          operation: "ARM list export (nsgs.json)",
          code: MISSING_PAGES_CODE,
          message: expect.stringContaining(`nsgs.json holds one page of an Azure list (${field} is set) and no file given holds its last page: more pages follow: export every page (nextLink / skipToken`),
        },
      ]);
      expect(snapshot.nsgs.has(NSG_KEY), field).toBe(true);
    }
  });

  it("holds back every pass of the audit, saying the input is missing pages", () => {
    const profile = parseProfile("profile.json", { roles: { cyclecloud: ["hub/cyclecloud"], cluster: ["spoke/nodes"] } });
    const whole = loadSnapshot([{ name: "estate.json", value: { value: smallEstate, nextLink: null } }]);
    expect(audit(whole, profile).subnets.flatMap((s) => s.findings).some((f) => f.status === "pass")).toBe(true);
    const report = audit(loadSnapshot([{ name: "estate.json", value: { value: smallEstate, nextLink: "https://next" } }]), profile);
    expect(report.errors?.map((e) => e.operation)).toEqual(["ARM list export (estate.json)"]);
    const findings = report.subnets.flatMap((s) => s.findings);
    expect(findings.filter((f) => f.status === "pass")).toEqual([]);
    expect(findings.some((f) => f.detail.includes("the input is missing pages of its exported lists"))).toBe(true);
  });

  it("reads a last page (no marker, null or \"\") and a plain array as complete, and refuses a marker that is no string", () => {
    for (const marker of [{}, { nextLink: null }, { nextLink: "" }, { skipToken: null }]) expect(load("nsgs.json", { value: [ccNsg], ...marker }).readErrors, JSON.stringify(marker)).toBeUndefined();
    expect(load("nsgs.json", [ccNsg]).readErrors).toBeUndefined();
    expect(loadOne("nsgs.json", { value: [ccNsg], nextLink: 3 })).toBe("nsgs.json: nextLink: expected a string, got 3");
  });

  it("is complete when the list's last page is given too, in any order; a last page of another list does not complete it", () => {
    const first = { name: "nsgs-1.json", value: { value: [ccNsg], nextLink: "https://next" } };
    const middle = { name: "nsgs-2.json", value: { value: [otherNsg], skipToken: "t2" } };
    const last = { name: "nsgs-3.json", value: { value: [otherNsg] } };
    expect(loadAll(first, middle, last).readErrors).toBeUndefined();
    expect(loadAll(last, first).readErrors).toBeUndefined();
    // A page's items name no type (a POST list's rules) or the last page is empty: which list it ends cannot be told.
    expect(loadAll(first, { name: "empty.json", value: { value: [] } }).readErrors).toBeUndefined();
    expect(loadAll(first, { name: "nics.json", value: { value: [ccNic] } }).readErrors?.map((e) => e.operation)).toEqual(["ARM list export (nsgs-1.json)"]);
    expect(loadAll(first, middle).readErrors?.map((e) => e.operation)).toEqual(["ARM list export (nsgs-1.json)", "ARM list export (nsgs-2.json)"]);
  });

  it("opens a stored scan's input as it was audited", () => {
    const page = { value: [ccNsg], nextLink: "https://next" };
    expect(load("nsgs.json", page, true).readErrors).toBeUndefined();
    expect(asStoredRead(() => load("nsgs.json", page).readErrors)).toBeUndefined();
  });
});

describe("a saved Azure error response given as a snapshot", () => {
  const denied = {
    error: {
      code: "AuthorizationFailed",
      message: `The client 'user@contoso.com' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action 'Microsoft.Network/networkInterfaces/read' over scope '/subscriptions/s' or the scope is invalid.\nIf access was recently granted, please refresh your credentials.`,
    },
  };

  it("is refused with one line naming the file, the error's code and its message cut short", () => {
    const message = loadOne("nics.json", denied);
    expect(message).toMatch(/^nics\.json: an Azure error response, not resources: AuthorizationFailed: The client 'user@contoso\.com' with object id .{60,}…  ?\(export again with the Reader role\)$/);
    expect(message.length).toBeLessThan(300);
    expect(loadOne("nics.json", { error: { code: "TooManyRequests", message: "Retry later." } })).toBe("nics.json: an Azure error response, not resources: TooManyRequests: Retry later. (export again once the call succeeds)");
  });

  it("opens as nothing in a stored scan's input, as before", () => {
    expect(load("nics.json", denied, true).nics.size).toBe(0);
  });
});

describe("PowerShell's PascalCase wrappers", () => {
  it("are read as value and data", () => {
    expect([...load("nsgs.json", { Value: [ccNsg] }).nsgs.keys()]).toEqual([ccNsg.id.toLowerCase()]);
    const snapshot = load("nics.json", { Data: [ccNic], SkipToken: null });
    expect([...snapshot.nics.keys()]).toEqual([NIC_KEY]);
    expect(snapshot.resourceGraphExport).toBe(true);
    expect(snapshot.readErrors).toBeUndefined();
    expect(load("nics.json", { Data: [ccNic], SkipToken: "t" }).readErrors?.[0].code).toBe(MISSING_PAGES_CODE);
  });

  it("name the key as written in an error", () => {
    expect(loadOne("nsgs.json", { Value: [{ ...ccNsg, properties: "x" }] })).toBe('nsgs.json: Value[0].properties: expected an object, got "x"');
    expect(loadOne("nsgs.json", { Value: "x" })).toBe('nsgs.json: Value: expected an array, got "x"');
  });
});

describe("a list entry that is not an object", () => {
  it("is refused naming it", () => {
    expect(loadOne("nsgs.json", { value: [null, 1, "x", []] })).toBe("nsgs.json: value[0]: expected a resource object, got null");
    expect(loadOne("nsgs.json", { value: [ccNsg, 1] })).toBe("nsgs.json: value[1]: expected a resource object, got 1");
    expect(loadOne("nsgs.json", [ccNsg, []])).toBe("nsgs.json: [1]: expected a resource object, got an array");
    expect(loadOne("nics.json", { data: ["x"] })).toBe('nics.json: data[0]: expected a resource object, got "x"');
  });

  it("is skipped in the store's copy of an input audited before", () => {
    expect([...load("nsgs.json", { value: [null, ccNsg] }, true).nsgs.keys()]).toEqual([ccNsg.id.toLowerCase()]);
  });
});

describe("an object that holds no resource list", () => {
  it("is refused naming its keys, when it holds a list under another key or nothing at all", () => {
    const expected = 'expected Azure resources (an array, {"value": [...]}, {"data": [...]} or {"resources": [...]}), got an object without them';
    expect(loadOne("nsgs.json", { items: [ccNsg] })).toBe(`nsgs.json: ${expected}: it has "items"`);
    expect(loadOne("nsgs.json", { nextLink: null, Items: [ccNsg], count: 1 })).toBe(`nsgs.json: ${expected}: it has "nextLink", "Items", "count"`);
    expect(loadOne("nsgs.json", {})).toBe(`nsgs.json: ${expected}: it is empty`);
  });

  it("is still read as nothing when it is one of Azure's payloads without a list, or one resource without a type", () => {
    // Network Watcher's answers, as in Azure's own examples (NetworkWatcherIpFlowVerify.json, NetworkWatcherNextHopGet.json).
    expect(load("a.json", { access: "Allow", ruleName: "securityRules/rule1" }).nsgs.size).toBe(0);
    expect(load("a.json", { nextHopType: "Internet", nextHopIpAddress: "", routeTableId: "System Route" }).nsgs.size).toBe(0);
    const untyped: Record<string, unknown> = { ...ccNsg };
    delete untyped.type;
    expect(load("a.json", untyped).nsgs.has(ccNsg.id.toLowerCase())).toBe(true);
  });
});

describe("--service-tags", () => {
  const withTags = (value: unknown, stored = false) =>
    loadSnapshot([{ name: "vnets.json", value: [anchorVnet] }], { serviceTags: { name: "tags.json", value }, stored });

  it("refuses a snapshot given as service tags, saying so", () => {
    const message = 'tags.json: this looks like a snapshot (Azure resources), not service tags: give it with --snapshot, and as --service-tags a ServiceTags_Public_*.json download ({"values": [...]})';
    expect(messageOf(() => withTags({ value: [ccNsg] }))).toBe(message);
    expect(messageOf(() => withTags([ccNsg]))).toBe(message);
    expect(messageOf(() => withTags(ccNsg))).toBe(message);
  });

  it("refuses a file with no tag that has prefixes", () => {
    const message = 'tags.json: no service tags: expected {"values": [...]} listing tags with their addressPrefixes (a ServiceTags_Public_*.json download)';
    expect(messageOf(() => withTags([]))).toBe(message);
    expect(messageOf(() => withTags({ values: [] }))).toBe(message);
    expect(messageOf(() => withTags({ values: [{ name: "Storage", properties: { addressPrefixes: [] } }] }))).toBe(message);
  });

  it("reads a file of tags, and opens the store's copy of an input audited before as it did", () => {
    expect(withTags({ values: [{ name: "Storage", properties: { addressPrefixes: ["1.0.0.0/8"] } }] }).serviceTags?.get("storage")?.addressPrefixes).toEqual(["1.0.0.0/8"]);
    expect(withTags([{ name: "Storage", id: "Storage", properties: { addressPrefixes: ["1.0.0.0/8"] } }]).serviceTags?.has("storage")).toBe(true);
    expect(() => withTags([], true)).not.toThrow();
  });
});
