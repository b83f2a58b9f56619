// Helpers the scenario modules share: the real ARM payloads they clone, ids, and naming.
import { readFileSync } from "node:fs";
import path from "node:path";

export type ArmResource = Record<string, unknown> & { id: string; name: string; type: string; location?: string; properties: Record<string, unknown> };

const TEMPLATE_DIR = path.join(__dirname, "arm-templates");
const templateCache = new Map<string, unknown>();

/** A fresh copy of one file of arm-templates/ (a real ARM example body). */
export function template<T = ArmResource>(file: string): T {
  if (!templateCache.has(file)) templateCache.set(file, JSON.parse(readFileSync(path.join(TEMPLATE_DIR, file), "utf8")));
  return structuredClone(templateCache.get(file)) as T;
}

export function subscriptionIdOf(index: number): string {
  return `5c1e0000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}

export interface Names {
  sub: string;
  rg: string;
  /** ARM itself is not consistent about the case of resource group names inside references. */
  rgRef: string;
  region: string;
  octet: number;
}

export function rid(n: Pick<Names, "sub" | "rg">, provider: string, rest: string, rg = n.rg): string {
  return `/subscriptions/${n.sub}/resourceGroups/${rg}/providers/${provider}/${rest}`;
}

/** The names of subscription `index` of a generated estate. */
export function namesOf(index: number, regions: readonly string[]): Names {
  return { sub: subscriptionIdOf(index), rg: `rg-hpc-${index}`, rgRef: `RG-HPC-${index}`, region: regions[index % regions.length], octet: index % 256 };
}

export const vnetIdOf = (index: number) => rid({ sub: subscriptionIdOf(index), rg: `rg-hpc-${index}` }, "Microsoft.Network", `virtualNetworks/vnet-hpc-${index}`);

export const ETAG = 'W/"00000000-0000-0000-0000-000000000000"';
