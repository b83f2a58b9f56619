// Port sets on the 0–65535 line, parsed from NSG port fields (`*`, `443`, `1024-65535`).
import { type Intervals, range, union } from "./intervals";

export type PortSet = Intervals<number>;
export const ALL_PORTS: PortSet = [0, 65535];

export function parsePortRange(text: string): PortSet | null {
  const s = text.trim();
  if (s === "*") return ALL_PORTS;
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(s);
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || lo > hi) return null;
  return range(lo, hi);
}

export function parsePortRanges(list: readonly string[]): PortSet {
  let out: PortSet = [];
  for (const s of list) {
    const r = parsePortRange(s);
    if (r) out = union(out, r);
  }
  return out;
}

export function describePorts(p: PortSet): string {
  if (p.length === 2 && p[0] === 0 && p[1] === 65535) return "any port";
  const parts: string[] = [];
  for (let i = 0; i < p.length; i += 2) parts.push(p[i] === p[i + 1] ? String(p[i]) : `${p[i]}-${p[i + 1]}`);
  return (parts.length === 1 && p[0] === p[1] ? "port " : "ports ") + parts.join(", ");
}
