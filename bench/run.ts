// `npm run bench`: the audit CLI on two synthetic estates, each with a hub Azure Firewall (a 500-rule
// policy) that every VNet peers with and routes 0.0.0.0/0 through:
//   - the bench estate: 100 VNets, 10,000 subnets, 5,000 NSGs × 50 rules, 20,000 NICs, one deployment;
//   - the deployments estate: 1,000 VNets of 10 subnets, each VNet its own CycleCloud deployment.
//   - scaling: the deployments shape grown 1×, 2× and 4× in subnets, NSG rules, firewall rules and routes, by CPU
//     time (linear or not).
// Machines here are small and noisy, so the figure that matters is a ratio measured in the same run:
// the CLI's wall and CPU time (and the audit phase alone) over a bare JSON.parse of the same file.
// `npm run bench -- deployments`, `-- bench` or `-- scaling` runs one of them; `-- scaling routes` one dimension.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cpus, loadavg } from "node:os";
import { BENCH_SIZE, DEPLOYMENTS_SIZE, type EstateSize, generateEstate } from "../test/snapshot/generate-estate";

const root = path.resolve(__dirname, "..");
const out = path.join(root, "bench/out");
mkdirSync(out, { recursive: true });
interface Case {
  name: string;
  size: EstateSize;
  profile: (subnetIds: string[], perVnet: number) => unknown;
}

const CASES: Case[] = [
  {
    name: "bench",
    size: BENCH_SIZE,
    // Every subnet plays a part, so every rule runs: one CycleCloud subnet, one return proxy, the rest clusters.
    profile: (ids) => ({ roles: { cyclecloud: [ids[0]], returnProxy: [ids[1]], cluster: ids.slice(2) } }),
  },
  {
    name: "deployments",
    size: DEPLOYMENTS_SIZE,
    // One CycleCloud installation per VNet: its first subnet runs CycleCloud, the other nine are clusters.
    profile: (ids, perVnet) => ({
      deployments: Array.from({ length: Math.ceil(ids.length / perVnet) }, (_, d) => ({ name: `d${d}`, cyclecloud: [ids[d * perVnet]], cluster: ids.slice(d * perVnet + 1, (d + 1) * perVnet) })),
    }),
  },
];

function writeInputs(c: Case): { estateFile: string; profileFile: string } {
  const estateFile = path.join(out, `${c.name}-estate.json`);
  const profileFile = path.join(out, `${c.name}-profile.json`);
  const resources = generateEstate(c.size) as { type: string; id: string; name: string; properties: { subnets?: { id: string }[] } }[];
  const subnetIds = resources.flatMap((r) => (r.type === "Microsoft.Network/virtualNetworks" && r.name !== "vnet-hub" ? (r.properties.subnets ?? []).map((s) => s.id) : []));
  writeFileSync(estateFile, JSON.stringify({ value: resources }));
  writeFileSync(profileFile, JSON.stringify(c.profile(subnetIds, Math.ceil(c.size.subnets / c.size.vnets))));
  return { estateFile, profileFile };
}

/** Wall and CPU time (ms) of reading and parsing the file in this process: the baseline every ratio is over. */
function timeParse(estateFile: string): { wallMs: number; cpuMs: number } {
  const t = performance.now();
  const c = process.cpuUsage();
  JSON.parse(readFileSync(estateFile, "utf8"));
  const d = process.cpuUsage(c);
  return { wallMs: performance.now() - t, cpuMs: (d.user + d.system) / 1000 };
}

/**
 * Wall and CPU time (ms) of writing `report` as the CLI does (JSON.stringify with two-space indent, then to a file):
 * with the parse, the least any program that reads this input and writes this report must spend.
 */
function timeWrite(report: unknown, file: string): { wallMs: number; cpuMs: number; mb: number } {
  const t = performance.now();
  const c = process.cpuUsage();
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  const d = process.cpuUsage(c);
  return { wallMs: performance.now() - t, cpuMs: (d.user + d.system) / 1000, mb: Buffer.byteLength(text) / 1e6 };
}

interface CliStats {
  phasesMs: Record<string, number>;
  cpuMs: number;
  maxRssMb: number;
  /** Full collections the CLI's heap budget made (cli/heap-budget.ts); absent with LOCKDOWN_HEAP_BUDGET_MB=0. */
  budgetCollections?: number;
}

function runCli(estateFile: string, profileFile: string, reportFile: string): Promise<{ wallMs: number; code: number; stats: CliStats }> {
  const t = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--max-old-space-size=8192", path.join(root, "scripts/audit.mjs"), "--snapshot", estateFile, "--profile", profileFile, "--out", reportFile],
      { env: { ...process.env, LOCKDOWN_STATS: "1" }, maxBuffer: 1 << 26 },
      (err, _stdout, stderr) => {
        const wallMs = performance.now() - t;
        const line = stderr.trim().split("\n").pop() ?? "{}";
        let stats: CliStats = { phasesMs: {}, cpuMs: NaN, maxRssMb: 0 };
        try {
          stats = JSON.parse(line);
        } catch {
          process.stderr.write(`CLI said: ${stderr.slice(0, 2000)}\n`);
        }
        resolve({ wallMs, code: err ? ((err as { code?: number }).code ?? 1) : 0, stats });
      },
    );
  });
}

/** Runs of the CLI whose peak RSS is reported per estate (the measured run and this many less one more). */
const RSS_RUNS = 3;

async function measure(c: Case) {
  const { estateFile, profileFile } = writeInputs(c);
  const reportFile = path.join(out, `${c.name}-report.json`);
  const mb = statSync(estateFile).size / 1e6;
  // Warm the bundle and the file cache once, so neither is measured.
  await runCli(estateFile, profileFile, reportFile);
  const parseBefore = timeParse(estateFile);
  const load = loadavg()[0];
  const cli = await runCli(estateFile, profileFile, reportFile);
  const parseAfter = timeParse(estateFile);
  const parseMs = (parseBefore.wallMs + parseAfter.wallMs) / 2;
  const parseCpuMs = (parseBefore.cpuMs + parseAfter.cpuMs) / 2;
  // Which full collection comes last before the heap's peak varies from run to run, so one run's peak RSS proves little
  // about the goal (≤ 1 GB): two more runs, and the figure is the highest of the three.
  const rss = [cli.stats.maxRssMb];
  for (let run = 0; run < RSS_RUNS - 1; run++) rss.push((await runCli(estateFile, profileFile, reportFile)).stats.maxRssMb);
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const s = c.size;
  console.log(`\n[${c.name}] estate: ${mb.toFixed(1)} MB, ${s.vnets} VNets, ${s.subnets} subnets, ${s.nsgs} NSGs × ${s.rulesPerNsg} rules, ${s.nics} NICs, hub firewall with ${s.hub?.firewallRules ?? 0} rules, a route table per VNet`);
  console.log(`findings: ${report.subnets.reduce((n: number, x: { findings: unknown[] }) => n + x.findings.length, 0)}; summary ${JSON.stringify(report.summary)}; exit ${cli.code}`);
  console.log(`JSON.parse of the file (read + parse, mean of two): ${f(parseMs)}; load average ${load.toFixed(2)} on ${cpus().length} cores`);
  console.log(`audit CLI wall time: ${f(cli.wallMs)}; phases ${JSON.stringify(cli.stats.phasesMs)}; heap budget collections ${cli.stats.budgetCollections ?? "off"}`);
  console.log(`peak RSS over ${RSS_RUNS} runs: ${rss.join(", ")} MB (MB of 2^20 bytes); highest ${Math.max(...rss)} MB (goal ≤ 1,024)`);
  console.log(`ratio CLI wall / JSON.parse: ${(cli.wallMs / parseMs).toFixed(2)}`);
  console.log(`ratio audit phase / JSON.parse: ${((cli.stats.phasesMs.audit ?? NaN) / parseMs).toFixed(2)}`);
  console.log(`ratio CLI CPU / JSON.parse CPU: ${(cli.stats.cpuMs / parseCpuMs).toFixed(2)} (${f(cli.stats.cpuMs)} / ${f(parseCpuMs)})`);
  // The floor the report's own size sets: reading the input and writing this report, with no audit in between.
  const written = timeWrite(report, path.join(out, `${c.name}-floor.json`));
  const floorMs = parseMs + written.wallMs;
  console.log(`floor (JSON.parse of the input + JSON.stringify and write of the ${written.mb.toFixed(0)} MB report): ${f(floorMs)}, ${(floorMs / parseMs).toFixed(2)} × JSON.parse; CLI wall / floor: ${(cli.wallMs / floorMs).toFixed(2)}`);
}

/** One dimension of the estate grown 1×, 2× and 4× with everything else fixed: how CLI CPU time follows it. */
interface Dimension {
  name: string;
  unit: string;
  sizes: { label: string; units: number; size: EstateSize }[];
}

/** The deployments shape at `vnets` VNets of 10 subnets (a VNet per CycleCloud deployment, all behind one hub firewall). */
function deploymentsShape(vnets: number, over: Partial<EstateSize> = {}, hub: NonNullable<EstateSize["hub"]> = { firewallRules: 500 }): EstateSize {
  return { vnets, subnets: vnets * 10, nsgs: vnets * 5, rulesPerNsg: 50, nics: vnets * 20, hub, ...over };
}

const DIMENSIONS: Dimension[] = [
  { name: "subnets", unit: "subnet", sizes: [50, 100, 200].map((v) => ({ label: `${v * 10} subnets`, units: v * 10, size: deploymentsShape(v) })) },
  { name: "NSG rules", unit: "NSG rule", sizes: [50, 100, 200].map((r) => ({ label: `${r} rules per NSG (${500 * r} rules)`, units: 500 * r, size: deploymentsShape(100, { rulesPerNsg: r }) })) },
  // The policy's 500 rules decide; the added ones are walked by every flow from the spokes and decide nothing, so the
  // verdicts (and the fixes planned) stay the same while the rules grow.
  { name: "firewall rules", unit: "firewall rule", sizes: [0, 500, 1500].map((x) => ({ label: `${500 + x} firewall rules`, units: 500 + x, size: deploymentsShape(100, {}, { firewallRules: 500, extraRules: x }) })) },
  { name: "routes", unit: "route", sizes: [50, 100, 200].map((r) => ({ label: `${r + 3} routes per route table (${100 * (r + 3)} routes)`, units: 100 * (r + 3), size: deploymentsShape(100, {}, { firewallRules: 500, extraRoutes: r }) })) },
];

/**
 * Whether cost grows linearly in subnets, NSG rules, firewall rules and routes (issue 12): each grown 1×, 2× and 4×
 * from the deployments shape, by CLI CPU time (the least of two runs, as the machine is shared). Two figures per
 * dimension: the cost per unit at 4× over 1× (at most 1.0 when linear, as fixed costs spread out; a quadratic part
 * drives it towards 4), and the CPU the second doubling added over what the first added (2.0 is linear, since the
 * second step adds twice as many units; 4.0 is quadratic), unless the first step is within a run's noise. `npm run bench -- scaling` runs these alone,
 * `npm run bench -- scaling routes` one dimension.
 */
async function scaling(only?: string) {
  for (const d of DIMENSIONS.filter((x) => !only || x.name === only)) {
    const rows: { label: string; units: number; cpuMs: number }[] = [];
    for (const { label, units, size } of d.sizes) {
      const c: Case = { name: `scaling-${d.name.replace(/ /g, "-")}-${units}`, size, profile: CASES[1].profile };
      const { estateFile, profileFile } = writeInputs(c);
      const reportFile = path.join(out, `scaling-report.json`);
      let cpuMs = Infinity;
      for (let run = 0; run < 2; run++) cpuMs = Math.min(cpuMs, (await runCli(estateFile, profileFile, reportFile)).stats.cpuMs);
      rows.push({ label, units, cpuMs });
    }
    console.log(`\n[scaling: ${d.name}] deployments shape, CLI CPU time, least of two runs (load average ${loadavg()[0].toFixed(2)}):`);
    for (const r of rows) console.log(`  ${r.label}: ${(r.cpuMs / 1000).toFixed(2)} s`);
    const [a, b, c] = rows;
    const perUnit = c.cpuMs / c.units / (a.cpuMs / a.units);
    console.log(`  cost per ${d.unit} at 4× over 1×: ${perUnit.toFixed(2)} (at most 1.0 is linear, towards 4 quadratic)`);
    // A first step within the machine's noise (a few % of a run) makes the quotient meaningless.
    if (b.cpuMs - a.cpuMs < 0.1 * a.cpuMs) console.log(`  CPU added by the first doubling (${((b.cpuMs - a.cpuMs) / 1000).toFixed(2)} s) is within the noise of a run: no step ratio`);
    else console.log(`  CPU added by the second doubling over the first: ${((c.cpuMs - b.cpuMs) / (b.cpuMs - a.cpuMs)).toFixed(2)} (2.0 is linear, 4.0 quadratic)`);
  }
}

async function main() {
  const only = process.argv[2];
  for (const c of CASES) if (!only || only === c.name) await measure(c);
  if (!only || only === "scaling") await scaling(process.argv[3]);
}

main();
