// The flow query answers from the same engine as the audit: a query mirroring a finding gives the same verdict.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { loadSnapshot, parseJsonFile, parseProfile } from "../snapshot";
import type { Snapshot } from "../model/types";
import { queryFlow } from "./query";

const DEMO = path.resolve(__dirname, "../../fixtures/demo");
const CASES = path.resolve(__dirname, "../../../shared/cases");

function loadDir(dir: string): { snapshot: Snapshot; profile: ReturnType<typeof parseProfile> } {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !/^(profile.*|expect)\.json$/.test(f));
  const snapshot = loadSnapshot(files.map((f) => ({ name: f, value: parseJsonFile(f, fs.readFileSync(path.join(dir, f), "utf8")) })));
  const profile = parseProfile("profile.json", JSON.parse(fs.readFileSync(path.join(dir, "profile.json"), "utf8")));
  return { snapshot, profile };
}

const STATUS_OF = { allowed: "pass", blocked: "fail", partial: "warn" } as const;
const SERVICES: [string, string][] = [["CC-EGRESS-ARM", "AzureResourceManager"], ["CC-EGRESS-AAD", "AzureActiveDirectory"], ["CC-EGRESS-MONITOR", "AzureMonitor"]];

describe("queryFlow mirrors the audit", () => {
  const estates = [DEMO, ...(fs.existsSync(CASES) ? fs.readdirSync(CASES).map((c) => path.join(CASES, c)).filter((d) => fs.statSync(d).isDirectory()) : [])];
  for (const dir of estates) {
    it(`CycleCloud egress to each service tag in ${path.basename(dir)}`, () => {
      const { snapshot, profile } = loadDir(dir);
      const report = audit(snapshot, profile);
      let compared = 0;
      for (const s of report.subnets.filter((x) => x.role === "cyclecloud")) {
        for (const [rule, tag] of SERVICES) {
          const f = s.findings.find((x) => x.rule === rule)!;
          const q = queryFlow(snapshot, { from: s.id, to: tag, protocol: "tcp", port: "443" });
          expect(STATUS_OF[q.verdict], `${s.name} ${rule}`).toBe(f.status);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }

  it("names the firewall, the route and the missing FQDN for the demo's dev CycleCloud", () => {
    const { snapshot } = loadDir(DEMO);
    const q = queryFlow(snapshot, { from: "vnet-dev-spoke/snet-cyclecloud-dev", to: "management.azure.com", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("blocked");
    expect(q.stages.map((s) => s.stage)).toEqual(["nsg", "route", "firewall"]);
    expect(q.parts[0]).toContain("no rule matched for management.azure.com");
    expect(q.parts[0]).toContain("(AzureResourceManager)");
  });

  it("checks both ends for a destination inside the estate, from one NIC", () => {
    const { snapshot } = loadDir(DEMO);
    const nic = [...snapshot.nics.values()].find((n) => n.name === "nic-compute-01")!;
    const q = queryFlow(snapshot, { from: nic.id, to: "10.10.1.4", protocol: "tcp", port: "9443" });
    expect(q.verdict).toBe("allowed");
    expect(q.parts).toHaveLength(2);
    expect(new Set(q.stages.map((s) => s.side))).toEqual(new Set(["source", "destination"]));
  });

  it("refuses what it cannot read with an error naming the flag", () => {
    const { snapshot } = loadDir(DEMO);
    expect(() => queryFlow(snapshot, { from: "vnet-hub/nope", to: "1.2.3.4", protocol: "tcp", port: "1" })).toThrow(/^--from: /);
    expect(() => queryFlow(snapshot, { from: "vnet-hub/snet-cyclecloud", to: "not a thing!", protocol: "tcp", port: "1" })).toThrow(/^--to: /);
    expect(() => queryFlow(snapshot, { from: "vnet-hub/snet-cyclecloud", to: "1.2.3.4", protocol: "tcp", port: "99999" })).toThrow(/^--port: /);
  });
});
