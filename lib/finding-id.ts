// Stable id of a (subnet, rule) pair: the same finding keeps its id across scans, so share links and
// "since which scan" history can follow it. FNV-1a 64-bit, hex; no crypto needed for an identifier.
export function findingId(subnetKey: string, ruleId: string): string {
  let h = 0xcbf29ce484222325n;
  const text = `${subnetKey.toLowerCase()}|${ruleId}`;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}
