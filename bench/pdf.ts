// PDF benchmark (not a test): `npx tsx bench/pdf.ts [--subnets 1000]`.
// Audits the 10,000-subnet bench estate (test/snapshot/generate-estate.ts) with 1 CycleCloud + 999 cluster subnets in
// roles, keeps the first 1,000 audited subnets (the export a person downloads for the subnets in a role), and renders
// their PDF once through the export path (lib/report/pdf-off-thread.ts: worker thread, Chromium, join). Reports the time
// of each phase, the CPU time of Node (this process: main and worker threads) and of Chromium during the PDF call, pages,
// bytes and the machine's load average before and after. Writes bench/out/pdf.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { audit } from "@/lib/audit";
import { renderPdfDocuments } from "@/lib/report/pdf-html";
import { renderPdfOffThread } from "@/lib/report/pdf-off-thread";
import { loadSnapshot } from "@/lib/snapshot";
import { BENCH_SIZE, generateEstate } from "../test/snapshot/generate-estate";
import { flag } from "./support/server";

const ROOT = path.resolve(__dirname, "..");
const ms = (t: number) => Math.round(t);
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime and cutime + cstime of a process from /proc/<pid>/stat, in ms (the fields after the `(comm)`). */
function procTimes(pid: number | "self"): { own: number; children: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const tick = (i: number) => (Number(f[i]) * 1000) / CLK_TCK;
    // f[0] is field 3 (state); utime..cstime are fields 14..17.
    return { own: tick(11) + tick(12), children: tick(13) + tick(14) };
  } catch {
    return undefined; // the process ended between readdir and read
  }
}

/** The child processes of every thread of `pid` (/proc/<pid>/task/<tid>/children). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (list) out.push(...list.split(" ").map(Number));
    }
  } catch {
    // the process ended meanwhile
  }
  return out;
}

/**
 * CPU of Chromium's processes, sampled: every 100 ms, the CPU time of every live descendant of this process (walked
 * through /proc/<pid>/task/<tid>/children, so a tick costs a few dozen reads), the last value seen per pid kept.
 * Chromium's renderers are forked by its zygote and are not reaped by us, so the children's totals in /proc/self/stat
 * miss most of them; the bench reports both. What a process spends after the last tick (< 100 ms) is not counted.
 */
function sampleDescendants(): () => number {
  const seen = new Map<number, number>();
  const tick = () => {
    const queue = childrenOf(process.pid);
    for (let i = 0; i < queue.length; i++) {
      const t = procTimes(queue[i]);
      if (t) seen.set(queue[i], t.own);
      queue.push(...childrenOf(queue[i]));
    }
  };
  const timer = setInterval(tick, 100);
  return () => {
    tick();
    clearInterval(timer);
    return [...seen.values()].reduce((a, b) => a + b, 0);
  };
}

async function main() {
  process.chdir(ROOT); // the worker file is found from the project root, as under `npm start`
  const wanted = flag("subnets", 1000, 10_000);
  const perVnet = Math.ceil(BENCH_SIZE.subnets / BENCH_SIZE.vnets);
  const ref = (s: number) => `vnet-${Math.floor(s / perVnet)}/subnet-${s % perVnet}`;
  const profile = { roles: { cyclecloud: [ref(0)], cluster: Array.from({ length: wanted - 1 }, (_, i) => ref(i + 1)), returnProxy: [] as string[] } };
  const snapshot = loadSnapshot([{ name: "estate.json", value: generateEstate(BENCH_SIZE) }]);
  const full = audit(snapshot, profile, { linkPrefix: "/scans/bench", sources: ["estate.json"] });
  const subnets = full.subnets.filter((s) => s.findings.length > 0).slice(0, wanted);
  const report = { ...full, subnets, summary: { ...full.summary, subnets: subnets.length, unscoped: 0 } };
  const findings = subnets.reduce((n, s) => n + s.findings.length, 0);
  const open = subnets.reduce((n, s) => n + s.findings.filter((f) => f.status === "fail" || f.status === "warn").length, 0);

  let t = performance.now();
  const docs = renderPdfDocuments(report, { scanId: "bench" });
  const htmlMs = performance.now() - t;
  const htmlChars = docs.reduce((n, d) => n + d.length, 0);

  const loadBefore = load();
  const before = procTimes("self")!;
  const stopSampling = sampleDescendants();
  t = performance.now();
  const pdf = await renderPdfOffThread(report, { scanId: "bench" });
  const pdfMs = performance.now() - t;
  const sampledChromiumMs = stopSampling();
  const after = procTimes("self")!;
  const loadAfter = load();

  const dir = mkdtempSync(path.join(tmpdir(), "lockdown-pdf-bench-"));
  let pages = 0;
  try {
    writeFileSync(path.join(dir, "bench.pdf"), pdf);
    pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [path.join(dir, "bench.pdf")], { encoding: "utf8" }))?.[1] ?? 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = {
    machine: `${process.platform} ${process.arch}, ${availableParallelism()} cores, Node ${process.version}`,
    subnets: subnets.length,
    findings,
    failingOrWarning: open,
    parts: docs.length,
    htmlChars,
    htmlBuildMs: ms(htmlMs),
    pdfMs: ms(pdfMs),
    // CPU during the PDF call: this process (main + worker thread: HTML, join, page numbers; the sampler's own /proc
    // reads are included) and Chromium (its processes, as reaped children and as sampled while they ran).
    cpuMs: {
      node: ms(after.own - before.own),
      chromiumReaped: ms(after.children - before.children),
      chromiumSampled: ms(sampledChromiumMs),
    },
    pages,
    bytes: pdf.length,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    target: "≤ 10,000 ms for 1,000 subnets",
  };
  mkdirSync(path.join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench", "out", "pdf.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((e: Error) => {
  console.error(`pdf bench: ${e.message}`);
  process.exit(1);
});
