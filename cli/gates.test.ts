// The CI gates of CONTRACT §2 as a user runs them: a real process, real files, exit codes and stderr.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../lib/report/__fixtures__/parse-csv";

const root = path.resolve(__dirname, "..");
const seed = (f: string) => path.join(root, "test/fixtures/seed", f);
const tmp = mkdtempSync(path.join(tmpdir(), "cli-gates-"));
const write = (name: string, value: unknown) => {
  const p = path.join(tmp, name);
  writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
  return p;
};

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, "scripts/audit.mjs"), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const snapshots = ["--snapshot", seed("vnet.json"), "--snapshot", seed("nsgs.json")];
// The seed estate: with only the CycleCloud subnet in a role, nothing fails and GitHub staging warns;
// with the cluster subnet too, NODE-EGRESS-STORAGE fails and NODE-SE-STORAGE warns.
const ccOnly = [...snapshots, "--profile", write("cc-only.json", { roles: { cyclecloud: ["vnet-hpc/cyclecloud"] } })];
const full = [...snapshots, "--profile", seed("profile.json")];
const who = { reason: "projects are staged from a storage account", owner: "hpc-ops@contoso.com" };
const staging = (expires: string, extra: object = {}) => [{ rule: "CC-GITHUB-STAGING", subnet: "VNET-HPC/cyclecloud", ...who, expires, ...extra }];

type Finding = { rule: string; status: string; verdict?: string; change?: string; id: string; exemption?: { reason: string }; exemptionLapsed?: { why: string } };
const findingsOf = (stdout: string): Finding[] => JSON.parse(stdout).subnets.flatMap((s: { findings: Finding[] }) => s.findings);
const byRule = (stdout: string, rule: string) => findingsOf(stdout).find((f) => f.rule === rule)!;

describe("--fail-on", () => {
  it("exits 1 on a warn only with --fail-on warn", async () => {
    expect((await run(ccOnly)).code).toBe(0);
    expect((await run([...ccOnly, "--fail-on", "fail"])).code).toBe(0);
    const warn = await run([...ccOnly, "--fail-on", "warn"]);
    expect(warn.code).toBe(1);
    expect(warn.stderr).toContain("warn CC-GITHUB-STAGING vnet-hpc/cyclecloud");
  });

  it("lists what fails when --fail-on fail is given, and stays quiet without a gate flag", async () => {
    const given = await run([...full, "--fail-on", "fail"]);
    expect(given.code).toBe(1);
    expect(given.stderr).toMatch(/^gate: \d+ findings? \(fail\):\n  fail NODE-EGRESS-STORAGE /m);
    const plain = await run(full);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe("");
  });

  it("rejects anything but fail or warn as a usage error", async () => {
    const r = await run([...ccOnly, "--fail-on", "info"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: arguments: --fail-on: expected fail or warn, got "info"');
  });
});

describe("--exemptions", () => {
  it("marks the finding exempt with its verdict and exemption, and the gate ignores it", async () => {
    const file = write("ex.json", staging("2999-12-31"));
    const r = await run([...ccOnly, "--fail-on", "warn", "--exemptions", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const github = byRule(r.stdout, "CC-GITHUB-STAGING");
    expect(github).toMatchObject({ status: "exempt", verdict: "warn", exemption: { ...who, expires: "2999-12-31", verdict: "warn" } });
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ pass: 1, warn: 0, exempt: 1 });
    expect(report.subnets.find((s: { name: string }) => s.name === "cyclecloud").status).toBe("pass");
  });

  it("exempts one failing finding by id; the rest still gates", async () => {
    const failing = byRule((await run(full)).stdout, "NODE-EGRESS-STORAGE");
    const file = write("ex-id.json", [{ finding: failing.id, ...who, expires: "2999-12-31" }]);
    expect((await run([...full, "--exemptions", file])).code).toBe(0);
    expect((await run([...full, "--exemptions", file, "--fail-on", "warn"])).code).toBe(1);
  });

  it("no longer applies once expired or when the verdict got worse than granted", async () => {
    const expired = await run([...ccOnly, "--fail-on", "warn", "--exemptions", write("ex-old.json", staging("2000-01-01"))]);
    expect(expired.code).toBe(1);
    expect(byRule(expired.stdout, "CC-GITHUB-STAGING")).toMatchObject({ status: "warn", exemptionLapsed: { why: "expired" } });
    const granted = await run([...ccOnly, "--fail-on", "warn", "--exemptions", write("ex-pass.json", staging("2999-12-31", { verdict: "pass" }))]);
    expect(granted.code).toBe(1);
    expect(byRule(granted.stdout, "CC-GITHUB-STAGING")).toMatchObject({ status: "warn", exemptionLapsed: { why: "worse" } });
  });

  it("names an exemption that selects nothing on stderr, without failing", async () => {
    const file = write("ex-none.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hpc/compute", ...who, expires: "2999-12-31" }]);
    const r = await run([...ccOnly, "--exemptions", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${file}: [0]: selects no finding`);
  });

  it.each([
    ["a bad expiry", () => write("bad-ex.json", staging("next year")), /^error: .*bad-ex\.json: \[0\]\.expires: expected a date YYYY-MM-DD$/],
    ["a missing owner", () => write("bad-owner.json", [{ rule: "CC-GITHUB-STAGING", subnet: "a/b", reason: "r", expires: "2999-01-01" }]), /^error: .*bad-owner\.json: \[0\]\.owner: /],
    ["malformed JSON", () => write("broken-ex.json", "[{"), /^error: .*broken-ex\.json: /],
    ["a missing file", () => path.join(tmp, "none.json"), /^error: .*none\.json: no such file$/],
  ])("exits 2 with one line naming the file and path for %s", async (_what, file, message) => {
    const r = await run([...ccOnly, "--exemptions", file()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe("--baseline", () => {
  it("exits 0 when every failing finding was already in the baseline, and marks them same", async () => {
    const baseline = write("base.json", (await run(full)).stdout);
    const r = await run([...full, "--baseline", baseline]);
    expect(r.code).toBe(0);
    expect(new Set(findingsOf(r.stdout).map((f) => f.change))).toEqual(new Set(["same"]));
    expect(JSON.parse(r.stdout).baseline).toMatchObject({ file: baseline, new: 0, worse: 0, gone: 0 });
  });

  it("exits 1 for a failing finding the baseline did not have, and marks it new", async () => {
    const baseline = write("base-cc.json", (await run(ccOnly)).stdout);
    const r = await run([...full, "--baseline", baseline]);
    expect(r.code).toBe(1);
    expect(byRule(r.stdout, "NODE-EGRESS-STORAGE").change).toBe("new");
    expect(byRule(r.stdout, "CC-EGRESS-STORAGE").change).toBe("same");
    expect(r.stderr).toContain("fail NODE-EGRESS-STORAGE vnet-hpc/compute (new)");
  });

  it("exits 1 for a finding that got worse: an exemption lapsed since the baseline", async () => {
    const baseline = write("base-ex.json", (await run([...ccOnly, "--exemptions", write("ex-ok.json", staging("2999-12-31"))])).stdout);
    const lapsed = write("ex-lapsed.json", staging("2000-01-01"));
    expect((await run([...ccOnly, "--baseline", baseline, "--exemptions", lapsed])).code).toBe(0); // a warn, below --fail-on fail
    const r = await run([...ccOnly, "--baseline", baseline, "--exemptions", lapsed, "--fail-on", "warn"]);
    expect(r.code).toBe(1);
    expect(byRule(r.stdout, "CC-GITHUB-STAGING")).toMatchObject({ status: "warn", change: "worse" });
    // The same warn with --fail-on warn against a baseline that already warned: not new, not worse.
    expect((await run([...ccOnly, "--baseline", write("base-warn.json", (await run(ccOnly)).stdout), "--fail-on", "warn"])).code).toBe(0);
  });

  it.each([
    ["a finding without status", "bad-base-1.json", { subnets: [{ id: "x", findings: [{ rule: "R" }] }] }, /^error: .*bad-base-1\.json: subnets\[0\]\.findings\[0\]\.status: /],
    ["a subnet id that is not a string", "bad-base-2.json", { subnets: [{ id: 1, findings: [] }] }, /^error: .*bad-base-2\.json: subnets\[0\]\.id: expected a string, got 1$/],
    ["a SARIF log", "bad-base-3.json", { version: "2.1.0", runs: [] }, /^error: .*bad-base-3\.json: is a SARIF log/],
  ])("exits 2 naming the file and path for %s", async (_what, name, value, message) => {
    const r = await run([...full, "--baseline", write(name, value)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toMatch(message);
  });

  it("writes the marked report with --out too", async () => {
    const baseline = write("base-out.json", (await run(ccOnly)).stdout);
    const out = path.join(tmp, "gated.json");
    expect((await run([...full, "--baseline", baseline, "--out", out])).code).toBe(1);
    expect(byRule(readFileSync(out, "utf8"), "NODE-SE-STORAGE").change).toBe("new");
  });
});

describe("SARIF for code scanning", () => {
  it("gives each finding the same fingerprint run after run, and exempt findings an accepted suppression", async () => {
    type Result = { ruleId: string; partialFingerprints: Record<string, string>; suppressions?: unknown[] };
    const results = (stdout: string): Result[] => JSON.parse(stdout).runs[0].results;
    const first = results((await run([...full, "--format", "sarif"])).stdout);
    const reordered = ["--snapshot", seed("nsgs.json"), "--snapshot", seed("vnet.json"), "--profile", seed("profile.json"), "--format", "sarif"];
    const second = results((await run(reordered)).stdout);
    const prints = (rs: Result[]) => rs.map((r) => `${r.ruleId}=${r.partialFingerprints["lockdownFinding/v1"]}`).sort();
    expect(prints(second)).toEqual(prints(first));
    const ids = Object.fromEntries(findingsOf((await run(full)).stdout).map((f) => [f.rule, f.id]));
    for (const r of first) expect(r.partialFingerprints["lockdownFinding/v1"]).toBe(ids[r.ruleId]);
    const exempt = results((await run([...full, "--format", "sarif", "--exemptions", write("ex-sarif.json", staging("2999-12-31"))])).stdout);
    expect(exempt.find((r) => r.ruleId === "CC-GITHUB-STAGING")!.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: `${who.reason} (owner ${who.owner}, expires 2999-12-31)` },
    ]);
    expect(exempt.filter((r) => r.suppressions)).toHaveLength(1);
  });
});

describe("CSV columns", () => {
  it("carries the az CLI fix, the share link (absolute with --base-url) and the portal URL", async () => {
    const parse = (text: string) => {
      const [header, ...body] = parseCsv(text);
      return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    };
    const r = await run([...full, "--format", "csv", "--base-url", "https://audit.contoso.com/"]);
    expect(r.code).toBe(1);
    const storage = parse(r.stdout).find((x) => x.rule === "NODE-EGRESS-STORAGE")!;
    const id = byRule((await run(full)).stdout, "NODE-EGRESS-STORAGE").id;
    expect(storage.link).toBe(`https://audit.contoso.com/findings/${id}`);
    expect(storage.portal_url).toMatch(/^https:\/\/portal\.azure\.com\/#@\/resource\/subscriptions\/.+\/virtualNetworks\/vnet-hpc\/subnets\/compute$/);
    expect(storage.fix_az_cli).toMatch(/^az network /m);
    expect(storage.verdict).toBe("fail");
    expect((await run([...full, "--format", "csv", "--base-url", "audit.contoso.com"])).stderr.trim()).toBe(
      'error: arguments: --base-url: expected an http(s) URL, got "audit.contoso.com"',
    );
  });
});
