// Small inputs that used to stall the server (issue 11, item 5): each is the demo estate plus one
// oversized part. Shared by bench/pathological.ts (the figures in README) and the hardening tests.
import { readFileSync } from "node:fs";
import path from "node:path";

const demo = path.resolve(__dirname, "../../fixtures/demo");
const SUB = "/subscriptions/8c3e4f1a-2b6d-4e7f-9a0b-1c2d3e4f5a6b";
const COMPUTE_SUBNET = `${SUB}/resourceGroups/rg-hpc-network/providers/Microsoft.Network/virtualNetworks/vnet-hpc-spoke/subnets/snet-compute`;

export interface NamedJson {
  name: string;
  value: unknown;
}

/** The demo estate's snapshot files, parsed, and its profile. */
export function demoSources(): { sources: NamedJson[]; profile: NamedJson } {
  const files = ["vnets.json", "nsgs.json", "nics.json", "route-tables.json", "private-endpoints.json"];
  return {
    sources: files.map((name) => ({ name, value: JSON.parse(readFileSync(path.join(demo, name), "utf8")) })),
    profile: { name: "profile.json", value: JSON.parse(readFileSync(path.join(demo, "profile.json"), "utf8")) },
  };
}

/** Scattered public /32s in a fixed pseudo-random order (a sorted list would hide the cost of unsorted merges). */
export function scatteredV4(count: number, seed: number): string[] {
  const out: string[] = [];
  let x = seed >>> 0 || 1;
  const used = new Set<number>();
  while (out.length < count) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    // 20.0.0.0 - 52.255.255.255: public, like Azure's own ranges; even addresses only, so no two merge.
    const addr = (0x14000000 + (x % 0x21000000)) & ~1;
    if (used.has(addr)) continue;
    used.add(addr);
    out.push(`${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/32`);
  }
  return out;
}

/** A ServiceTags_Public-shaped file with two tags of `perTag` prefixes each (20,000 → about 0.7 MB). */
export function bigServiceTags(perTag = 20_000): NamedJson {
  const entry = (name: string, seed: number) => ({
    name,
    id: name,
    properties: { changeNumber: 1, region: "", platform: "Azure", systemService: name, addressPrefixes: scatteredV4(perTag, seed) },
  });
  return { name: "service-tags.json", value: { changeNumber: 1, cloud: "Public", values: [entry("Storage", 7), entry("AzureActiveDirectory", 11)] } };
}

/** One more NSG rule on nsg-compute whose destination lists `count` prefixes. */
export function bigRuleSources(count = 160_000): NamedJson[] {
  const { sources } = demoSources();
  const nsgs = structuredClone(sources[1].value) as { value: { name: string; id: string; properties: { securityRules: unknown[] } }[] };
  const nsg = nsgs.value.find((n) => n.name === "nsg-compute")!;
  nsg.properties.securityRules.push({
    name: "AllowManyHosts",
    id: `${nsg.id}/securityRules/AllowManyHosts`,
    properties: {
      protocol: "Tcp",
      sourcePortRange: "*",
      destinationPortRange: "443",
      sourceAddressPrefix: "*",
      destinationAddressPrefixes: scatteredV4(count, 3),
      access: "Allow",
      priority: 3000,
      direction: "Outbound",
    },
  });
  return sources.map((s, i) => (i === 1 ? { name: s.name, value: nsgs } : s));
}

/** `count` NICs in snet-compute (10.20.0.0/16 addresses, one ASG), added to the demo estate. */
export function manyNicsSources(count = 80_000): NamedJson[] {
  const { sources } = demoSources();
  const nics = Array.from({ length: count }, (_, i) => {
    const host = 4 + i;
    const id = `${SUB}/resourceGroups/rg-hpc-compute/providers/Microsoft.Network/networkInterfaces/nic-many-${i}`;
    return {
      name: `nic-many-${i}`,
      id,
      type: "Microsoft.Network/networkInterfaces",
      properties: {
        ipConfigurations: [
          {
            name: "ipconfig1",
            id: `${id}/ipConfigurations/ipconfig1`,
            properties: {
              privateIPAddress: `10.20.${(host >>> 8) & 255}.${host & 255}`,
              subnet: { id: COMPUTE_SUBNET },
              applicationSecurityGroups: [{ id: `${SUB}/resourceGroups/rg-hpc-compute/providers/Microsoft.Network/applicationSecurityGroups/asg-many` }],
            },
          },
        ],
      },
    };
  });
  return [...sources, { name: "many-nics.json", value: nics }];
}

/**
 * `count` CycleCloud deployments (issue 12's shape at its most deployments): a VNet each with a CycleCloud and a cluster
 * subnet, the CycleCloud server a VM named by id in the profile. Placement used to scan every subnet per deployment and
 * every NIC per server named by VM id (deployments × subnets, deployments × NICs).
 */
export function manyDeploymentsSources(count = 4_000): { sources: NamedJson[]; profile: NamedJson } {
  const rg = `${SUB}/resourceGroups/rg-many`;
  const vnets = [];
  const nics = [];
  const deployments = [];
  for (let i = 0; i < count; i++) {
    const space = `10.${i >> 8}.${i & 255}`;
    const vnetId = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-d${i}`;
    vnets.push({
      name: `vnet-d${i}`,
      id: vnetId,
      type: "Microsoft.Network/virtualNetworks",
      properties: {
        addressSpace: { addressPrefixes: [`${space}.0/24`] },
        subnets: [
          { name: "cc", id: `${vnetId}/subnets/cc`, properties: { addressPrefix: `${space}.0/25` } },
          { name: "hpc", id: `${vnetId}/subnets/hpc`, properties: { addressPrefix: `${space}.128/25` } },
        ],
      },
    });
    const nicId = `${rg}/providers/Microsoft.Network/networkInterfaces/cc-${i}-nic`;
    nics.push({
      name: `cc-${i}-nic`,
      id: nicId,
      type: "Microsoft.Network/networkInterfaces",
      properties: {
        virtualMachine: { id: `${SUB}/resourceGroups/rg-many/providers/Microsoft.Compute/virtualMachines/cc-${i}` },
        ipConfigurations: [{ name: "ipconfig1", id: `${nicId}/ipConfigurations/ipconfig1`, properties: { privateIPAddress: `${space}.4`, subnet: { id: `${vnetId}/subnets/cc` } } }],
      },
    });
    deployments.push({ name: `d${i}`, cyclecloud: [`vnet-d${i}/cc`], cluster: [`vnet-d${i}/hpc`], cyclecloudServer: [`${SUB}/resourceGroups/rg-many/providers/Microsoft.Compute/virtualMachines/cc-${i}`] });
  }
  return { sources: [{ name: "vnets.json", value: vnets }, { name: "nics.json", value: nics }], profile: { name: "profile.json", value: { deployments } } };
}
