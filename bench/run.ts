// `npm run bench`: the audit CLI on a synthetic estate of 10,000 subnets, 5,000 NSGs × 50 rules and
// 20,000 NICs. Machines here are small and noisy, so the figure that matters is a ratio measured in
// the same run: the CLI's wall time (and the audit phase alone) over a bare JSON.parse of the same file.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCH_SIZE, generateEstate } from "../test/snapshot/generate-estate";

const root = path.resolve(__dirname, "..");
const out = path.join(root, "bench/out");
mkdirSync(out, { recursive: true });
const estateFile = path.join(out, "estate.json");
const profileFile = path.join(out, "profile.json");

function writeInputs() {
  const resources = generateEstate(BENCH_SIZE) as { type: string; id: string; properties: { subnets?: { id: string }[] } }[];
  const subnetIds = resources.flatMap((r) => (r.type === "Microsoft.Network/virtualNetworks" ? (r.properties.subnets ?? []).map((s) => s.id) : []));
  writeFileSync(estateFile, JSON.stringify({ value: resources }));
  // Every subnet plays a part, so every rule runs: one CycleCloud subnet, one return proxy, the rest clusters.
  writeFileSync(profileFile, JSON.stringify({ roles: { cyclecloud: [subnetIds[0]], returnProxy: [subnetIds[1]], cluster: subnetIds.slice(2) } }));
}

function timeParse(): number {
  const t = performance.now();
  JSON.parse(readFileSync(estateFile, "utf8"));
  return performance.now() - t;
}

function runCli(): Promise<{ wallMs: number; code: number; stats: { phasesMs: Record<string, number>; maxRssMb: number } }> {
  const t = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--max-old-space-size=8192", path.join(root, "scripts/audit.mjs"), "--snapshot", estateFile, "--profile", profileFile, "--out", path.join(out, "report.json")],
      { env: { ...process.env, LOCKDOWN_STATS: "1" }, maxBuffer: 1 << 26 },
      (err, _stdout, stderr) => {
        const wallMs = performance.now() - t;
        const line = stderr.trim().split("\n").pop() ?? "{}";
        resolve({ wallMs, code: err ? ((err as { code?: number }).code ?? 1) : 0, stats: JSON.parse(line) });
      },
    );
  });
}

async function main() {
  writeInputs();
  const mb = statSync(estateFile).size / 1e6;
  // Warm the bundle and the file cache once, so neither is measured.
  await runCli();
  const parseBefore = timeParse();
  const cli = await runCli();
  const parseAfter = timeParse();
  const parseMs = (parseBefore + parseAfter) / 2;
  const report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8"));
  const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`estate: ${mb.toFixed(1)} MB, ${BENCH_SIZE.subnets} subnets, ${BENCH_SIZE.nsgs} NSGs × ${BENCH_SIZE.rulesPerNsg} rules, ${BENCH_SIZE.nics} NICs`);
  console.log(`findings: ${report.subnets.reduce((n: number, s: { findings: unknown[] }) => n + s.findings.length, 0)}; summary ${JSON.stringify(report.summary)}; exit ${cli.code}`);
  console.log(`JSON.parse of the file (read + parse, mean of two): ${f(parseMs)}`);
  console.log(`audit CLI wall time: ${f(cli.wallMs)}; phases ${JSON.stringify(cli.stats.phasesMs)}; peak RSS ${cli.stats.maxRssMb} MB`);
  console.log(`ratio CLI wall / JSON.parse: ${(cli.wallMs / parseMs).toFixed(2)}`);
  console.log(`ratio audit phase / JSON.parse: ${(cli.stats.phasesMs.audit / parseMs).toFixed(2)}`);
}

main();
