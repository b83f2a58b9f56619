// Adding a service endpoint keeps the subnet's other endpoints with their `locations`. azure-cli's
// `az network vnet subnet update --service-endpoints A B` replaces the whole list with endpoints that carry only a
// service (VNetSubnetUpdate.pre_operations maps each name to `{"service": name}`; the aaz content builder replaces
// the list), so Azure would reset a re-sent endpoint's locations to the service's default. The az CLI fix sets the
// list with its generic update instead, locations included, and every form names the endpoints and locations kept.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { azCommands } from "../../lib/fixes/az";
import { fixAll } from "../../lib/fixes/fix-all";
import { renderTerraform } from "../../lib/fixes/render";
import type { Change } from "../../lib/fixes/types";
import type { Snapshot } from "../../lib/model/types";
import { estate, finding } from "../helpers/estate-builder";
import { bashAzCommands } from "./checkers";

const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"], returnProxy: [] };

/** A private cluster subnet (no outbound path) with a Key Vault endpoint, read with locations ["westeurope"]. */
function privateCluster() {
  return estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/compute", "10.1.8.0/22", { defaultOutboundAccess: false, serviceEndpoints: [{ service: "Microsoft.KeyVault" }] })
    .snapshot();
}

/** The endpoint list the `az network vnet subnet update` commands of `text` send, as bash hands it to az. */
function sentEndpoints(text: string): unknown[] {
  const run = bashAzCommands(text);
  expect(run.error).toBeUndefined();
  const updates = run.commands.filter((argv) => argv.slice(0, 4).join(" ") === "network vnet subnet update" && argv[argv.indexOf("--name") + 1] === "compute" && !argv.includes("--network-security-group"));
  expect(updates).toHaveLength(1);
  const argv = updates[0];
  // Not `--service-endpoints`: it would drop the locations.
  expect(argv).not.toContain("--service-endpoints");
  const set = argv[argv.indexOf("--set") + 1];
  expect(set.startsWith("serviceEndpoints=")).toBe(true);
  return JSON.parse(set.slice("serviceEndpoints=".length)) as unknown[];
}

const KEPT = { service: "Microsoft.KeyVault", locations: ["westeurope"] };
const NOTE = 'Subnet "spoke/compute" keeps its service endpoints with their locations: "Microsoft.KeyVault" ("westeurope").';

describe("a service endpoint fix on a subnet that has endpoints", () => {
  it("az CLI sends every endpoint the subnet keeps with its locations, the new one without (Azure's default)", () => {
    const f = finding(audit(privateCluster(), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    const az = f.fixes.find((x) => x.kind === "az-cli")!.text;
    expect(sentEndpoints(az)).toEqual([KEPT, { service: "Microsoft.Storage.Global" }]);
  });

  it("every form names the endpoints and locations kept; Bicep and Terraform write the locations", () => {
    const f = finding(audit(privateCluster(), { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    for (const kind of ["az-cli", "bicep", "terraform", "portal"]) expect(f.fixes.find((x) => x.kind === kind)!.text.replace(/\n(#|\/\/) /g, " "), kind).toContain(NOTE);
    expect(f.fixes.find((x) => x.kind === "bicep")!.text).toMatch(/service: 'Microsoft\.KeyVault'\s+locations: \[\s+'westeurope'\s+\]/);
    expect(f.fixes.find((x) => x.kind === "terraform")!.text).toMatch(/locations\s*=\s*\["westeurope"\]/);
  });

  it("fix-all keeps them too: the script (an endpoint another fix adds has no locations to keep), Bicep and Terraform", () => {
    const bundle = fixAll(privateCluster(), { roles });
    expect(sentEndpoints(bundle.sh)).toEqual([KEPT, { service: "Microsoft.Storage.Global" }]);
    expect(bundle.sh).toContain(`# Note: ${NOTE}`);
    expect(bundle.bicep).toMatch(/service: 'Microsoft\.KeyVault'\s+locations: \[\s+'westeurope'\s+\]/);
    expect(bundle.tf).toMatch(/locations\s*=\s*\["westeurope"\]/);
  });

  it("a subnet without endpoints still gets the plain `--service-endpoints` form, and no note", () => {
    const snapshot = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("spoke/compute", "10.1.8.0/22", { defaultOutboundAccess: false })
      .snapshot();
    const f = finding(audit(snapshot, { roles }), "spoke/compute", "NODE-EGRESS-STORAGE");
    const az = f.fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toMatch(/--service-endpoints Microsoft\.Storage\.Global$/m);
    expect(az).not.toContain("keeps its service endpoints");
  });

  it("rendered against a bundle's end state, an endpoint another fix adds gets no locations, even without ARM properties", async () => {
    const read = privateCluster();
    const key = [...read.subnets.keys()].find((k) => k.endsWith("/subnets/compute"))!;
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
    const set = azCommands(end, changes[0], asRead)[0].args.find((a) => a[0] === "--set")!;
    expect(JSON.parse(set[1].slice("serviceEndpoints=".length))).toEqual([KEPT, { service: "Microsoft.Sql" }, { service: "Microsoft.Storage.Global" }]);
  });
});
