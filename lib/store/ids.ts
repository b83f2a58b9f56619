import { randomBytes } from "node:crypto";

/** Short, URL-safe, roughly time-ordered: `m3x9k2q1a7f4`. Share links carry it, so it never changes meaning. */
export function newScanId(now = Date.now()): string {
  const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, "0").slice(0, 5);
  return `${now.toString(36)}${random}`;
}
