// Live-read benchmark: the real SDK read path against the local emulator, 200 subscriptions × 50
// subnets, list-all versus Resource Graph, in one run. `npx tsx bench/live.ts [--latency-ms N]`
// (N: simulated ARM round trip per request, default 0 = the reader's own cost only).
import { startEmulator } from "../test/emulator/arm-emulator";
import { generateEstate } from "../test/emulator/scenario";
import { runLiveRead } from "../test/emulator/run-live-read";

const SUBSCRIPTIONS = 200;
const SUBNETS = 50;
const PAGE_SIZE = 100;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: expected a number >= 0`);
  return v;
}

async function main(): Promise<void> {
  const latencyMs = arg("--latency-ms", 0);
  const estate = generateEstate({ subscriptions: SUBSCRIPTIONS, subnetsPerSubscription: SUBNETS });
  const emu = await startEmulator(estate, { pageSize: PAGE_SIZE, latencyMs });
  const rows: string[][] = [];
  try {
    for (const [label, resourceGraph] of [["list-all", false], ["Resource Graph", true]] as const) {
      emu.resetLog();
      const started = Date.now();
      const result = await runLiveRead(emu, { resourceGraph, concurrency: 4 });
      const wall = Date.now() - started;
      if (result.errors.length) throw new Error(`${label}: ${result.errors.length} read errors, first: ${JSON.stringify(result.errors[0])}`);
      const arm = emu.requests.filter((r) => r.server === "arm");
      if (arm.length !== result.stats.calls) throw new Error(`${label}: reader counted ${result.stats.calls} calls, emulator saw ${arm.length}`);
      rows.push([
        label,
        String(result.stats.calls),
        String(result.snapshot.resources.length),
        `${(result.stats.ms / 1000).toFixed(2)} s`,
        `${(wall / 1000).toFixed(2)} s`,
      ]);
    }
  } finally {
    await emu.stop();
  }
  const header = ["read", "ARM calls", "resources", "read time", "wall (incl. process start)"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(`${SUBSCRIPTIONS} subscriptions × ${SUBNETS} subnets, list pages of ${PAGE_SIZE}, Resource Graph pages of 1000, concurrency 4, simulated latency ${latencyMs} ms/request`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
