import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inputsFromDirectory, seedFromDirectory } from "./seed";
import { Store } from "./store";

const ESTATE = path.resolve(__dirname, "../../e2e/fixtures/estate");
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe("seedFromDirectory", () => {
  it("stores the older state first, with the parent's profile, then the current state", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lockdown-seed-"));
    const store = await Store.open(path.join(dir, "demo.db"));
    try {
      const [older, current] = await seedFromDirectory(store, ESTATE);
      expect([older.seq, current.seq]).toEqual([1, 2]);
      expect(older.label).toMatch(/earlier state/);
      expect((await store.latestScan())!.id).toBe(current.id);
      // Roles came from the parent's profile.json in both scans.
      for (const scan of [older, current]) expect(scan.summary.unscoped).toBeLessThan(scan.summary.subnets);
      expect((await store.getInputs(older.id))!.profile).toEqual((await store.getInputs(current.id))!.profile);
    } finally {
      await store.close();
    }
  });

  it("keeps the profile out of the estate's sources", () => {
    const inputs = inputsFromDirectory(ESTATE);
    expect(inputs.profile?.name).toBe("profile.json");
    expect(inputs.sources.map((s) => s.name)).not.toContain("profile.json");
  });
});
