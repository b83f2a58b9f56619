// A box is a product set of packets: protocols × source addresses × source ports × destination
// addresses × destination ports. An NSG rule matches exactly one box, so first-match evaluation
// is box intersection and box difference.
import {
  type AddrSet,
  addrIntersect,
  addrIsEmpty,
  addrOverlaps,
  addrSubtract,
} from "../net/addr-set";
import * as iv from "../net/intervals";
import type { PortSet } from "../net/ports";
import type { ProtoSet } from "../net/protocols";

export interface Box {
  proto: ProtoSet;
  src: AddrSet;
  srcPorts: PortSet;
  dst: AddrSet;
  dstPorts: PortSet;
}

export function boxIsEmpty(b: Box): boolean {
  return b.proto === 0 || b.srcPorts.length === 0 || b.dstPorts.length === 0 || addrIsEmpty(b.src) || addrIsEmpty(b.dst);
}

export function boxOverlaps(a: Box, b: Box): boolean {
  return (
    (a.proto & b.proto) !== 0 &&
    iv.overlaps(a.dstPorts, b.dstPorts) &&
    iv.overlaps(a.srcPorts, b.srcPorts) &&
    addrOverlaps(a.dst, b.dst) &&
    addrOverlaps(a.src, b.src)
  );
}

export function boxIntersect(a: Box, b: Box): Box {
  return {
    proto: a.proto & b.proto,
    src: addrIntersect(a.src, b.src),
    srcPorts: iv.intersect(a.srcPorts, b.srcPorts),
    dst: addrIntersect(a.dst, b.dst),
    dstPorts: iv.intersect(a.dstPorts, b.dstPorts),
  };
}

/**
 * a \ b as at most five disjoint boxes: peel off, one dimension at a time, the part of `a`
 * outside `b` in that dimension, then narrow `a` to `b` in it and go on.
 */
export function boxSubtract(a: Box, b: Box): Box[] {
  if (!boxOverlaps(a, b)) return [a];
  const out: Box[] = [];
  let rest = a;
  const proto = a.proto & ~b.proto;
  if (proto) out.push({ ...rest, proto });
  rest = { ...rest, proto: a.proto & b.proto };
  const dstPorts = iv.subtract(rest.dstPorts, b.dstPorts);
  if (dstPorts.length) out.push({ ...rest, dstPorts });
  rest = { ...rest, dstPorts: iv.intersect(rest.dstPorts, b.dstPorts) };
  const srcPorts = iv.subtract(rest.srcPorts, b.srcPorts);
  if (srcPorts.length) out.push({ ...rest, srcPorts });
  rest = { ...rest, srcPorts: iv.intersect(rest.srcPorts, b.srcPorts) };
  const dst = addrSubtract(rest.dst, b.dst);
  if (!addrIsEmpty(dst)) out.push({ ...rest, dst });
  rest = { ...rest, dst: addrIntersect(rest.dst, b.dst) };
  const src = addrSubtract(rest.src, b.src);
  if (!addrIsEmpty(src)) out.push({ ...rest, src });
  return out;
}

/**
 * One first-match step over `boxes`: the parts inside `within` (what a rule matching `within` takes) and the parts
 * outside it (what goes on to the next rule). Boxes missing `within` come back as they are.
 */
export function boxSplit(boxes: readonly Box[], within: Box): { inside: Box[]; outside: Box[] } {
  const inside: Box[] = [];
  const outside: Box[] = [];
  for (const b of boxes) {
    if (!boxOverlaps(b, within)) {
      outside.push(b);
      continue;
    }
    const hit = boxIntersect(b, within);
    if (!boxIsEmpty(hit)) inside.push(hit);
    outside.push(...boxSubtract(b, within));
  }
  return { inside, outside };
}
