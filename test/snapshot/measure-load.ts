// Measures the loader against JSON.parse on the benchmark-sized estate:
//   npx tsx test/snapshot/measure-load.ts [arm|flat]
// Prints the size, then JSON.parse and loadSnapshot times: the first (cold) run and the median
// of the warm runs after it, as wall time and as this process's CPU time (steadier on a busy
// machine; it includes GC threads).
import { loadSnapshot } from "@/lib/snapshot";
import { generateEstate } from "./generate-estate";
import { flattenResource } from "./flatten";

const form = process.argv[2] === "flat" ? "flat" : "arm";
const resources = generateEstate();
const text = JSON.stringify(form === "flat" ? resources.map(flattenResource) : { value: resources });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parseTimes: number[] = [];
const loadTimes: number[] = [];
const parseCpu: number[] = [];
const loadCpu: number[] = [];
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
let counts = "";
for (let run = 0; run < 6; run++) {
  let t = performance.now();
  let cpu = process.cpuUsage();
  const value = JSON.parse(text);
  parseTimes.push(performance.now() - t);
  parseCpu.push(cpuMs(cpu));
  t = performance.now();
  cpu = process.cpuUsage();
  const snapshot = loadSnapshot([{ name: "bench.json", value }]);
  loadTimes.push(performance.now() - t);
  loadCpu.push(cpuMs(cpu));
  counts = `${snapshot.subnets.size} subnets, ${snapshot.nsgs.size} NSGs × ${[...snapshot.nsgs.values()][0].securityRules.length} rules, ${snapshot.nics.size} NICs`;
}
const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(`${form} form, ${(text.length / 1e6).toFixed(1)} MB, ${counts}`);
console.log(`JSON.parse    cold ${ms(parseTimes[0])}, warm median ${ms(median(parseTimes.slice(1)))}`);
console.log(`loadSnapshot  cold ${ms(loadTimes[0])}, warm median ${ms(median(loadTimes.slice(1)))}`);
console.log(`load/parse    cold ${(loadTimes[0] / parseTimes[0]).toFixed(2)}, warm ${(median(loadTimes.slice(1)) / median(parseTimes.slice(1))).toFixed(2)}`);
console.log(`CPU time      JSON.parse cold ${ms(parseCpu[0])} warm ${ms(median(parseCpu.slice(1)))}; loadSnapshot cold ${ms(loadCpu[0])} warm ${ms(median(loadCpu.slice(1)))}`);
