// Every handed case under ../shared/cases (small estates from real failure reports) is a test of the
// project: the engine's verdicts must match its expect.json, exactly as the shared check.mjs reads it. The project's
// own cases (test/cases/reports: more public failure reports, many with a control that differs by the fault alone)
// run the same way; `CASES_DIR=test/cases/reports node ../shared/cases/check.mjs .` runs them through the CLI.
// One case is also run through the CLI process, as check.mjs does, so the exit code is covered end to end.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";

const CASES = path.resolve(__dirname, "../../../shared/cases");
const ROOT = path.resolve(__dirname, "../..");

interface Expect {
  exit: number | null;
  subnets: Record<string, { status: string[]; findings: Record<string, string[]>; mentions?: Record<string, string[]>; fixMentions?: Record<string, Record<string, string[]>> }>;
}

const OWN = path.resolve(__dirname, "reports");

const folders = (root: string) => (fs.existsSync(root) ? fs.readdirSync(root).filter((n) => fs.statSync(path.join(root, n)).isDirectory()).sort() : []);
const names = folders(CASES);

function runCase(name: string, root = CASES) {
  const dir = path.join(root, name);
  const snaps = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !["expect.json", "profile.json"].includes(f)).sort();
  const snapshot = loadSnapshot(snaps.map((f) => ({ name: f, value: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) })));
  const profile = parseProfile("profile.json", JSON.parse(fs.readFileSync(path.join(dir, "profile.json"), "utf8")));
  return { report: audit(snapshot, profile), expect: JSON.parse(fs.readFileSync(path.join(dir, "expect.json"), "utf8")) as Expect, dir, snaps };
}

describe.runIf(names.length > 0)("shared cases", () => {
  it("finds the cases folder", () => {
    expect(names).toEqual(expect.arrayContaining(["admin-rule-denies-443", "firewall-policy-misses-arm", "private-subnet-no-outbound", "route-to-none", "scale-set-nic-nsg"]));
  });

  for (const name of names) it(`${name} holds`, () => holds(name, CASES));

  it("route-to-none through the CLI process exits 1 with the route named", () => {
    const { dir, snaps } = runCase("route-to-none");
    const r = spawnSync("node", ["scripts/audit.mjs", ...snaps.flatMap((s) => ["--snapshot", path.join(dir, s)]), "--profile", path.join(dir, "profile.json")], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("drop-default");
  });
});

describe("the project's own cases from public failure reports", () => {
  const own = folders(OWN);
  it("finds them, each with its NOTE.md naming a public source", () => {
    expect(own.length).toBeGreaterThanOrEqual(36);
    for (const name of own) expect(fs.readFileSync(path.join(OWN, name, "NOTE.md"), "utf8"), name).toMatch(/https:\/\//);
  });
  for (const name of own) it(`${name} holds`, () => holds(name, OWN));
});

/** The case's verdicts, statuses, mentions and fix texts against its expect.json, as check.mjs reads it. */
function holds(name: string, root: string) {
  const { report, expect: want } = runCase(name, root);
  const failed = report.subnets.some((s) => s.findings.some((f) => f.status === "fail"));
  if (want.exit !== null) expect(failed ? 1 : 0, "exit").toBe(want.exit);
  for (const [sname, w] of Object.entries(want.subnets)) {
    const got = report.subnets.find((s) => s.name.toLowerCase() === sname || s.id.toLowerCase().endsWith(`/subnets/${sname}`));
    expect(got, sname).toBeDefined();
    expect(w.status, `${sname} status`).toContain(got!.status);
    for (const [rule, ok] of Object.entries(w.findings)) expect(ok, `${sname} ${rule}`).toContain(got!.findings.find((f) => f.rule === rule)?.status);
    for (const [rule, texts] of Object.entries(w.mentions ?? {})) {
      const f = got!.findings.find((x) => x.rule === rule);
      const hay = `${f?.detail ?? ""} ${JSON.stringify(f?.evidence ?? [])}`.toLowerCase();
      for (const t of texts) expect(hay, `${sname} ${rule} mentions ${t}`).toContain(t.toLowerCase());
    }
    for (const [rule, kinds] of Object.entries(w.fixMentions ?? {})) {
      const f = got!.findings.find((x) => x.rule === rule);
      for (const [kind, texts] of Object.entries(kinds)) {
        const fx = (f?.fixes ?? []).filter((x) => x.kind === kind).map((x) => x.text).join("\n");
        for (const t of texts) expect(fx, `${sname} ${rule} ${kind} fix`).toContain(t);
      }
    }
  }
}
