// Fuzzing the snapshot parser and the engine with generated ARM JSON, valid-looking and broken:
// whatever a user uploads, the answer is a report or an InputError with one line naming file and
// field, never another exception. Sizes are bounded so every run ends (vitest's timeout catches a hang).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import { InputError } from "@/lib/errors";
import type { Report } from "@/lib/report/types";
import { loadSnapshot, parseJsonFile, parseProfile } from "@/lib/snapshot";

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000f1";
const RG = `${SUB}/resourceGroups/rg-fuzz`;
const NET = `${RG}/providers/Microsoft.Network`;

/** Anything a broken file may hold where a field should be. */
const junk = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 3 }),
  fc.constantFrom(null, "", -1, 1e308, Number.NaN, "__proto__", { __proto__: { polluted: true } }, [], {}, "𝕏\u0000\u202e"),
);
/**
 * Each estate is generated clean (every field plausible) or dirty (any field may be junk or a value
 * Azure would reject): a clean estate must mostly audit, a dirty one mostly be refused, both safely.
 */
type Mode = { dirty: boolean };
const field = <T>(mode: Mode, clean: fc.Arbitrary<T>, wrong?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  mode.dirty ? fc.oneof({ weight: 6, arbitrary: clean }, { weight: 1, arbitrary: wrong ? fc.oneof(wrong, junk) : junk }) : clean;

const octet = fc.integer({ min: 0, max: 255 });
const cidr = fc.oneof(
  fc.tuple(octet, octet).map(([b, c]) => `10.${b}.${c}.0/24`),
  octet.map((b) => `10.${b}.0.0/16`),
  fc.tuple(octet, octet, fc.integer({ min: 1, max: 254 })).map(([b, c, d]) => `10.${b}.${c}.${d}/32`),
);
const badCidr = fc.constantFrom("10.0.0.0/33", "10.0.0.300/24", "fd00::/129", "subnet", "");
const addressPrefix = fc.oneof(
  cidr,
  fc.constantFrom("*", "VirtualNetwork", "Internet", "AzureLoadBalancer", "Storage", "Storage.WestEurope", "AzureActiveDirectory",
    "AzureMonitor", "AzureResourceManager", "0.0.0.0/0", "10.0.0.4", "fd00::/8", "NoSuchTag"),
);
const portRange = fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), fc.constantFrom("*", "443", "22", "5672", "9443-9444", "0-65535"));
const badPort = fc.constantFrom("70000", "100-50", "abc", "-1", "1-2-3");
const pick = <T>(...values: T[]) => fc.constantFrom(...values);

function securityRule(mode: Mode, nsgId: string, index: number, flattened: boolean) {
  return fc
    .record({
      priority: field(mode, fc.integer({ min: 100, max: 4096 }), fc.constantFrom(99, 4097, 1.5, "100")),
      direction: field(mode, pick("Inbound", "Outbound", "inbound"), pick("Sideways")),
      access: field(mode, pick("Allow", "Deny", "allow"), pick("Maybe")),
      protocol: field(mode, pick("Tcp", "Udp", "*", "Icmp", "Esp", "Ah", "TCP"), pick("Gre")),
      sourceAddressPrefix: field(mode, addressPrefix, badCidr),
      destinationAddressPrefix: field(mode, addressPrefix, badCidr),
      destinationAddressPrefixes: field(mode, fc.array(addressPrefix, { maxLength: 3 })),
      sourcePortRange: field(mode, portRange, badPort),
      destinationPortRange: field(mode, portRange, badPort),
      destinationPortRanges: field(mode, fc.array(portRange, { maxLength: 3 })),
    })
    .map((props) => {
      const id = `${nsgId}/securityRules/r${index}`;
      return flattened ? { id, name: `r${index}`, ...props } : { id, name: `r${index}`, properties: props };
    });
}

function nsg(mode: Mode, n: number) {
  const id = `${NET}/networkSecurityGroups/nsg-${n}`;
  return fc.boolean().chain((flattened) =>
    fc
      .integer({ min: 0, max: 6 })
      .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => securityRule(mode, id, i, flattened))))
      .map((rules) => {
        const base = { id, name: `nsg-${n}`, type: "Microsoft.Network/networkSecurityGroups", location: "westeurope" };
        return flattened ? { ...base, securityRules: rules } : { ...base, properties: { securityRules: rules } };
      }),
  );
}

function subnet(mode: Mode, vnet: number, s: number, nsgCount: number) {
  const id = `${NET}/virtualNetworks/vnet-${vnet}/subnets/snet-${s}`;
  return fc
    .record({
      addressPrefix: field(mode, fc.integer({ min: 0, max: 255 }).map((c) => `10.${vnet}.${c}.0/24`), badCidr),
      // nsg-<nsgCount> does not exist: a dangling reference, as in a partial export.
      networkSecurityGroup: field(mode, fc.oneof(fc.integer({ min: 0, max: nsgCount }).map((n) => ({ id: `${NET}/networkSecurityGroups/nsg-${n}` })), fc.constant(null))),
      routeTable: field(mode, fc.constantFrom(null, { id: `${NET}/routeTables/rt-0` }, { id: `${NET}/routeTables/missing` })),
      serviceEndpoints: field(mode, fc.array(fc.record({ service: pick("Microsoft.Storage", "Microsoft.KeyVault", "Bogus") }), { maxLength: 2 })),
    })
    .map((props) => ({ id, name: `snet-${s}`, properties: props }));
}

function vnet(mode: Mode, v: number, nsgCount: number) {
  return fc
    .tuple(fc.integer({ min: 1, max: 4 }), field(mode, fc.constant([`10.${v}.0.0/16`]), fc.array(badCidr, { maxLength: 1 })))
    .chain(([count, space]) =>
      fc.tuple(...Array.from({ length: count }, (_, s) => subnet(mode, v, s, nsgCount))).map((subnets) => ({
        id: `${NET}/virtualNetworks/vnet-${v}`,
        name: `vnet-${v}`,
        type: "Microsoft.Network/virtualNetworks",
        location: "westeurope",
        properties: { addressSpace: { addressPrefixes: space }, subnets },
      })),
    );
}

const routeTable = (mode: Mode) =>
  fc
    .array(
      fc.record({
        name: pick("default", "to-fw", "storage"),
        properties: fc.record({
          addressPrefix: field(mode, addressPrefix, badCidr),
          nextHopType: field(mode, pick("Internet", "VirtualAppliance", "None", "VnetLocal"), pick("Teleport")),
          nextHopIpAddress: field(mode, pick("10.0.0.4", null)),
        }),
      }),
      { maxLength: 3 },
    )
    .map((routes) => ({ id: `${NET}/routeTables/rt-0`, name: "rt-0", type: "Microsoft.Network/routeTables", location: "westeurope", properties: { routes } }));

const nic = (mode: Mode, i: number, subnetIds: string[]) =>
  fc
    .record({
      subnet: fc.constantFrom(...subnetIds, `${NET}/virtualNetworks/vnet-9/subnets/none`),
      privateIPAddress: field(mode, pick("10.0.0.5", "10.1.0.9")),
      nsg: fc.option(fc.constant({ id: `${NET}/networkSecurityGroups/nsg-0` })),
    })
    .map(({ subnet: subnetId, privateIPAddress, nsg: nicNsg }) => ({
      id: `${NET}/networkInterfaces/nic-${i}`,
      name: `nic-${i}`,
      type: "Microsoft.Network/networkInterfaces",
      location: "westeurope",
      properties: {
        networkSecurityGroup: nicNsg,
        ipConfigurations: [{ id: `${NET}/networkInterfaces/nic-${i}/ipConfigurations/ipconfig1`, name: "ipconfig1", properties: { subnet: { id: subnetId }, privateIPAddress } }],
      },
    }));

/** A small estate (vnets, NSGs, a route table, NICs) and the subnet refs a profile may use. */
const estate = fc
  .record({ dirty: fc.boolean(), vnets: fc.integer({ min: 1, max: 3 }), nsgs: fc.integer({ min: 0, max: 3 }), nics: fc.integer({ min: 0, max: 3 }) })
  .chain((size) => {
    const mode: Mode = { dirty: size.dirty };
    const subnetIds = Array.from({ length: size.vnets }, (_, v) => `${NET}/virtualNetworks/vnet-${v}/subnets/snet-0`);
    return fc.record({
      mode: fc.constant(mode),
      resources: fc
        .tuple(
          fc.tuple(...Array.from({ length: size.vnets }, (_, v) => vnet(mode, v, size.nsgs))),
          size.nsgs ? fc.tuple(...Array.from({ length: size.nsgs }, (_, n) => nsg(mode, n))) : fc.constant([]),
          fc.option(routeTable(mode)),
          size.nics ? fc.tuple(...Array.from({ length: size.nics }, (_, i) => nic(mode, i, subnetIds))) : fc.constant([]),
        )
        .map(([vnets, nsgs, rt, nics]) => [...vnets, ...nsgs, ...(rt ? [rt] : []), ...nics]),
      refs: fc.constant<string[]>(subnetIds),
      looseRefs: fc.constant<string[]>([...subnetIds, "vnet-0/snet-1", "VNET-0/SNET-2", "nope/none"]),
    });
  });

/** The §1.1 shapes a file may take around the same resources. */
const wrapped = (resources: unknown[]) =>
  fc.constantFrom<unknown>(
    resources,
    { value: resources },
    { data: resources },
    { resources, capturedAt: "2026-01-01T00:00:00Z" },
    { resources, serviceTags: { values: [] } },
  );

/** Clean: distinct subnets that exist, one role each. Dirty: any refs, overlaps, junk. */
const profileFor = (mode: Mode, refs: string[], looseRefs: string[]): fc.Arbitrary<unknown> =>
  mode.dirty
    ? field(mode, fc.record({ roles: fc.record({ cyclecloud: fc.subarray(looseRefs, { maxLength: 1 }), cluster: fc.subarray(looseRefs, { maxLength: 2 }), returnProxy: fc.array(fc.string({ maxLength: 12 }), { maxLength: 1 }) }) }))
    : fc.shuffledSubarray(refs, { maxLength: Math.min(3, refs.length) }).map(([cyclecloud, cluster, returnProxy]) => ({
        roles: { cyclecloud: cyclecloud ? [cyclecloud] : [], cluster: cluster ? [cluster] : [], returnProxy: returnProxy ? [returnProxy] : [] },
      }));

/** Runs the whole engine; a result is checked for internal consistency, a failure must be an InputError. */
function auditOrInputError(sources: { name: string; value: unknown }[], profileValue: unknown): Report | InputError {
  try {
    const snapshot = loadSnapshot(sources);
    const profile = parseProfile("profile.json", profileValue);
    const report = audit(snapshot, profile, { generatedAt: "2026-01-01T00:00:00Z", linkPrefix: "/scans/fuzz" });
    expect(report.subnets.length).toBe(snapshot.subnets.size);
    const { subnets, pass, warn, fail, unscoped } = report.summary;
    expect(pass + warn + fail + unscoped).toBe(subnets);
    for (const s of report.subnets) {
      for (const f of s.findings) {
        expect(["pass", "warn", "fail", "info"]).toContain(f.status);
        expect(f.link.startsWith("/scans/fuzz/findings/")).toBe(true);
      }
    }
    JSON.stringify(report);
    return report;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // One line for the user, naming the file: never a stack, never a multi-line dump.
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).not.toMatch(/\bat .+:\d+:\d+/);
    expect(error.message.length).toBeLessThan(2_000);
    expect(error.file.length).toBeGreaterThan(0);
    return error;
  }
}

describe("fuzz: snapshot parser and engine", () => {
  it("valid-looking estates with broken fields: a consistent report or an InputError", () => {
    const outcomes = { clean: { reports: 0, refusals: 0 }, dirty: { reports: 0, refusals: 0 } };
    fc.assert(
      fc.property(
        estate.chain(({ mode, resources, refs, looseRefs }) => fc.tuple(fc.constant(mode), wrapped(resources), profileFor(mode, refs, looseRefs))),
        ([mode, value, profileValue]) => {
          const result = auditOrInputError([{ name: "estate.json", value }], profileValue);
          const tally = mode.dirty ? outcomes.dirty : outcomes.clean;
          if (result instanceof InputError) tally.refusals++;
          else tally.reports++;
        },
      ),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    if (process.env.FUZZ_STATS) console.log(JSON.stringify(outcomes));
    // Both paths were exercised: clean estates audit (the engine ran), dirty ones are refused.
    expect(outcomes.clean.reports).toBeGreaterThan(outcomes.clean.refusals);
    expect(outcomes.dirty.refusals).toBeGreaterThan(0);
  });

  it("arbitrary JSON values as sources and profile: never anything but an InputError", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 1, maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }), (values, profileValue) => {
        auditOrInputError(values.map((value, i) => ({ name: `upload-${i}.json`, value })), profileValue);
      }),
      { numRuns: 400 },
    );
  });

  it("resources of every type with junk inside: never anything but an InputError", () => {
    const types = ["virtualNetworks", "virtualNetworks/subnets", "networkSecurityGroups", "routeTables", "networkInterfaces", "applicationSecurityGroups", "privateEndpoints"];
    const resource = fc.record({
      id: fc.oneof(fc.constantFrom(`${NET}/x/a`, `${NET}/virtualNetworks/v/subnets/s`, "", "not-an-arm-id"), fc.string({ maxLength: 30 })),
      type: fc.oneof(fc.constantFrom(...types).map((t) => `Microsoft.Network/${t}`), fc.string({ maxLength: 20 })),
      name: fc.oneof(fc.string({ maxLength: 10 }), junk),
      properties: fc.oneof(fc.dictionary(fc.constantFrom("subnets", "securityRules", "routes", "ipConfigurations", "addressSpace", "addressPrefix", "networkSecurityGroup", "subnet"), junk, { maxKeys: 4 }), junk),
    });
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 6 }), (resources) => {
        auditOrInputError([{ name: "mixed.json", value: { value: resources } }], { roles: { cluster: ["vnet/subnet"] } });
      }),
      { numRuns: 400 },
    );
  });

  it("JSON text that is cut, corrupted or not JSON: parseJsonFile answers an InputError", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.nat(), fc.string({ maxLength: 4 }), (text, cut, noise) => {
        const corrupted = text.slice(0, cut % (text.length + 1)) + noise;
        try {
          parseJsonFile("upload.json", corrupted);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).message).toMatch(/^upload\.json/);
          expect((error as InputError).message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("pathological shapes: deep nesting, many keys, odd numbers", () => {
    let deep: unknown = [];
    for (let i = 0; i < 5_000; i++) deep = [deep];
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    for (const value of [deep, { value: [deep] }, wide, { value: [wide] }, { resources: [{ id: `${NET}/virtualNetworks/v`, type: "Microsoft.Network/virtualNetworks", properties: { subnets: [deep] } }] }]) {
      auditOrInputError([{ name: "odd.json", value }], { roles: {} });
    }
    try {
      parseJsonFile("deep.json", "[".repeat(100_000));
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
    }
  });
});
