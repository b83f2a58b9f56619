// Protocol sets as bit masks over the protocols an NSG rule can name.
import type { Protocol } from "../model/types";

export const PROTOCOLS = ["Tcp", "Udp", "Icmp", "Esp", "Ah"] as const;
export type ProtoSet = number;
export const ALL_PROTOCOLS: ProtoSet = (1 << PROTOCOLS.length) - 1;
export const TCP: ProtoSet = 1;
export const UDP: ProtoSet = 2;

export function protoSetOf(p: Protocol): ProtoSet {
  if (p === "*") return ALL_PROTOCOLS;
  const i = PROTOCOLS.indexOf(p);
  return i < 0 ? 0 : 1 << i;
}

export function describeProtocols(p: ProtoSet): string {
  if (p === ALL_PROTOCOLS) return "any protocol";
  return PROTOCOLS.filter((_, i) => p & (1 << i))
    .map((x) => x.toUpperCase())
    .join("/");
}
