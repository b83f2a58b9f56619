// Private DNS zones, their VNet links and record sets, as `az network private-dns zone list`, `link vnet list` and
// `record-set list` print them: for the tests of which linked zone answers a name (lib/path/linked-zones.ts,
// zone-overrides.ts). test/helpers/endpoint-hub.ts has the fixed privatelink.blob.core.windows.net zone of its estate.
import { id } from "./estate-builder";

export const zoneId = (zone: string) => id("privateDnsZones", zone);

/** The zone `name` itself. */
export const zone = (name: string) => ({ id: zoneId(name), name, type: "Microsoft.Network/privateDnsZones", location: "global", properties: {} });

/** The zone's link to VNet `vnet` (named `l-<vnet>`), with its `resolutionPolicy` when given (`NxDomainRedirect`). */
export const link = (zoneName: string, vnet: string, resolutionPolicy?: string) => ({
  id: `${zoneId(zoneName)}/virtualNetworkLinks/l-${vnet}`,
  name: `l-${vnet}`,
  type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  properties: { virtualNetwork: { id: id("virtualNetworks", vnet) }, virtualNetworkLinkState: "Completed", ...(resolutionPolicy ? { resolutionPolicy } : {}) },
});

/** The zone's A record set `name` → `ips`. */
export const a = (zoneName: string, name: string, ips: string[]) => ({ id: `${zoneId(zoneName)}/A/${name}`, name, type: "Microsoft.Network/privateDnsZones/A", properties: { ttl: 10, aRecords: ips.map((ipv4Address) => ({ ipv4Address })) } });

/** The zone's CNAME record set `name` → `target`. */
export const cname = (zoneName: string, name: string, target: string) => ({ id: `${zoneId(zoneName)}/CNAME/${name}`, name, type: "Microsoft.Network/privateDnsZones/CNAME", properties: { ttl: 10, cnameRecord: { cname: target } } });
