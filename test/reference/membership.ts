// Reads the engine's set representations point by point, so a sampled packet can be located in the
// engine's output. Deliberately naive: linear scans over the documented encodings.
import type { AddrSet } from "@/lib/net/addr-set";
import type { Intervals } from "@/lib/net/intervals";
import type { CoSet, TagSet } from "@/lib/net/tag-set";
import type { Box } from "@/lib/nsg/box";
import { PACKET_PROTOCOLS, type Packet, type PacketProtocol, type RefAddr } from "./nsg";

export function intervalsHave<T extends number | bigint>(set: Intervals<T>, x: T): boolean {
  for (let i = 0; i + 1 < set.length; i += 2) if (set[i] <= x && x <= set[i + 1]) return true;
  return false;
}

function coSetHas(c: CoSet, item: string): boolean {
  return c.neg !== c.items.has(item);
}

/** A base missing from `bases` has every region when `rest`, none otherwise. */
export function tagsHave(t: TagSet, base: string, region: string): boolean {
  const regions = t.bases.get(base);
  if (!regions) return t.rest;
  return coSetHas(regions, region);
}

export function addrSetHas(a: AddrSet, addr: RefAddr): boolean {
  if (addr.kind === "tag") return tagsHave(a.tags, addr.base, addr.region);
  return addr.family === 4 ? intervalsHave(a.v4, Number(addr.value)) : intervalsHave(a.v6, addr.value);
}

/** Bit i of a protocol mask is PACKET_PROTOCOLS[i] (Tcp = 1, Udp = 2, ...). */
export function protoBit(p: PacketProtocol): number {
  return 1 << PACKET_PROTOCOLS.indexOf(p);
}

export function boxHas(b: Box, p: Packet): boolean {
  return (
    (b.proto & protoBit(p.protocol)) !== 0 &&
    addrSetHas(b.src, p.src) &&
    intervalsHave(b.srcPorts, p.srcPort) &&
    addrSetHas(b.dst, p.dst) &&
    intervalsHave(b.dstPorts, p.dstPort)
  );
}
