// The CLI as a user runs it: a real process, real files, exit codes and stderr of CONTRACT §2.
import { execFile, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateEstate } from "../test/snapshot/generate-estate";

const root = path.resolve(__dirname, "..");
const seed = (f: string) => path.join(root, "test/fixtures/seed", f);
const tmp = mkdtempSync(path.join(tmpdir(), "cli-"));
const write = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, "scripts/audit.mjs"), ...args], { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const base = ["--snapshot", seed("vnet.json"), "--snapshot", seed("nsgs.json"), "--profile", seed("profile.json")];

describe("audit CLI", () => {
  it("prints the JSON report and exits 1 when a finding fails", async () => {
    const { code, stdout, stderr } = await run(base);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.summary).toMatchObject({ subnets: 2, fail: 1 });
    expect(report.subnets[0].findings[0]).toHaveProperty("evidence");
  });

  it("exits 0 when nothing fails, and writes --out instead of stdout", async () => {
    const profile = write("cc-only.json", JSON.stringify({ roles: { cyclecloud: ["vnet-hpc/cyclecloud"] } }));
    const out = path.join(tmp, "r.sarif");
    const { code, stdout } = await run(["--snapshot", seed("vnet.json"), "--snapshot", seed("nsgs.json"), "--profile", profile, "--format", "sarif", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).version).toBe("2.1.0");
  });

  it("writes the same JSON to --out as to stdout, over several pieces and multi-byte text", async () => {
    // 130 subnets are three pieces of the report writer (64 subnets each): a piece cut short, repeated or out of order
    // would show here.
    const resources = generateEstate({ vnets: 2, subnets: 130, nsgs: 4, rulesPerNsg: 4, nics: 8, hub: { firewallRules: 10 } }) as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
    const ids = resources.flatMap((x) => (x.type === "Microsoft.Network/virtualNetworks" && x.name !== "vnet-hub" ? (x.properties.subnets ?? []).map((s) => s.id) : []));
    const estate = write("many.json", JSON.stringify({ value: resources }));
    const profile = write("many-profile.json", JSON.stringify({ roles: { cyclecloud: [ids[0]], returnProxy: [], cluster: ids.slice(1) } }));
    const out = path.join(tmp, "many-report.json");
    const args = ["--snapshot", estate, "--profile", profile];
    const [toStdout, toFile] = [await run(args), await run([...args, "--out", out])];
    expect(toFile.stdout).toBe("");
    const written = readFileSync(out, "utf8");
    expect(JSON.parse(written).subnets.length).toBeGreaterThan(128);
    // The arrows of path evidence and details are multi-byte in UTF-8.
    expect(written).toContain("→");
    // generatedAt differs between the two runs; every other character is the same.
    const withoutTime = (text: string) => text.replace(/"generatedAt": "[^"]*"/, "");
    expect(withoutTime(written)).toBe(withoutTime(toStdout.stdout));
  });

  it("points each SARIF result at the line of the deciding rule in the snapshot file that holds it", async () => {
    const { code, stdout } = await run([...base, "--format", "sarif"]);
    expect(code).toBe(1);
    const results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn: number } } }[] }[] = JSON.parse(stdout).runs[0].results;
    const storage = results.find((r) => r.ruleId === "NODE-EGRESS-STORAGE")!.locations[0].physicalLocation;
    // Decided by nsg-cluster's DenyInternet, written by name (no id) in nsgs.json, the second --snapshot.
    const nsgs = readFileSync(seed("nsgs.json"), "utf8").split("\n");
    const line = nsgs.findIndex((l, i) => l.includes('"name": "DenyInternet"') && nsgs.slice(0, i).some((x) => x.includes('"name": "nsg-cluster"'))) + 1;
    expect(line).toBeGreaterThan(1);
    expect(storage.artifactLocation.uri).toMatch(/^file:\/\/\/.*\/test\/fixtures\/seed\/nsgs\.json$/);
    expect(storage.region).toEqual({ startLine: line, startColumn: nsgs[line - 1].indexOf('"name"') + 1, endLine: line, endColumn: nsgs[line - 1].indexOf('"name"') + 1 + '"name": "DenyInternet"'.length });
    for (const r of results) expect(r.locations[0].physicalLocation.region?.startLine).toBeGreaterThan(1);
  });

  it.each([
    ["malformed JSON", () => write("bad.json", '{"value": [ }'), /bad\.json: .*line 1/],
    ["an empty file", () => write("empty.json", "  \n"), /empty\.json: .*empty/],
    ["a missing file", () => path.join(tmp, "nope.json"), /nope\.json: no such file/],
  ])("exits 2 with one clear line for %s", async (_what, file, message) => {
    const { code, stderr, stdout } = await run(["--snapshot", file()]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("names the JSON path of an out-of-range priority", async () => {
    const nsgs = JSON.parse(readFileSync(seed("nsgs.json"), "utf8"));
    nsgs.value[0].properties.securityRules[2].properties.priority = "x";
    const file = write("nsg.json", JSON.stringify(nsgs));
    const { code, stderr } = await run(["--snapshot", file]);
    expect(code).toBe(2);
    expect(stderr).toContain('nsg.json: value[0].properties.securityRules[2].properties.priority: expected 100-4096, got "x"');
  });

  it("rejects a profile ref that matches no subnet", async () => {
    const profile = write("p.json", JSON.stringify({ roles: { cyclecloud: ["vnet-hpc/cyclecloud"], cluster: ["vnet-hpc/nope"] } }));
    const { code, stderr } = await run(["--snapshot", seed("vnet.json"), "--profile", profile]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/p\.json: roles\.cluster\[0\]: .*vnet-hpc\/nope/);
  });

  it("exits 2 naming both paths when two deployments name one CycleCloud subnet", async () => {
    const twice = { deployments: [{ name: "prod", cyclecloud: ["vnet-hpc/cyclecloud"], cluster: ["vnet-hpc/compute"] }, { name: "dev", cyclecloud: ["vnet-hpc/cyclecloud"] }] };
    const { code, stdout, stderr } = await run(["--snapshot", seed("vnet.json"), "--profile", write("twice.json", JSON.stringify(twice))]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/twice\.json: deployments\[1\]\.cyclecloud\[0\]: subnet vnet-hpc\/cyclecloud is already in deployment prod \(deployments\[0\]\.cyclecloud\[0\]\); a subnet belongs to one deployment/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects unknown flags and formats as usage errors", async () => {
    expect((await run([...base, "--format", "xml"])).code).toBe(2);
    const r = await run([...base, "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("frobnicate");
  });

  it("refuses a single-valued flag given twice, naming it; --snapshot repeats", async () => {
    const other = write("other-profile.json", JSON.stringify({ roles: { cyclecloud: ["vnet-hpc/cyclecloud"] } }));
    for (const [args, line] of [
      [["-p", other], "error: arguments: --profile: given twice (as --profile and -p)"],
      [["--profile", other], "error: arguments: --profile: given twice"],
      [["--fail-on", "warn", "--fail-on", "fail"], "error: arguments: --fail-on: given twice"],
      [["--service-tags", "a.json", "--service-tags=b.json"], "error: arguments: --service-tags: given twice"],
      [["-f", "md", "--format", "json"], "error: arguments: --format: given twice (as -f and --format)"],
      [["-o", "a.json", "-o", "b.json"], "error: arguments: --out: given twice"],
    ] as const) {
      const r = await run([...base, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim()).toBe(line);
    }
  });

  it("reads az list outputs concatenated in one file as the files apart; other documents in one file are refused", async () => {
    // As `az network vnet list > both.json; az network nsg list >> both.json` writes them.
    const list = (f: string) => JSON.stringify((JSON.parse(readFileSync(seed(f), "utf8")) as { value: unknown[] }).value, null, 2);
    const both = write("both.json", `${list("vnet.json")}\n${list("nsgs.json")}\n`);
    const [apart, joined] = [JSON.parse((await run(base)).stdout), JSON.parse((await run(["--snapshot", both, "--profile", seed("profile.json")])).stdout)];
    expect(joined.summary).toEqual(apart.summary);
    expect(joined.subnets).toEqual(apart.subnets);
    const pages = write("pages.json", '{"value": []}\n{"value": []}\n');
    const r = await run(["--snapshot", pages, "--profile", seed("profile.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`error: ${pages}: line 2, column 1: invalid JSON: unexpected '{' after the JSON value; two JSON documents in one file: give each output as its own snapshot file (-s FILE)`);
  });

  it("merges several files in any order into the same report", async () => {
    const a = JSON.parse((await run(base)).stdout);
    const b = JSON.parse((await run(["--snapshot", seed("nsgs.json"), "--snapshot", seed("vnet.json"), "--profile", seed("profile.json")])).stdout);
    delete a.generatedAt;
    delete b.generatedAt;
    delete a.sources;
    delete b.sources;
    expect(b).toEqual(a);
  });

  it("renders csv, md and pdf", async () => {
    const csv = await run([...base, "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toMatch(/rule/i);
    const md = await run([...base, "--format", "md"]);
    expect(md.stdout).toContain("NODE-EGRESS-STORAGE");
    const out = path.join(tmp, "r.pdf");
    await run([...base, "--format", "pdf", "--out", out]);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe("%PDF-");
  });
});

describe("a run that would audit nothing", () => {
  it("exits 2 naming --profile when none is given", async () => {
    const { code, stderr, stdout } = await run(["--snapshot", seed("vnet.json"), "--snapshot", seed("nsgs.json")]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toMatch(/^error: --profile: missing/);
  });

  it("exits 2 naming the profile file when it gives no subnet a role", async () => {
    const profile = write("empty-roles.json", JSON.stringify({ roles: {} }));
    const { code, stderr } = await run(["--snapshot", seed("vnet.json"), "--profile", profile]);
    expect(code).toBe(2);
    expect(stderr).toContain("empty-roles.json: no subnet has a role");
  });
});

describe("a report that cannot be written", () => {
  // A lost report is the environment's fault, not a verdict (1) nor a bug (70): exit 2, one line naming the output.
  const full = "/dev/full";
  it.each(["json", "md"])("exits 2 naming --out when the disk is full (--format %s)", async (format) => {
    const r = await run([...base, "--format", format, "--out", full]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`error: ${full}: cannot write (ENOSPC)`);
  });

  it.each(["json", "md"])("exits 2, not the gate's 1, when stdout fails with ENOSPC (--format %s)", async (format) => {
    const out = openSync(full, "w");
    const child = spawn(process.execPath, [path.join(root, "scripts/audit.mjs"), ...base, "--format", format], { cwd: root, stdio: ["ignore", out, "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    closeSync(out);
    expect(stderr.trim()).toBe("error: stdout: cannot write (ENOSPC)");
    expect(code).toBe(2);
  });
});

describe("a reader that stops early (`npm run audit -- ... | head -c 10`)", () => {
  it.each(["md", "json"])("ends the run quietly, with the verdict's exit code, when stdout closes (--format %s)", async (format) => {
    const demo = ["vnets", "nsgs", "nics", "route-tables", "private-endpoints", "firewalls", "firewall-policies"].flatMap((f) => ["-s", path.join(root, "fixtures/demo", `${f}.json`)]);
    const child = spawn(process.execPath, [path.join(root, "scripts/audit.mjs"), ...demo, "-p", path.join(root, "fixtures/demo/profile.json"), "--format", format], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Closed before the report is written: every write meets EPIPE (with `head` that depends on timing).
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    // The demo has failing findings: exit 1, as with the whole report read.
    expect(code).toBe(1);
  });
});

describe("audit CLI heap budget (cli/heap-budget.ts)", () => {
  const resources = generateEstate({ vnets: 2, subnets: 40, nsgs: 4, rulesPerNsg: 4, nics: 8, hub: { firewallRules: 10 } }) as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
  const ids = resources.flatMap((x) => (x.type === "Microsoft.Network/virtualNetworks" && x.name !== "vnet-hub" ? (x.properties.subnets ?? []).map((s) => s.id) : []));
  const estate = write("budget.json", JSON.stringify({ value: resources }));
  const profile = write("budget-profile.json", JSON.stringify({ roles: { cyclecloud: [ids[0]], returnProxy: [ids[1]], cluster: ids.slice(2) } }));
  const args = ["--snapshot", estate, "--profile", profile];
  const withoutTime = (text: string) => text.replace(/"generatedAt": "[^"]*"/, "");
  const stats = (stderr: string) => JSON.parse(stderr.split("\n").find((l) => l.startsWith("{"))!) as { budgetCollections?: number };

  it("collects at checkpoints when the heap is over the budget, and writes the same report as without one", async () => {
    // A 1 MB budget is passed whenever the heap has grown by a quarter since the last collection: several collect, and
    // none may change what the audit says.
    const [tight, off] = [await run(args, { LOCKDOWN_HEAP_BUDGET_MB: "1", LOCKDOWN_STATS: "1" }), await run(args, { LOCKDOWN_HEAP_BUDGET_MB: "0", LOCKDOWN_STATS: "1" })];
    expect(tight.code).toBe(off.code);
    expect(stats(tight.stderr).budgetCollections).toBeGreaterThan(1);
    expect(stats(off.stderr).budgetCollections).toBeUndefined();
    expect(withoutTime(tight.stdout)).toBe(withoutTime(off.stdout));
    const allSubnets = resources.reduce((n, x) => n + (x.properties.subnets?.length ?? 0), 0);
    expect(JSON.parse(tight.stdout).subnets).toHaveLength(allSubnets);
  });

  it("names LOCKDOWN_HEAP_BUDGET_MB in one line and exits 2 when it is not a whole number", async () => {
    for (const value of ["lots", "-5", "1.5"]) {
      const { code, stdout, stderr } = await run(args, { LOCKDOWN_HEAP_BUDGET_MB: value });
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n")).toEqual([`error: LOCKDOWN_HEAP_BUDGET_MB: expected a whole number of MB (0 turns the budget off), got ${JSON.stringify(value)}`]);
    }
  });
});
