// `npm run query` as a process: JSON on stdout, exit 0 allowed, 1 blocked or partial, 2 bad input.
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const demo = ["vnets", "nsgs", "nics", "route-tables", "private-endpoints", "firewalls", "firewall-policies"].flatMap((f) => ["--snapshot", path.join(root, "fixtures/demo", `${f}.json`)]);

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, "scripts/query.mjs"), ...args], { cwd: root }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe("query CLI", () => {
  it("exits 1 for a blocked flow and prints the stages", async () => {
    const r = await run([...demo, "--from", "vnet-dev-spoke/snet-cyclecloud-dev", "--to", "management.azure.com", "--protocol", "tcp", "--port", "443"]);
    expect(r.code).toBe(1);
    const answer = JSON.parse(r.stdout);
    expect(answer.verdict).toBe("blocked");
    expect(answer.stages.map((s: { stage: string }) => s.stage)).toEqual(["nsg", "route", "firewall"]);
  });

  it("names the source subnet as vnet/subnet in its text, given its full id, and keeps the ids in from/to", async () => {
    const subnetId = "/subscriptions/8c3e4f1a-2b6d-4e7f-9a0b-1c2d3e4f5a6b/resourceGroups/rg-hpc-network/providers/Microsoft.Network/virtualNetworks/vnet-dev-spoke/subnets/snet-cyclecloud-dev";
    const r = await run([...demo, "--from", subnetId, "--to", "10.10.1.4", "--protocol", "tcp", "--port", "443"]);
    const answer = JSON.parse(r.stdout);
    expect(answer.from).toMatchObject({ subnet: subnetId, subnetName: "vnet-dev-spoke/snet-cyclecloud-dev", label: "vnet-dev-spoke/snet-cyclecloud-dev" });
    expect(answer.to).toMatchObject({ what: "10.10.1.4", subnetName: "vnet-hub/snet-cyclecloud" });
    expect(answer.to.subnet).toMatch(/\/virtualNetworks\/vnet-hub\/subnets\/snet-cyclecloud$/);
    expect(answer.parts[0]).toMatch(/^Outbound at vnet-dev-spoke\/snet-cyclecloud-dev to 10\.10\.1\.4: /);
    for (const text of [answer.from.label, ...answer.parts, ...answer.notes]) expect(text).not.toContain("/subscriptions/");
  });

  it("exits 0 for an allowed flow", async () => {
    const r = await run([...demo, "--from", "10.20.1.4", "--to", "vnet-hub/snet-cyclecloud", "--protocol", "tcp", "--port", "5672"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe("allowed");
  });

  it("exits 2 with one line naming the flag for bad input", async () => {
    const r = await run([...demo, "--from", "vnet-hub/snet-cyclecloud", "--to", "10.20.1.4", "--protocol", "sctp", "--port", "1"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe('error: --protocol: expected tcp, udp, icmp or any, got "sctp"');
  });

  it("takes --app: the demo's Https application rule lets dev CycleCloud reach login.microsoftonline.com as HTTPS, not as other", async () => {
    const ask = (app: string[]) => run([...demo, "--from", "vnet-dev-spoke/snet-cyclecloud-dev", "--to", "login.microsoftonline.com", "--protocol", "tcp", "--port", "443", ...app]);
    expect((await ask(["--app", "HTTPS"])).code).toBe(0);
    const other = await ask(["--app", "other"]);
    expect(other.code).toBe(1);
    const answer = JSON.parse(other.stdout);
    expect(answer.verdict).toBe("blocked");
    expect(answer.parts[0]).toContain("denied at Azure Firewall fw-hub");
  });

  it("exits 2 naming --app for another value, for a protocol other than tcp, and when given twice", async () => {
    const base = [...demo, "--from", "vnet-hub/snet-cyclecloud", "--to", "10.20.1.4"];
    const cases: [string[], string][] = [
      [["--port", "5672", "--app", "amqp"], 'error: --app: expected http, https or other, got "amqp"'],
      [["--protocol", "udp", "--port", "53", "--app", "https"], "error: --app: names what TCP traffic speaks, so it needs protocol tcp, not udp"],
      [["--protocol", "icmp", "--app", "other"], "error: --app: names what TCP traffic speaks, so it needs protocol tcp, not icmp"],
      [["--port", "443", "--app", "https", "--app", "http"], "error: --app: given twice"],
    ];
    for (const [args, error] of cases) {
      const r = await run([...base, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim()).toBe(error);
    }
  });

  it("exits 2 when a flag that takes one value is given twice (the last one won without a word)", async () => {
    const r = await run([...demo, "--from", "vnet-hub/snet-cyclecloud", "--to", "10.20.1.4", "--to", "Storage", "--port", "443"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe("error: --to: given twice");
  });
});
