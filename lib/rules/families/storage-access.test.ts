import { describe, expect, it } from "vitest";
import { estate, finding } from "../../../test/helpers/estate-builder";

const vnet = () => estate().vnet("hub", ["10.0.0.0/16"]);

describe("CC-SE-STORAGE / NODE-SE-STORAGE", () => {
  it("passes with a Microsoft.Storage service endpoint", () => {
    const r = vnet().subnet("hub/cc", "10.0.0.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage" }] }).audit({ cyclecloud: ["hub/cc"] });
    expect(finding(r, "hub/cc", "CC-SE-STORAGE")).toMatchObject({ status: "pass", detail: expect.stringContaining("Microsoft.Storage") });
  });

  it("accepts Microsoft.Storage.Global", () => {
    const r = vnet().subnet("hub/c", "10.0.1.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage.Global" }] }).audit({ cluster: ["hub/c"] });
    expect(finding(r, "hub/c", "NODE-SE-STORAGE").status).toBe("pass");
  });

  it("passes with a storage private endpoint elsewhere in the VNet, naming it", () => {
    const r = vnet().subnet("hub/cc", "10.0.0.0/24").subnet("hub/pe", "10.0.5.0/24").storagePrivateEndpoint("pe-blob", "hub/pe").audit({ cyclecloud: ["hub/cc"] });
    expect(finding(r, "hub/cc", "CC-SE-STORAGE")).toMatchObject({ status: "pass", detail: expect.stringContaining("pe-blob") });
  });

  it("with the profile's storageAccount, only a private endpoint to that account counts", () => {
    const b = vnet().subnet("hub/cc", "10.0.0.0/24").subnet("hub/pe", "10.0.5.0/24").storagePrivateEndpoint("pe-other", "hub/pe", { account: "otherstore" });
    expect(finding(b.auditProfile({ roles: { cyclecloud: ["hub/cc"] }, storageAccount: "ccstore" }), "hub/cc", "CC-SE-STORAGE").status).toBe("warn");
    expect(finding(b.auditProfile({ roles: { cyclecloud: ["hub/cc"] }, storageAccount: "otherstore" }), "hub/cc", "CC-SE-STORAGE").status).toBe("pass");
  });

  it("does not count an endpoint still provisioning, and says which state", () => {
    const r = vnet()
      .subnet("hub/cc", "10.0.0.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage", state: "Updating" }] })
      .subnet("hub/pe", "10.0.5.0/24")
      .storagePrivateEndpoint("pe-blob", "hub/pe", { status: "Pending" })
      .audit({ cyclecloud: ["hub/cc"] });
    const f = finding(r, "hub/cc", "CC-SE-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("Microsoft.Storage is Updating");
    expect(f.detail).toContain("connection Pending");
  });

  it("warns with neither, and the fix keeps the subnet's existing endpoints", () => {
    const r = vnet().subnet("hub/c", "10.0.1.0/24", { serviceEndpoints: [{ service: "Microsoft.KeyVault" }] }).audit({ cluster: ["hub/c"] });
    const f = finding(r, "hub/c", "NODE-SE-STORAGE");
    expect(f.status).toBe("warn");
    // az CLI appends the endpoint, leaving the existing one and its locations (`--service-endpoints` alone would reset them).
    expect(f.fixes.find((x) => x.kind === "az-cli")!.text).toMatch(/ --add serviceEndpoints service=Microsoft\.Storage\.Global$/m);
    // Terraform changes the list in place (azapi_update_resource), repeating the existing endpoint with its locations.
    expect(f.fixes.find((x) => x.kind === "terraform")!.text).toMatch(/service\s+= "Microsoft\.KeyVault"[\s\S]*locations\s+= \["westeurope"\][\s\S]*service = "Microsoft\.Storage\.Global"/);
  });

  it("an endpoint fix never asks Azure for both kinds of Storage endpoint, which cannot coexist on a subnet", () => {
    // Microsoft.Storage (same region) on a private subnet, Storage in other regions blocked: the global kind replaces it.
    const r = vnet().subnet("hub/c", "10.0.1.0/24", { defaultOutboundAccess: false, serviceEndpoints: [{ service: "Microsoft.KeyVault" }, { service: "Microsoft.Storage" }] }).audit({ cluster: ["hub/c"] });
    const f = finding(r, "hub/c", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    const fix = (kind: string) => f.fixes.find((x) => x.kind === kind)!.text;
    expect(fix("az-cli")).toMatch(/ --set 'serviceEndpoints=\[\{"service":"Microsoft\.KeyVault","locations":\["westeurope"\]\},\{"service":"Microsoft\.Storage\.Global"\}\]'$/m);
    expect(fix("terraform")).not.toMatch(/"Microsoft\.Storage"/);
    expect(fix("bicep")).not.toMatch(/'Microsoft\.Storage'/);
    expect(fix("portal")).toContain(`in place of "Microsoft.Storage", which cannot stay beside it`);
  });
});
