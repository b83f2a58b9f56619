// Adding a service endpoint keeps the subnet's other endpoints with their `locations` (Azure returns them for every
// endpoint). azure-cli's `az network vnet subnet update --service-endpoints A B` replaces the whole list with endpoints
// that carry only a service (VNetSubnetUpdate.pre_operations maps each name to `{"service": name}`), so Azure would reset
// a re-sent endpoint's locations to the service's default. The az CLI fix appends the new endpoint with the generic
// update (`--add serviceEndpoints service=X`, no JSON, so PowerShell is offered too); only where it replaces an endpoint
// (the other Storage kind) does it set the whole list (`--set serviceEndpoints=<JSON>`), each endpoint kept with every
// field it was read with. Every form names the endpoints and locations kept.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { azCommands, psProblem, toPowerShell } from "../../lib/fixes/az";
import { fixAll } from "../../lib/fixes/fix-all";
import { renderTerraform } from "../../lib/fixes/render";
import type { Change } from "../../lib/fixes/types";
import type { Snapshot } from "../../lib/model/types";
import { estate, finding } from "../helpers/estate-builder";
import { applyAz } from "./apply-az";
import { bashAzCommands, powerShellAzCommands } from "./checkers";

const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"], returnProxy: [] };

/** A private cluster subnet (no outbound path) with `endpoints`, each read with locations ["westeurope"]. */
function builder(endpoints: { service: string }[] = [{ service: "Microsoft.KeyVault" }]) {
  return estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/compute", "10.1.8.0/22", { defaultOutboundAccess: false, serviceEndpoints: endpoints });
}
const privateCluster = (endpoints?: { service: string }[]) => builder(endpoints).snapshot();

const computeKey = (s: Snapshot) => [...s.subnets.keys()].find((k) => k.endsWith("/subnets/compute"))!;

/** `s` with the compute subnet's ARM `serviceEndpoints` as `endpoints` (the model's list unchanged). */
function withArmEndpoints(s: Snapshot, endpoints: unknown[]): Snapshot {
  const key = computeKey(s);
  const subnets = new Map(s.subnets);
  const subnet = s.subnets.get(key)!;
  subnets.set(key, { ...subnet, armProperties: { ...subnet.armProperties, serviceEndpoints: endpoints } });
  return { ...s, subnets };
}

/** The one `az network vnet subnet update` of `argvs` that changes compute's endpoints. */
function endpointUpdate(argvs: string[][]): string[] {
  const updates = argvs.filter((argv) => argv.slice(0, 4).join(" ") === "network vnet subnet update" && argv[argv.indexOf("--name") + 1] === "compute" && !argv.includes("--network-security-group"));
  expect(updates).toHaveLength(1);
  return updates[0];
}

/** The endpoint arguments of that update, as bash hands them to az (from `--vnet-name`'s value on, less `--name`). */
function bashEndpointArgs(text: string): string[] {
  const run = bashAzCommands(text);
  expect(run.error).toBeUndefined();
  const argv = endpointUpdate(run.commands);
  return argv.slice(argv.indexOf("--name") + 2);
}

/** The endpoint list a `--set serviceEndpoints=<JSON>` word sends. */
const setList = (args: readonly string[]) => {
  expect(args[0]).toBe("--set");
  expect(args[1].startsWith("serviceEndpoints=")).toBe(true);
  return JSON.parse(args[1].slice("serviceEndpoints=".length)) as unknown[];
};

const APPEND = ["--add", "serviceEndpoints", "service=Microsoft.Storage.Global"];
const KEPT = { service: "Microsoft.KeyVault", locations: ["westeurope"] };
const NOTE = 'Subnet "spoke/compute" keeps its service endpoints with their locations: "Microsoft.KeyVault" ("westeurope").';

describe("a service endpoint fix on a subnet whose endpoints it displaces none of", () => {
  it("az CLI appends the new endpoint, leaving the others and their locations: no `--service-endpoints`, no JSON", () => {
    const f = finding(audit(privateCluster(), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(bashEndpointArgs(f.fixes.find((x) => x.kind === "az-cli")!.text)).toEqual(APPEND);
  });

  it("the PowerShell form is offered and hands az the same words", () => {
    const f = finding(audit(privateCluster(), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    const ps = f.fixes.find((x) => x.kind === "powershell")!.text;
    expect(ps).not.toContain("Not offered");
    const argv = endpointUpdate(powerShellAzCommands(ps));
    expect(argv.slice(argv.indexOf("--name") + 2)).toEqual(APPEND);
    const snapshot = privateCluster();
    const [cmd] = azCommands(snapshot, { kind: "add-service-endpoint", subnetKey: computeKey(snapshot), service: "Microsoft.Storage.Global" });
    expect(psProblem(cmd)).toBeUndefined();
    expect(toPowerShell(cmd)).toMatch(/ --add 'serviceEndpoints' 'service=Microsoft\.Storage\.Global'$/);
  });

  it("applied as Azure would, the subnet has its endpoint and the new one, and Storage passes", () => {
    const b = builder();
    const f = finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(applyAz(b, f.fixes.find((x) => x.kind === "az-cli")!.text)).toBe(1);
    expect(b.snapshot().subnets.get(computeKey(b.snapshot()))!.serviceEndpoints.map((e) => e.service)).toEqual(["Microsoft.KeyVault", "Microsoft.Storage.Global"]);
    expect(finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE").status).toBe("pass");
    // Appending it again would send Azure the same service twice: the harness refuses it.
    expect(() => applyAz(b, f.fixes.find((x) => x.kind === "az-cli")!.text)).toThrow(/already on compute/);
  });

  it("every form names the endpoints and locations kept; Bicep and Terraform write the locations", () => {
    const f = finding(audit(privateCluster(), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    for (const kind of ["az-cli", "powershell", "bicep", "terraform", "portal"]) expect(f.fixes.find((x) => x.kind === kind)!.text.replace(/\n(#|\/\/) /g, " "), kind).toContain(NOTE);
    expect(f.fixes.find((x) => x.kind === "bicep")!.text).toMatch(/service: 'Microsoft\.KeyVault'\s+locations: \[\s+'westeurope'\s+\]/);
    expect(f.fixes.find((x) => x.kind === "terraform")!.text).toMatch(/locations\s*=\s*\["westeurope"\]/);
  });

  it("fix-all appends it too, in the script and the PowerShell script; Bicep and Terraform keep the locations", () => {
    const bundle = fixAll(privateCluster(), { roles });
    expect(bashEndpointArgs(bundle.sh)).toEqual(APPEND);
    expect(bundle.sh).toContain(`# Note: ${NOTE}`);
    expect(bundle.notIn.ps1).toEqual([]);
    const argv = endpointUpdate(powerShellAzCommands(bundle.ps1));
    expect(argv.slice(argv.indexOf("--name") + 2)).toEqual(APPEND);
    expect(bundle.bicep).toMatch(/service: 'Microsoft\.KeyVault'\s+locations: \[\s+'westeurope'\s+\]/);
    expect(bundle.tf).toMatch(/locations\s*=\s*\["westeurope"\]/);
  });

  it("rendered against a bundle's end state, each change appends its own endpoint; Terraform keeps the locations read", () => {
    const read = privateCluster();
    const key = computeKey(read);
    // A snapshot that holds the subnet's endpoints but not its ARM properties (the model only).
    const subnets = new Map(read.subnets);
    subnets.set(key, { ...read.subnets.get(key)!, armProperties: undefined });
    const asRead: Snapshot = { ...read, subnets };
    const changes: Change[] = [
      { kind: "add-service-endpoint", subnetKey: key, service: "Microsoft.Sql" },
      { kind: "add-service-endpoint", subnetKey: key, service: "Microsoft.Storage.Global" },
    ];
    const end = applyChanges(asRead, changes).snapshot;
    const tf = renderTerraform(end, changes, new Set(), asRead);
    expect("text" in tf && tf.text).toMatch(/locations\s*=\s*\["westeurope"\]/);
    expect("text" in tf && tf.text).not.toContain('"*"');
    expect(changes.map((c) => azCommands(end, c, asRead)[0].args.at(-1))).toEqual([
      ["--add", "serviceEndpoints", "service=Microsoft.Sql"],
      ["--add", "serviceEndpoints", "service=Microsoft.Storage.Global"],
    ]);
  });

  it("a subnet without endpoints still gets the plain `--service-endpoints` form, and no note", () => {
    const f = finding(audit(privateCluster([]), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    const az = f.fixes.find((x) => x.kind === "az-cli")!.text;
    expect(bashEndpointArgs(az)).toEqual(["--service-endpoints", "Microsoft.Storage.Global"]);
    expect(az).not.toContain("keeps its service endpoints");
  });
});

describe("a service endpoint fix that replaces one of the subnet's endpoints (the other Storage kind)", () => {
  /** Key Vault read with a field besides its locations, and the local Microsoft.Storage the global kind replaces. */
  function replacing() {
    const s = privateCluster([{ service: "Microsoft.KeyVault" }, { service: "Microsoft.Storage" }]);
    return withArmEndpoints(s, [
      { service: "Microsoft.KeyVault", locations: ["westeurope", "northeurope"], networkIdentifier: { id: "/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/ip" }, provisioningState: "Succeeded" },
      { service: "Microsoft.Storage", locations: ["westeurope"], provisioningState: "Succeeded" },
    ]);
  }

  it("az CLI sets the list: every other endpoint with every field it was read with, less provisioningState", () => {
    const f = finding(audit(replacing(), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(setList(bashEndpointArgs(f.fixes.find((x) => x.kind === "az-cli")!.text))).toEqual([
      { service: "Microsoft.KeyVault", locations: ["westeurope", "northeurope"], networkIdentifier: { id: "/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/ip" } },
      { service: "Microsoft.Storage.Global" },
    ]);
    // The JSON's quotes are what cmd.exe would interpret: bash only.
    expect(f.fixes.find((x) => x.kind === "powershell")!.text).toMatch(/^# Not offered for PowerShell/);
  });

  it("without the ARM properties, the endpoints keep the locations of the model", () => {
    const s = privateCluster([{ service: "Microsoft.KeyVault" }, { service: "Microsoft.Storage" }]);
    const key = computeKey(s);
    const subnets = new Map(s.subnets);
    subnets.set(key, { ...s.subnets.get(key)!, armProperties: undefined });
    const [cmd] = azCommands({ ...s, subnets }, { kind: "add-service-endpoint", subnetKey: key, service: "Microsoft.Storage.Global" });
    expect(setList(cmd.args.at(-1)!)).toEqual([KEPT, { service: "Microsoft.Storage.Global" }]);
  });

  it("in a bundle every change on that subnet sets the same end list, so their order does not matter", () => {
    const asRead = replacing();
    const key = computeKey(asRead);
    const changes: Change[] = [
      { kind: "add-service-endpoint", subnetKey: key, service: "Microsoft.Sql" },
      { kind: "add-service-endpoint", subnetKey: key, service: "Microsoft.Storage.Global" },
    ];
    const end = applyChanges(asRead, changes).snapshot;
    const lists = changes.map((c) => setList(azCommands(end, c, asRead)[0].args.at(-1)!));
    expect(lists[0]).toEqual(lists[1]);
    expect(lists[0]).toEqual([
      { service: "Microsoft.KeyVault", locations: ["westeurope", "northeurope"], networkIdentifier: { id: "/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/ip" } },
      { service: "Microsoft.Sql" },
      { service: "Microsoft.Storage.Global" },
    ]);
  });

  it("applied as Azure would, the subnet has Key Vault and the global kind only", () => {
    const b = builder([{ service: "Microsoft.KeyVault" }, { service: "Microsoft.Storage" }]);
    const f = finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");
    applyAz(b, f.fixes.find((x) => x.kind === "az-cli")!.text);
    expect(b.snapshot().subnets.get(computeKey(b.snapshot()))!.serviceEndpoints.map((e) => e.service)).toEqual(["Microsoft.KeyVault", "Microsoft.Storage.Global"]);
  });
});

it("an endpoint the subnet has already (one not ready) is not appended twice: the list is re-sent as read", () => {
  const s = privateCluster();
  const [cmd] = azCommands(s, { kind: "add-service-endpoint", subnetKey: computeKey(s), service: "microsoft.keyvault" });
  expect(setList(cmd.args.at(-1)!)).toEqual([KEPT]);
});
