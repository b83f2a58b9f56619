// `--fix-all DIR` on the command line: the four files of the bundle, written next to the report.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bashAzCommands, checkBicep, checkTerraform } from "./checkers";

const root = path.resolve(__dirname, "../..");
const demo = (f: string) => path.join(root, "fixtures/demo", f);

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, "scripts/audit.mjs"), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe("audit --fix-all", () => {
  it("writes fix-all.sh, .ps1, .bicep and .tf for the demo estate, each passing its checker", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "fixall-")), "out");
    const args = ["vnets", "nsgs", "nics", "route-tables", "private-endpoints"].flatMap((n) => ["--snapshot", demo(`${n}.json`)]);
    const { code, stderr } = await run([...args, "--profile", demo("profile.json"), "--out", path.join(dir, "..", "report.json"), "--fix-all", dir]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const read = (ext: string) => readFileSync(path.join(dir, `fix-all.${ext}`), "utf8");
    const sh = bashAzCommands(read("sh"));
    expect(sh.ok).toBe(true);
    expect(sh.commands.length).toBeGreaterThan(0);
    expect(read("ps1")).toContain("$ErrorActionPreference = 'Stop'");
    // Before 7.3 a failed az call would not stop it: it refuses to run there.
    expect(read("ps1").split("\n")[0]).toBe("#Requires -Version 7.3");
    expect((await checkBicep(read("bicep"))).problems).toEqual([]);
    expect((await checkTerraform(read("tf"))).problems).toEqual([]);
  }, 120_000);

  it("creates missing parent directories, and refuses one it cannot create with one line (exit 2), never hanging", async () => {
    const args = [...["vnets", "nsgs"].flatMap((n) => ["--snapshot", demo(`${n}.json`)]), "--profile", demo("profile.json"), "--out", path.join(mkdtempSync(path.join(tmpdir(), "fixall-")), "r.json")];
    const nested = path.join(mkdtempSync(path.join(tmpdir(), "fixall-")), "a", "b");
    expect((await run([...args, "--fix-all", nested])).stderr).toBe("");
    expect(readFileSync(path.join(nested, "fix-all.sh"), "utf8")).toContain("az ");
    // Node's recursive mkdir spins forever under /proc; the CLI must answer.
    const refused = await run([...args, "--fix-all", "/proc/lockdown-auditor-nope/x"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: \/proc\/lockdown-auditor-nope\/x: cannot create the --fix-all directory \(\w+\)\n$/);
  }, 120_000);
});
