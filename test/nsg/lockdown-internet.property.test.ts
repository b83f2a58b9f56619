/*
 * The Internet CC-EGRESS-LOCKDOWN closes (AddressContext.internetOutsideRequiredTags, lib/nsg/context.ts), checked
 * address by address against the reference's token semantics (test/reference/nsg.ts), which shares no code with
 * lib/net or lib/nsg.
 *
 * Reference: a concrete address is in it when it is in `Internet` (public, outside the VNet's prefixes), is not the
 * platform's 168.63.129.16, and is in no prefix of a supplied entry of the four service tags the CycleCloud page's NSG
 * allows before BlockOutbound (Storage, AzureActiveDirectory, AzureMonitor, AzureResourceManager) or of one of their
 * variants (`Storage.WestEurope`); every other tag's prefixes (`Sql.EastUS`, `AzureLoadBalancer` here, `AzureCloud`
 * in Azure's file) stay in it. A symbolic point (a tag without prefixes) is never in it.
 * https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addrSetHas } from "../reference/membership";
import { type RefAddr, type RefWorld, addressTokenMatches, showAddr } from "../reference/nsg";
import { CANDIDATE_ADDRS, buildWorld, worldArb } from "./world";

const PAGE_TAGS = new Set(["storage", "azureactivedirectory", "azuremonitor", "azureresourcemanager"]);

function inTags(ref: RefWorld, addr: RefAddr, page: boolean): boolean {
  for (const [key, prefixes] of ref.serviceTags) {
    if (PAGE_TAGS.has(key.split(".")[0]) !== page) continue;
    if (prefixes.some((p) => addressTokenMatches(ref, p, addr))) return true;
  }
  return false;
}

function refLockdownInternet(ref: RefWorld, addr: RefAddr): boolean {
  if (addr.kind === "tag") return false;
  return addressTokenMatches(ref, "Internet", addr) && !addressTokenMatches(ref, "168.63.129.16", addr) && !inTags(ref, addr, true);
}

describe("the Internet a lockdown closes", () => {
  it("is, in every world, exactly the public addresses outside the VNet, the platform and the CycleCloud page's tags", () => {
    const seen = { inOtherTag: 0, carvedOut: 0, inside: 0 };
    fc.assert(
      fc.property(worldArb, (spec) => {
        const world = buildWorld(spec);
        const set = world.ctx.internetOutsideRequiredTags;
        for (const addr of CANDIDATE_ADDRS) {
          const want = refLockdownInternet(world.ref, addr);
          if (addrSetHas(set, addr) !== want) throw new Error(`at ${showAddr(addr)}: engine ${!want}, reference ${want}; world ${JSON.stringify(spec)}`);
          if (want) seen.inside++;
          if (want && inTags(world.ref, addr, false)) seen.inOtherTag++;
          if (!want && addressTokenMatches(world.ref, "Internet", addr) && addr.kind === "ip" && inTags(world.ref, addr, true)) seen.carvedOut++;
        }
      }),
      { numRuns: 120 },
    );
    // Both sides of the carve-out were met: another tag's public address kept in, a page tag's left out.
    expect(seen.inOtherTag).toBeGreaterThan(0);
    expect(seen.carvedOut).toBeGreaterThan(0);
    expect(seen.inside).toBeGreaterThan(0);
  });
});
