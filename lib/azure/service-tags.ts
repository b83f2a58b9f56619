// Service tag prefixes, read live with serviceTags.list(location) once per region in use, and
// saved in the ServiceTags_Public file format so the snapshot loads like an offline download.
import { NetworkManagementClient } from "@azure/arm-network";
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import { coreClientOptions, CallScope, type ArmClientSettings } from "./arm-pipeline";
import { runOperation } from "./operation";
import { mapPool } from "./pool";

export interface ServiceTagValue {
  name: string;
  id: string;
  properties: { region: string; addressPrefixes: string[]; systemService?: string; changeNumber?: string };
}

export interface ServiceTagsFile {
  values: ServiceTagValue[];
}

/** Regions in use: the VNets' locations, each with one subscription that holds a VNet there. */
export function regionsInUse(resources: Record<string, unknown>[]): { location: string; subscriptionId: string }[] {
  const byRegion = new Map<string, string>();
  for (const r of resources) {
    if (typeof r.type !== "string" || r.type.toLowerCase() !== "microsoft.network/virtualnetworks") continue;
    if (typeof r.location !== "string" || !r.location) continue;
    const location = r.location.toLowerCase().replace(/\s+/g, "");
    const sub = /^\/subscriptions\/([^/]+)/i.exec(String(r.id))?.[1];
    if (sub && !byRegion.has(location)) byRegion.set(location, sub);
  }
  return [...byRegion].sort(([a], [b]) => a.localeCompare(b)).map(([location, subscriptionId]) => ({ location, subscriptionId }));
}

interface SdkServiceTag {
  name?: string;
  id?: string;
  properties?: { region?: string; addressPrefixes?: string[]; systemService?: string; changeNumber?: string };
}

/** Merges the regions' lists: the same tag from two regions is kept once, its prefixes united. */
export function mergeServiceTags(lists: SdkServiceTag[][]): ServiceTagsFile {
  const merged = new Map<string, ServiceTagValue>();
  for (const list of lists) {
    for (const tag of list) {
      const name = tag.name ?? tag.id;
      if (!name) continue;
      const key = name.toLowerCase();
      const prefixes = tag.properties?.addressPrefixes ?? [];
      const existing = merged.get(key);
      if (existing) {
        const seen = new Set(existing.properties.addressPrefixes);
        for (const p of prefixes) if (!seen.has(p)) existing.properties.addressPrefixes.push(p);
        continue;
      }
      merged.set(key, {
        name,
        id: tag.id ?? name,
        properties: {
          region: tag.properties?.region ?? "",
          addressPrefixes: [...new Set(prefixes)],
          ...(tag.properties?.systemService ? { systemService: tag.properties.systemService } : {}),
          ...(tag.properties?.changeNumber ? { changeNumber: tag.properties.changeNumber } : {}),
        },
      });
    }
  }
  return { values: [...merged.values()] };
}

export async function readServiceTags(
  credential: TokenCredential,
  settings: ArmClientSettings,
  regions: { location: string; subscriptionId: string }[],
  concurrency: number,
  timeoutMs: number,
): Promise<{ serviceTags?: ServiceTagsFile; errors: ReadError[] }> {
  const errors: ReadError[] = [];
  const lists = await mapPool(regions, concurrency, async ({ location, subscriptionId }) => {
    const scope = new CallScope();
    const client = new NetworkManagementClient(credential, subscriptionId, coreClientOptions(settings, scope));
    const result = await runOperation(scope, subscriptionId, `serviceTags.list(${location})`, timeoutMs, (abortSignal) =>
      client.serviceTags.list(location, { abortSignal }),
    );
    if (!result.ok) {
      errors.push(result.error);
      return [];
    }
    return (result.value.values ?? []) as SdkServiceTag[];
  });
  const file = mergeServiceTags(lists);
  return { serviceTags: file.values.length ? file : undefined, errors };
}
