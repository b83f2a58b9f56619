// `npx tsx bench/pathological.ts [tags|rule|nics|deployments]`: the small inputs that stalled the server (issue 11, item 5), each loaded and audited
// in this process. Not a test: the figures go to README ("Benchmarks"). Machines here are noisy; compare runs on one machine.
import { audit } from "../lib/audit";
import { loadSnapshot, parseProfile } from "../lib/snapshot";
import { bigRuleSources, bigServiceTags, demoSources, manyDeploymentsSources, manyNicsSources, type NamedJson } from "./support/pathological";

function run(label: string, sources: NamedJson[], serviceTags?: NamedJson, profile = demoSources().profile) {
  const bytes = JSON.stringify(sources.map((s) => s.value)).length + (serviceTags ? JSON.stringify(serviceTags.value).length : 0);
  const t0 = performance.now();
  const snapshot = loadSnapshot(sources, { serviceTags });
  const t1 = performance.now();
  const report = audit(snapshot, parseProfile(profile.name, profile.value));
  const t2 = performance.now();
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`${label.padEnd(44)} ${(bytes / 1e6).toFixed(1).padStart(5)} MB  load ${s(t1 - t0)}  audit ${s(t2 - t1)}  total ${s(t2 - t0)}  (${report.summary.fail} fail)`);
}

const only = process.argv[2];
if (!only || only === "tags") run("service tags: 2 tags × 20,000 prefixes", demoSources().sources, bigServiceTags(20_000));
if (!only || only === "rule") run("one rule with 160,000 prefixes", bigRuleSources(160_000));
if (!only || only === "nics") run("80,000 NICs in one subnet", manyNicsSources(80_000));
if (!only || only === "deployments") {
  const { sources, profile } = manyDeploymentsSources(4_000);
  run("4,000 deployments, servers named by VM id", sources, undefined, profile);
}
