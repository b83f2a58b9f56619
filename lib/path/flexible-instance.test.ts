// A Flexible scale set's instance NICs are ordinary NICs; only their VM (Microsoft.Compute/virtualMachines,
// `virtualMachineScaleSet.id`) ties them to the scale set, whose instances get no default outbound access
// (https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access). Through the real loader and audit.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SEED_RULES, SUB, estate, finding, id, scaleSetResource, vmId } from "../../test/helpers/estate-builder";
import { inputErrorMessage } from "../../test/helpers/input-error";
import { referencePacket } from "../../test/reference/path";
import { flattenResource } from "../../test/snapshot/flatten";
import { loadSnapshot } from "../snapshot";

const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"] };
const COMPUTE = `${id("virtualNetworks", "spoke")}/subnets/compute`;
const scaleSetId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;

/** A VM as `az vm list` (ARM form) prints it: the scale set it is an instance of, and the NICs of its network profile. */
const vm = (name: string, opts: { scaleSet?: string; nics?: string[] } = {}) => ({
  id: vmId(name),
  name,
  type: "Microsoft.Compute/virtualMachines",
  location: "westeurope",
  properties: {
    hardwareProfile: { vmSize: "Standard_HB176rs_v4" },
    ...(opts.scaleSet ? { virtualMachineScaleSet: { id: scaleSetId(opts.scaleSet) } } : {}),
    networkProfile: { networkInterfaces: (opts.nics ?? []).map((n) => ({ id: id("networkInterfaces", n), properties: { primary: true } })) },
  },
});

/** The review's s1 estate: the seed CycleCloud subnet, and a cluster subnet with no NSG, NAT gateway or load balancer. */
const s1 = () => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...SEED_RULES]).subnet("spoke/compute", "10.1.8.0/22");

const storage = (b: ReturnType<typeof s1>) => finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");
const DEFAULT_OUTBOUND = "through Azure's default outbound access";

describe("an instance NIC of a Flexible scale set (known from its VM)", () => {
  it("s1: NIC → VM → Flexible scale set: fail (not warn), the NIC named as the scale set's instance", () => {
    const f = storage(s1().scaleSet("hpc-flex", "spoke/compute", { mode: "Flexible" }).nic("hpc-flex_abc123-node-nic", "spoke/compute", { ip: "10.1.8.4", vm: "hpc-flex_abc123" }).extra(vm("hpc-flex_abc123", { scaleSet: "hpc-flex" })));
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("NIC hpc-flex_abc123-node-nic belongs to VM hpc-flex_abc123, an instance of Flexible scale set hpc-flex, whose instances get no default outbound access");
    expect(f.detail).not.toContain(DEFAULT_OUTBOUND);
    // Storage needs no outbound method: the fix is a cross-region service endpoint, as for the scale set's model.
    expect(f.fixes.map((x) => x.text).join("\n")).toContain("--service-endpoints Microsoft.Storage.Global");
  });

  it("known from the VM's network profile alone (the NIC names no VM), in `az vm list`'s flattened form too: fail", () => {
    for (const form of ["arm", "flat"] as const) {
      const theVm = vm("hpc-flex_1", { scaleSet: "hpc-flex", nics: ["hpc-flex_1-nic"] });
      const f = storage(s1().scaleSet("hpc-flex", "spoke/compute", { mode: "Flexible" }).nic("hpc-flex_1-nic", "spoke/compute", { ip: "10.1.8.5" }).extra(form === "flat" ? flattenResource(theVm) : theVm));
      expect(f.status, form).toBe("fail");
      expect(f.detail, form).toContain("an instance of Flexible scale set hpc-flex");
    }
  });

  it("the reference evaluator agrees: a packet from the instance NIC to the Internet is denied at the outbound stage", () => {
    const snapshot = s1().scaleSet("hpc-flex", "spoke/compute", { mode: "Flexible" }).nic("n1", "spoke/compute", { ip: "10.1.8.4", vm: "v1" }).extra(vm("v1", { scaleSet: "hpc-flex" })).snapshot();
    const v = referencePacket(snapshot, COMPUTE.toLowerCase(), { protocol: "Tcp", srcIp: "10.1.8.4", srcPort: 50000, dstIp: "20.60.0.1", dstPort: 443 });
    expect(v).toMatchObject({ access: "Deny", stage: "outbound" });
    expect(v.why).toContain("Flexible scale set instance");
  });

  it("a VM naming a scale set is a Flexible instance whether the scale set is in the input or states no mode (Uniform instances are no VM resources): fail", () => {
    const gone = storage(s1().nic("n1", "spoke/compute", { ip: "10.1.8.4", vm: "v1" }).extra(vm("v1", { scaleSet: "hpc-gone" })));
    expect(gone.status).toBe("fail");
    expect(gone.detail).toContain("belongs to VM v1, an instance of Flexible scale set hpc-gone, whose instances get no default outbound access");
    expect(gone.detail).not.toContain(DEFAULT_OUTBOUND);
    // A scale set exported without orchestrationMode (an older API version): its VMs still tell it is Flexible.
    const modeless = s1().extra({ id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/hpc-old", name: "hpc-old", type: "Microsoft.Compute/virtualMachineScaleSets", properties: {} }).nic("n1", "spoke/compute", { ip: "10.1.8.4", vm: "v1" }).extra(vm("v1", { scaleSet: "hpc-old" }));
    expect(storage(modeless).status).toBe("fail");
  });

  it("the CycleCloud server named by its VM's id, whose NIC names no VM but the VM's network profile names the NIC: judged at that NIC (no input error)", () => {
    const b = s1().nic("cc-nic", "spoke/cc", { ip: "10.1.0.4" }).extra(vm("cc-vm", { nics: ["cc-nic"] }));
    const report = b.auditProfile({ roles, cyclecloudServer: [vmId("cc-vm")] });
    expect(finding(report, "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("a NIC whose VM is not in the input, beside a Flexible scale set with no network profile (VMs added one by one): warn, cannot be judged", () => {
    const f = storage(s1().extra({ id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/hpc-bare", name: "hpc-bare", type: "Microsoft.Compute/virtualMachineScaleSets", properties: { orchestrationMode: "Flexible", platformFaultDomainCount: 1 } }).nic("n1", "spoke/compute", { ip: "10.1.8.4", vm: "v1" }));
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("Flexible scale set hpc-bare");
    expect(f.detail).not.toContain(DEFAULT_OUTBOUND);
  });

  it("a NIC whose VM is not in the input, beside a Flexible scale set placing instances there: warn, cannot be judged", () => {
    const f = storage(s1().scaleSet("hpc-flex", "spoke/compute", { mode: "Flexible" }).nic("hpc-flex_abc123-node-nic", "spoke/compute", { ip: "10.1.8.4", vm: "hpc-flex_abc123" }));
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("VM hpc-flex_abc123 of NIC hpc-flex_abc123-node-nic is not in the input, and Flexible scale set hpc-flex places instances in spoke/compute");
    expect(f.detail).not.toContain(DEFAULT_OUTBOUND);
  });
});

describe("what keeps default outbound access", () => {
  it("a Uniform scale set's instance NIC (listed under the scale set, no VM resource): pass through default outbound access, as before", () => {
    const vmss = scaleSetId("hpc-u");
    const nicId = `${vmss}/virtualMachines/0/networkInterfaces/nic`;
    const instanceNic = {
      id: nicId,
      name: "nic",
      type: "Microsoft.Network/networkInterfaces",
      properties: { virtualMachine: { id: `${vmss}/virtualMachines/0` }, ipConfigurations: [{ name: "ipc", properties: { subnet: { id: COMPUTE }, privateIPAddress: "10.1.8.4" } }] },
    };
    const f = storage(s1().extra(scaleSetResource("hpc-u", "spoke/compute"), instanceNic));
    expect(f.status).toBe("pass");
    expect(f.detail).toContain(DEFAULT_OUTBOUND);
  });

  it("a VM in no scale set, or an instance of a Uniform one: pass through default outbound access", () => {
    for (const scaleSet of [undefined, "hpc-u"]) {
      const b = s1().nic("n1", "spoke/compute", { ip: "10.1.8.4", vm: "v1" }).extra(vm("v1", { ...(scaleSet ? { scaleSet } : {}), nics: ["n1"] }));
      const f = storage(scaleSet ? b.extra(scaleSetResource(scaleSet, "spoke/other")) : b);
      expect(f.status, String(scaleSet)).toBe("pass");
      expect(f.detail, String(scaleSet)).toContain(DEFAULT_OUTBOUND);
    }
  });
});

describe("bad VM input", () => {
  const anchor = s1().resources();
  it.each([
    ["virtualMachineScaleSet", { virtualMachineScaleSet: { id: 5 } }, "vms.json: [0].properties.virtualMachineScaleSet.id: expected a resource id"],
    ["networkProfile.networkInterfaces", { networkProfile: { networkInterfaces: "nic1" } }, "vms.json: [0].properties.networkProfile.networkInterfaces:"],
    ["a NIC reference", { networkProfile: { networkInterfaces: [{ id: "" }] } }, "vms.json: [0].properties.networkProfile.networkInterfaces[0].id:"],
  ])("one line naming the file and field: %s", (_what, properties, message) => {
    const bad = { ...vm("v1"), properties };
    expect(inputErrorMessage(() => loadSnapshot([{ name: "vms.json", value: [bad] }, { name: "estate.json", value: anchor }]))).toContain(message);
  });

  it("the CLI exits 2 with that one line", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vm-"));
    const estateFile = path.join(dir, "estate.json");
    const vmsFile = path.join(dir, "vms.json");
    writeFileSync(estateFile, JSON.stringify(anchor));
    writeFileSync(vmsFile, JSON.stringify({ value: [{ ...vm("v1"), properties: { virtualMachineScaleSet: { id: 5 } } }] }));
    const root = path.resolve(__dirname, "../..");
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(root, "scripts/audit.mjs"), "--snapshot", estateFile, "--snapshot", vmsFile], { cwd: root }, (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
    });
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("vms.json: value[0].properties.virtualMachineScaleSet.id: expected a resource id");
  });
});
