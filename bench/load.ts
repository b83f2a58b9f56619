// Load benchmark (not a test): `npx tsx bench/load.ts [--duration 30] [--connections 50]`.
// Serves the demo estate from a fresh database on loopback, then drives the overview, the subnets
// page and one finding page with autocannon, one page after the other, and reports p50/p99 latency,
// throughput and errors. Uses the production build in NEXT_DIST_DIR (default .next; `npm run build`);
// WEB_CONCURRENCY=N runs N server processes (scripts/serve.mjs); HTML_CACHE_MB=0 measures without the page cache
// (scripts/html-cache.mjs). Each page's row has the machine's load average when its run started.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
// @ts-expect-error autocannon ships no type declarations
import autocannon from "autocannon";
import { Store } from "@/lib/store";
import { seedFromDirectory } from "@/lib/store/seed";
import { flag, startApp } from "./support/server";

const ROOT = path.resolve(__dirname, "..");




interface AutocannonResult {
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { average: number; total: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface Row {
  page: string;
  path: string;
  /** One request at a time (median of SERIAL_REQUESTS), each with its own query string: what one render costs. */
  renderMs: number;
  /** The same, all for the page's own URL: what serving it from the HTML cache costs (a render without the cache). */
  hitMs: number;
  /** How the server answered the page's URL after the warm-up (x-lockdown-cache: hit, miss; none without the cache). */
  cache: string;
  htmlBytes: number;
  /** 1-minute load average when this page's run started. */
  loadAverage: number;
  p50Ms: number;
  p99Ms: number;
  avgMs: number;
  maxMs: number;
  reqPerSec: number;
  mbPerSec: number;
  requests: number;
  /** Server CPU per answer during the run (WEB_CONCURRENCY=1: the one process). */
  serverCpuMsPerReq: number;
  /** This process's CPU (autocannon) per answer during the run. */
  clientCpuMsPerReq: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

function measure(url: string, connections: number, duration: number): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, timeout: 10 }, (error: Error | null, result: AutocannonResult) => (error ? reject(error) : resolve(result)));
  });
}

const SERIAL_REQUESTS = 30;

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Median wall time of SERIAL_REQUESTS requests made one after the other (`urlOf(i)`), and the last page's size. */
async function serialCost(urlOf: (i: number) => string): Promise<{ ms: number; htmlBytes: number }> {
  const times: number[] = [];
  let htmlBytes = 0;
  for (let i = 0; i < SERIAL_REQUESTS; i++) {
    const t = performance.now();
    htmlBytes = (await (await fetch(urlOf(i))).arrayBuffer()).byteLength;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(times.length / 2)] * 10) / 10, htmlBytes };
}

/** One render (a query string of its own misses the HTML cache; the pages ignore the parameter) and one cached answer. */
async function renderCost(url: string): Promise<{ renderMs: number; hitMs: number; htmlBytes: number; cache: string }> {
  const stamp = Date.now().toString(36);
  const render = await serialCost((i) => `${url}${url.includes("?") ? "&" : "?"}bench=${stamp}-${i}`);
  const hit = await serialCost(() => url);
  const cache = (await fetch(url)).headers.get("x-lockdown-cache") ?? "none";
  return { renderMs: render.ms, hitMs: hit.ms, htmlBytes: hit.htmlBytes, cache };
}

async function main() {
  const duration = flag("duration", 30, 600);
  const connections = flag("connections", 50, 600);
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(ROOT, distDir, "BUILD_ID"))) {
    throw new Error(`no production build in ${distDir}: run \`npm run build\` first (or set NEXT_DIST_DIR)`);
  }

  const dir = mkdtempSync(path.join(tmpdir(), "lockdown-load-"));
  const db = path.join(dir, "demo.db");
  const store = await Store.open(db);
  const scans = await seedFromDirectory(store, path.join(ROOT, "fixtures/demo"));
  const latest = scans[scans.length - 1];
  const report = (await store.getReport(latest.id))!;
  await store.close();
  const finding = report.subnets.flatMap((s) => s.findings).find((f) => f.status === "fail") ?? report.subnets.flatMap((s) => s.findings)[0];
  if (!finding) throw new Error("the demo estate has no finding to load");

  const serverProcesses = process.env.WEB_CONCURRENCY ?? "1";
  const htmlCacheMb = process.env.HTML_CACHE_MB?.trim();
  const { base, server, stop: stopServer } = await startApp({ root: ROOT, distDir, db, env: { WEB_CONCURRENCY: serverProcesses, ...(htmlCacheMb ? { HTML_CACHE_MB: htmlCacheMb } : {}) }, readyPath: "/" });

  const rows: Row[] = [];
  const loadAverageBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  try {
    const pages: [string, string][] = [
      ["overview", "/"],
      ["subnets", `/scans/${latest.id}/subnets`],
      ["finding", finding.link],
    ];
    // Warm-up: first renders compile route modules and fill the store's caches; not measured.
    // A page that failed to render still answers 200 (it streams), with the error's digest in its payload:
    // refuse to measure error pages (e.g. a stale build against a newer database).
    for (const [page, pagePath] of pages) {
      for (let i = 0; i < 5; i++) {
        const body = await (await fetch(`${base}${pagePath}`)).text();
        if (/E\{\\?"digest\\?"/.test(body)) throw new Error(`${page} (${pagePath}) renders an error; is the build (npm run build) current?`);
      }
    }

    for (const [page, pagePath] of pages) {
      const loadAverage = Math.round(loadavg()[0] * 100) / 100;
      const serial = await renderCost(`${base}${pagePath}`);
      process.stderr.write(
        `${page}: one render ${serial.renderMs} ms, cached ${serial.hitMs} ms (${serial.cache}, ${serial.htmlBytes} bytes); ${connections} connections for ${duration} s on ${pagePath} (load ${loadAverage})\n`,
      );
      const serverCpu = cpuMsOf(server.pid!);
      const clientCpu = process.cpuUsage();
      const r = await measure(`${base}${pagePath}`, connections, duration);
      const client = process.cpuUsage(clientCpu);
      rows.push({
        page,
        path: pagePath,
        ...serial,
        loadAverage,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        avgMs: Math.round(r.latency.average * 10) / 10,
        maxMs: r.latency.max,
        reqPerSec: Math.round(r.requests.average * 10) / 10,
        mbPerSec: Math.round((r.throughput.average / 1e6) * 100) / 100,
        requests: r.requests.total,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        // CPU per answer, which the machine's load inflates far less than latency: the server's, and autocannon's
        // (the load generator shares the cores, so on 2 cores their sum bounds the throughput).
        serverCpuMsPerReq: Math.round(((cpuMsOf(server.pid!) - serverCpu) / r.requests.total) * 100) / 100,
        clientCpuMsPerReq: Math.round(((client.user + client.system) / 1000 / r.requests.total) * 100) / 100,
      });
    }
  } finally {
    stopServer();
    rmSync(dir, { recursive: true, force: true });
  }

  console.table(rows);
  const outDir = path.join(ROOT, "bench/out");
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const conditions = { cores: availableParallelism(), loadAverageBefore, loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), serverProcesses: Number(serverProcesses), htmlCacheMb: htmlCacheMb ?? "default" };
  console.log(`machine: ${conditions.cores} cores, load average ${loadAverageBefore.join(" ")} before, ${conditions.loadAverage.join(" ")} at the end; ${conditions.serverProcesses} server process(es)`);
  writeFileSync(out, `${JSON.stringify({ connections, durationSeconds: duration, distDir, node: process.version, ...conditions, rows }, null, 2)}\n`);
  console.log(`written ${path.relative(ROOT, out)}`);
  const target = rows.every((r) => r.p99Ms < 300 && r.errors + r.timeouts + r.non2xx === 0);
  console.log(target ? "target met: p99 < 300 ms, no errors" : "target NOT met: p99 < 300 ms with no errors");
}

main().catch((error: Error) => {
  console.error(`load: ${error.message}`);
  process.exit(1);
});
