// The CLI reads --profile through parseProfileText (lib/snapshot/profile-text.ts): a key given twice in the profile
// file is exit 2 naming the file and key, not the last one kept silently.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const tmp = mkdtempSync(path.join(tmpdir(), "cli-profile-"));

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, "scripts/audit.mjs"), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe("audit CLI --profile", () => {
  it("exits 2 on a key given twice, naming the file and the key", async () => {
    const profile = path.join(tmp, "dup.json");
    writeFileSync(profile, '{"roles":{"cyclecloud":["vnet-hpc/cyclecloud"]},\n "roles":{"cluster":["vnet-hpc/compute"]}}');
    const { code, stderr } = await run(["--snapshot", path.join(root, "test/fixtures/seed/vnet.json"), "--profile", profile]);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`error: ${profile}: roles: given twice`);
  });
});
