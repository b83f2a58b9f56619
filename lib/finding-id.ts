// Stable id of a (subnet, rule) pair: the same finding keeps its id across scans, so share links and
// "since which scan" history can follow it. Two 32-bit FNV-1a hashes with different offsets give a
// 64-bit hex id; no crypto is needed for an identifier.
export function findingId(subnetKey: string, ruleId: string): string {
  const text = `${subnetKey.toLowerCase()}|${ruleId}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
