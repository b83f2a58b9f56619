// fix-all.sh says, as `# Note:` lines, what each fix's own forms say about a changed resource shared with other
// subnets (render.ts sharedNote): a fix's side effects do not go unsaid because it is applied in a bundle.
import { describe, expect, it } from "vitest";
import { fixAll } from "../../lib/fixes/fix-all";
import { spokesEstate } from "../helpers/spokes";

const roles = { cyclecloud: ["vnet-cc/snet-cc"], returnProxy: ["vnet-rp/snet-rp"], cluster: [] };

/** The spokes of test/helpers/spokes.ts, as a snapshot. */
const spokes = (alsoOnRtCc: boolean) => spokesEstate({ alsoOnRtCc }).snapshot();

const notes = (sh: string) => sh.split("\n").filter((l) => l.startsWith("# Note:"));

describe("fix-all.sh and resources shared with other subnets", () => {
  it("names, in a note, the subnet outside the fixes that shares a changed route table, and the fix that changes it", () => {
    const bundle = fixAll(spokes(true), { roles });
    expect(bundle.changes.some((c) => c.kind === "add-route" && c.routeTableKey.endsWith("/routetables/rt-cc"))).toBe(true);
    const shared = notes(bundle.sh).filter((l) => l.includes('"vnet-cc/snet-jump"'));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.join("\n")).toMatch(/^# Note: The fix(es)? for [A-Z-]+ on "vnet-[a-z]+\/snet-[a-z]+"[^\n]*: This also changes traffic of 1 other subnet sharing the resource: "vnet-cc\/snet-jump"\.$/m);
    // The notes come before the commands, as the others do.
    expect(bundle.sh.indexOf('"vnet-cc/snet-jump"')).toBeLessThan(bundle.sh.indexOf("set -euo pipefail"));
  });

  it("says nothing of the kind when no other subnet shares what the fixes change", () => {
    const bundle = fixAll(spokes(false), { roles });
    expect(notes(bundle.sh).filter((l) => /other subnets?\b|shared with/.test(l))).toEqual([]);
  });
});
