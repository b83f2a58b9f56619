// Machines that hold a role subnet only through a NIC that is not their primary one (lib/nsg/secondary-nic.ts). Azure
// gives the default gateway to the primary NIC alone, so their traffic to addresses outside that subnet, and the
// replies to traffic from there, leave by the primary NIC unless the guest OS routes otherwise
// (https://learn.microsoft.com/azure/virtual-machines/linux/multiple-nics): such flows are "cannot be judged" (warn),
// never judged from the secondary NIC's subnet; traffic with the subnet's own peers is judged as before.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SEED_RULES, SUB, estate, finding, id, vmId } from "../../test/helpers/estate-builder";
import { referencePackets } from "../../test/reference/path";
import { cidrsToRanges } from "../net/ip";
import { concrete } from "../net/addr-set";
import { TCP } from "../net/protocols";
import { Estate } from "../nsg/estate";
import { evaluateFlow } from "../nsg/flow";
import { loadSnapshot } from "../snapshot";

const roles = { cyclecloud: ["hpc/cc"], cluster: ["hpc/compute"] };
const subnetId = (ref: string) => `${id("virtualNetworks", ref.split("/")[0])}/subnets/${ref.split("/")[1]}`;
const COMPUTE = subnetId("hpc/compute").toLowerCase();
const GUEST = "unless the guest OS is configured to route it through";

/**
 * CycleCloud at hpc/cc with the seed's rules; the cluster subnet hpc/compute open (no NSG); hpc/mgmt, whose NSG denies
 * everything to CycleCloud's subnet.
 */
const base = () =>
  estate()
    .vnet("hpc", ["10.1.0.0/16"])
    .subnet("hpc/cc", "10.1.0.0/24", { nsg: "nsg-cc" })
    .nsg("nsg-cc", [...SEED_RULES])
    .subnet("hpc/compute", "10.1.1.0/24")
    .subnet("hpc/mgmt", "10.1.2.0/24", { nsg: "nsg-mgmt" })
    .nsg("nsg-mgmt", [{ name: "DenyToCycleCloud", priority: 100, direction: "Outbound", access: "Deny", dst: "10.1.0.0/24", ports: "*" }]);

/** A Flexible scale set with one NIC configuration per entry (`primary` as given, absent when undefined). */
function scaleSet(name: string, configs: { name: string; subnet: string; primary?: boolean }[]) {
  return {
    id: `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`,
    name,
    type: "Microsoft.Compute/virtualMachineScaleSets",
    sku: { name: "Standard_HB176rs_v4", capacity: 2 },
    properties: {
      orchestrationMode: "Flexible",
      virtualMachineProfile: {
        networkProfile: {
          networkInterfaceConfigurations: configs.map((c) => ({
            name: c.name,
            properties: { ...(c.primary === undefined ? {} : { primary: c.primary }), ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: subnetId(c.subnet) } } }] },
          })),
        },
      },
    },
  };
}

/** A NIC of VM `vm` (`primary` as given, absent when undefined), as `az network nic list` prints it. */
function nic(name: string, subnet: string, ip: string, vm: string, primary?: boolean) {
  return {
    id: id("networkInterfaces", name),
    name,
    type: "Microsoft.Network/networkInterfaces",
    properties: {
      ...(primary === undefined ? {} : { primary }),
      virtualMachine: { id: vmId(vm) },
      ipConfigurations: [{ name: "ipconfig1", properties: { primary: true, privateIPAddress: ip, subnet: { id: subnetId(subnet) } } }],
    },
  };
}

/** The red-team estate: node array `hpc` whose primary NIC configuration is in hpc/mgmt, its second in the cluster subnet. */
const flexibleInMgmt = (primary: "mgmt-nic" | "hpc-nic" = "mgmt-nic") =>
  base().extra(
    scaleSet("hpc", [
      { name: "mgmt-nic", subnet: "hpc/mgmt", primary: primary === "mgmt-nic" },
      { name: "hpc-nic", subnet: "hpc/compute", primary: primary === "hpc-nic" },
    ]),
  );

describe("a scale set in a cluster subnet only through a non-primary NIC configuration", () => {
  it("the nodes' egress to CycleCloud is warn (cannot be judged), naming the scale set, its primary configuration's subnet and the guest OS, never pass", () => {
    const report = flexibleInMgmt().audit(roles);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) {
      const f = finding(report, "hpc/compute", rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toContain("cannot be judged: scale set hpc holds hpc/compute only through NIC configuration hpc-nic, which is not its primary NIC");
      expect(f.detail).toContain("its primary NIC is NIC configuration mgmt-nic in hpc/mgmt");
      expect(f.detail).toContain(`${GUEST} hpc-nic`);
      // No NSG or route change of the cluster subnet could settle where the guest sends it: no fix, saying why.
      expect(f.fixes.filter((x) => x.kind !== "portal")).toEqual([]);
      expect(f.noFixReason).toContain("not its primary NIC");
    }
    // The Internet too (storage, packages): it leaves by the primary NIC as well.
    expect(finding(report, "hpc/compute", "NODE-EGRESS-STORAGE").status).toBe("warn");
    expect(finding(report, "hpc/compute", "NODE-EGRESS-STORAGE").detail).toContain("not its primary NIC");
  });

  it("control: the same scale set with the cluster configuration primary passes, and says nothing of primary NICs", () => {
    const report = flexibleInMgmt("hpc-nic").audit(roles);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) {
      expect(finding(report, "hpc/compute", rule).status, rule).toBe("pass");
      expect(finding(report, "hpc/compute", rule).detail).not.toContain("primary");
    }
  });

  it("a single configuration without the flag is primary; of several, an unmarked one beside a marked primary is not", () => {
    const single = base().extra(scaleSet("hpc", [{ name: "hpc-nic", subnet: "hpc/compute" }])).audit(roles);
    expect(finding(single, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    const unmarked = base().extra(scaleSet("hpc", [{ name: "mgmt-nic", subnet: "hpc/mgmt", primary: true }, { name: "hpc-nic", subnet: "hpc/compute" }])).audit(roles);
    expect(finding(unmarked, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("warn");
  });

  it("its primary configuration in the cluster subnet too: the traffic leaves from there, judged as before", () => {
    const both = base()
      .extra(scaleSet("hpc", [{ name: "hpc-nic", subnet: "hpc/compute", primary: true }, { name: "ib-nic", subnet: "hpc/compute", primary: false }]))
      .audit(roles);
    expect(finding(both, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("beside a scale set whose primary NIC is in the subnet, only the secondary one's part cannot be judged (warn, naming it alone)", () => {
    const report = flexibleInMgmt().extra(scaleSet("gpu", [{ name: "nic", subnet: "hpc/compute", primary: true }])).audit(roles);
    const f = finding(report, "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("scale set hpc holds hpc/compute only through NIC configuration hpc-nic");
    expect(f.detail).not.toContain("scale set gpu holds");
  });
});

describe("NICs that are not their VM's primary NIC", () => {
  it("a VM in the cluster subnet through its secondary NIC only: warn, naming the VM, the NIC and its primary NIC's subnet", () => {
    const report = base()
      .extra(nic("node1-mgmt", "hpc/mgmt", "10.1.2.4", "node1", true), nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1", false))
      .audit(roles);
    const f = finding(report, "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("VM node1 holds hpc/compute only through NIC node1-hpc, which is not its primary NIC; its primary NIC is NIC node1-mgmt in hpc/mgmt");
    expect(f.detail).toContain(`${GUEST} node1-hpc`);
  });

  it("an unflagged NIC beside a sibling marked primary is secondary; a VM's only NIC, unflagged, is primary", () => {
    const unflagged = base().extra(nic("node1-mgmt", "hpc/mgmt", "10.1.2.4", "node1", true), nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1")).audit(roles);
    expect(finding(unflagged, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("warn");
    const alone = base().extra(nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1")).audit(roles);
    expect(finding(alone, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("a NIC marked not primary whose primary NIC the input lacks: warn, saying the primary NIC is not in the input", () => {
    const f = finding(base().extra(nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1", false)).audit(roles), "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("its primary NIC is not in the input");
  });

  it("a Uniform instance's NICs (`az vmss nic list`), beside a model whose primary configuration is elsewhere: warn, naming the instance", () => {
    const vmss = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/hpc`;
    const instanceNic = (name: string, subnet: string, ip: string, primary: boolean) => ({
      id: `${vmss}/virtualMachines/0/networkInterfaces/${name}`,
      name,
      type: "Microsoft.Network/networkInterfaces",
      properties: { primary, virtualMachine: { id: `${vmss}/virtualMachines/0` }, ipConfigurations: [{ name: "ip1", properties: { primary: true, privateIPAddress: ip, subnet: { id: subnetId(subnet) } } }] },
    });
    const model = { ...scaleSet("hpc", [{ name: "mgmt-nic", subnet: "hpc/mgmt", primary: true }, { name: "hpc-nic", subnet: "hpc/compute", primary: false }]) };
    model.properties.orchestrationMode = "Uniform";
    const f = finding(base().extra(model, instanceNic("mgmt-nic", "hpc/mgmt", "10.1.2.4", true), instanceNic("hpc-nic", "hpc/compute", "10.1.1.4", false)).audit(roles), "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("instance 0 of scale set hpc holds hpc/compute only through NIC hpc-nic, which is not its primary NIC; its primary NIC is NIC mgmt-nic in hpc/mgmt");
  });

  it("CycleCloud in its subnet through a secondary NIC: its lockdown is not confirmed (the primary NIC's subnet may let the Internet out)", () => {
    const report = base()
      .subnet("hpc/open", "10.1.3.0/24")
      .extra(nic("cc-open", "hpc/open", "10.1.3.4", "ccvm", true), nic("cc-cc", "hpc/cc", "10.1.0.4", "ccvm", false))
      .audit(roles);
    const f = finding(report, "hpc/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).not.toBe("pass");
    expect(f.detail).toContain("VM ccvm holds hpc/cc only through NIC cc-cc");
  });

  it("inbound: the return proxy through a secondary NIC receives CycleCloud's SSH, but its replies leave by the primary NIC: warn at its end", () => {
    const report = base()
      .subnet("hpc/rp", "10.1.4.0/24")
      .extra(nic("rp-mgmt", "hpc/mgmt", "10.1.2.5", "rpvm", true), nic("rp-rp", "hpc/rp", "10.1.4.4", "rpvm", false))
      .audit({ ...roles, returnProxy: ["hpc/rp"] });
    const f = finding(report, "hpc/rp", "RP-SSH");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("the replies to this traffic leave by the primary NIC");
  });

  it("inbound: what the secondary NIC's own NSGs deny stays denied (the packets arrive there whichever NIC is primary)", () => {
    const report = base()
      .subnet("hpc/rp", "10.1.4.0/24", { nsg: "nsg-rp" })
      .nsg("nsg-rp", [{ name: "DenySsh", priority: 100, direction: "Inbound", access: "Deny", src: "10.1.0.0/24", ports: "22" }])
      .extra(nic("rp-mgmt", "hpc/mgmt", "10.1.2.5", "rpvm", true), nic("rp-rp", "hpc/rp", "10.1.4.4", "rpvm", false))
      .audit({ ...roles, returnProxy: ["hpc/rp"] });
    const f = finding(report, "hpc/rp", "RP-SSH");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("DenySsh (100)");
  });
});

describe("what stays judged: the subnet's own peers", () => {
  const setup = () => {
    const snapshot = flexibleInMgmt().snapshot();
    const est = new Estate(snapshot, new Map());
    const subnet = snapshot.subnets.get(COMPUTE)!;
    const set = (cidr: string) => {
      const r = cidrsToRanges([cidr]);
      return concrete(r.v4, r.v6);
    };
    return { est, subnet, set };
  };

  it("to and from the cluster subnet itself: allowed, no doubt; to or from another subnet: cannot be judged, both ways", () => {
    const { est, subnet, set } = setup();
    for (const direction of ["Outbound", "Inbound"] as const) {
      const own = evaluateFlow(est, subnet, { direction, protocols: TCP, ports: [22, 22], remote: set("10.1.1.0/24") });
      expect(own.verdict, direction).toBe("allowed");
      const away = evaluateFlow(est, subnet, { direction, protocols: TCP, ports: [22, 22], remote: set("10.1.0.0/24") });
      expect(away.verdict, direction).toBe("partly");
      const pieces = away.outcomes.flatMap((o) => o.pieces);
      expect(pieces.every((p) => p.access === "Unaudited" && p.why!.startsWith("cannot be judged: scale set hpc holds hpc/compute only through"))).toBe(true);
    }
  });

  it("a remote spanning the VNet splits: the subnet's own prefix judged, the rest not", () => {
    const { est, subnet, set } = setup();
    const r = evaluateFlow(est, subnet, { direction: "Outbound", protocols: TCP, ports: [22, 22], remote: set("10.1.0.0/16") });
    const pieces = r.outcomes.flatMap((o) => o.pieces);
    expect(pieces.filter((p) => p.access === "Allow").map((p) => p.box.dst.v4)).toEqual([set("10.1.1.0/24").v4]);
    expect(pieces.some((p) => p.access === "Unaudited")).toBe(true);
  });

  it("the packet reference agrees: unaudited to CycleCloud, judged within the subnet", () => {
    const snapshot = flexibleInMgmt().snapshot();
    const to = (dstIp: string) => referencePackets(snapshot, COMPUTE, { protocol: "Tcp", srcIp: "10.1.1.9", srcPort: 50000, dstIp, dstPort: 5672 });
    expect(to("10.1.0.4").map((v) => v.access)).toEqual(["Unaudited"]);
    expect(to("10.1.1.20").map((v) => v.access)).toEqual(["Allow"]);
    const control = flexibleInMgmt("hpc-nic").snapshot();
    expect(referencePackets(control, COMPUTE, { protocol: "Tcp", srcIp: "10.1.1.9", srcPort: 50000, dstIp: "10.1.0.4", dstPort: 5672 }).map((v) => v.access)).toEqual(["Allow"]);
  });
});

describe("reading `primary`", () => {
  it("a NIC's own flag, not its IP configurations' (Azure's NetworkInterfaceGet example: the NIC primary, ipconfig2 not)", () => {
    const file = path.resolve(__dirname, "../../../shared/arm-examples/specs/NetworkInterfaceGet.json");
    const snapshot = loadSnapshot([{ name: "estate.json", value: base().resources() }, { name: "NetworkInterfaceGet.json", value: JSON.parse(fs.readFileSync(file, "utf8")) }]);
    expect([...snapshot.nics.values()].map((n) => n.primary)).toEqual([true]);
  });

  it("a scale set's NIC configurations, as given, and left out when absent", () => {
    const snapshot = base().extra(scaleSet("hpc", [{ name: "a", subnet: "hpc/mgmt", primary: true }, { name: "b", subnet: "hpc/compute", primary: false }, { name: "c", subnet: "hpc/compute" }])).snapshot();
    const configs = [...snapshot.scaleSets!.values()][0].nicConfigurations;
    expect(configs.map((c) => c.primary)).toEqual([true, false, undefined]);
    expect("primary" in configs[2]).toBe(false);
  });
});

/** A VM listing its NICs as `networkProfile.networkInterfaces[]`: ARM's shape (`properties.primary`) or `az vm list`'s (`primary` on the entry). */
function vm(name: string, nics: { name: string; primary?: boolean }[], shape: "arm" | "az" = "arm") {
  const entry = (n: { name: string; primary?: boolean }) =>
    n.primary === undefined ? { id: id("networkInterfaces", n.name) } : shape === "arm" ? { id: id("networkInterfaces", n.name), properties: { primary: n.primary } } : { id: id("networkInterfaces", n.name), primary: n.primary, deleteOption: "Detach" };
  return { id: vmId(name), name, type: "Microsoft.Compute/virtualMachines", properties: { networkProfile: { networkInterfaces: nics.map(entry) } } };
}

/** A NIC as an ARM template export gives it: neither `primary` nor `virtualMachine`. */
function bareNic(name: string, subnet: string, ip: string) {
  const n = nic(name, subnet, ip, "unused");
  delete (n.properties as { virtualMachine?: unknown }).virtualMachine;
  return n;
}

describe("the VM's own word on its NICs, and NICs no flag tells apart", () => {
  it("ARM export: NICs with no `primary` and no `virtualMachine`, the VM marking the mgmt NIC primary: warn, naming it (both shapes)", () => {
    for (const shape of ["arm", "az"] as const) {
      const report = base()
        .extra(bareNic("node1-mgmt", "hpc/mgmt", "10.1.2.4"), bareNic("node1-hpc", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "node1-mgmt", primary: true }, { name: "node1-hpc", primary: false }], shape))
        .audit(roles);
      const f = finding(report, "hpc/compute", "NODE-EGRESS-AMQP");
      expect(f.status, shape).toBe("warn");
      expect(f.detail, shape).toContain("VM node1 holds hpc/compute only through NIC node1-hpc, which is not its primary NIC; its primary NIC is NIC node1-mgmt in hpc/mgmt");
    }
  });

  it("control: the VM marking the cluster NIC primary passes, saying nothing of primary NICs", () => {
    const report = base()
      .extra(bareNic("node1-mgmt", "hpc/mgmt", "10.1.2.4"), bareNic("node1-hpc", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "node1-mgmt", primary: false }, { name: "node1-hpc", primary: true }]))
      .audit(roles);
    const f = finding(report, "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("pass");
    expect(f.detail).not.toContain("primary NIC");
  });

  it("the VM's flag decides over NICs without one; a NIC the VM marks not primary is secondary even when alone in the input", () => {
    const unflagged = base().extra(nic("node1-mgmt", "hpc/mgmt", "10.1.2.4", "node1"), nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1"), vm("node1", [{ name: "node1-mgmt", primary: true }, { name: "node1-hpc" }])).audit(roles);
    expect(finding(unflagged, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("warn");
    const absent = finding(base().extra(bareNic("node1-hpc", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "node1-mgmt", primary: true }, { name: "node1-hpc", primary: false }])).audit(roles), "hpc/compute", "NODE-EGRESS-AMQP");
    expect(absent.status).toBe("warn");
    expect(absent.detail).toContain("its primary NIC is NIC node1-mgmt, which is not in the input (add `az network nic list`)");
  });

  it("two NICs of one VM, no flag anywhere, one elsewhere: warn, saying the input does not show which is primary and which listings do", () => {
    const byNic = base().extra(nic("node1-mgmt", "hpc/mgmt", "10.1.2.4", "node1"), nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1")).audit(roles);
    const byVm = base().extra(bareNic("node1-mgmt", "hpc/mgmt", "10.1.2.4"), bareNic("node1-hpc", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "node1-mgmt" }, { name: "node1-hpc" }])).audit(roles);
    for (const [label, report] of [["virtualMachine", byNic], ["the VM's list", byVm]] as const) {
      const f = finding(report, "hpc/compute", "NODE-EGRESS-AMQP");
      expect(f.status, label).toBe("warn");
      expect(f.detail, label).toContain("VM node1 holds hpc/compute through NIC node1-hpc, but the input does not show which of its NICs is primary (NIC node1-mgmt in hpc/mgmt, NIC node1-hpc in hpc/compute; `az vm list` and `az network nic list` print `primary`)");
      expect(f.detail, label).not.toContain("which is not its primary NIC");
    }
  });

  it("control: a VM's NICs all in the subnet pass whichever is primary, unflagged or all marked not primary with the VM listing them", () => {
    const unflagged = base().extra(nic("node1-a", "hpc/compute", "10.1.1.4", "node1"), nic("node1-b", "hpc/compute", "10.1.1.5", "node1")).audit(roles);
    expect(finding(unflagged, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    const allFalse = base().extra(nic("node1-a", "hpc/compute", "10.1.1.4", "node1", false), nic("node1-b", "hpc/compute", "10.1.1.5", "node1", false), vm("node1", [{ name: "node1-a" }, { name: "node1-b" }])).audit(roles);
    expect(finding(allFalse, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    // The review's estate: both NICs marked not primary, the VM marking one of them primary (they disagree on it).
    const disagree = base().extra(nic("node1-a", "hpc/compute", "10.1.1.4", "node1", false), nic("node1-b", "hpc/compute", "10.1.1.5", "node1", false), vm("node1", [{ name: "node1-a", primary: true }, { name: "node1-b", primary: false }])).audit(roles);
    const f = finding(disagree, "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("pass");
    expect(f.detail).not.toContain("is not in the input");
  });

  it("every NIC marked not primary though the VM lists them all, one elsewhere: warn, in what the input shows (not 'add az network nic list')", () => {
    const report = base().extra(nic("node1-mgmt", "hpc/mgmt", "10.1.2.4", "node1", false), nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1", false), vm("node1", [{ name: "node1-mgmt" }, { name: "node1-hpc" }])).audit(roles);
    const f = finding(report, "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("no NIC of it in the input is marked primary, though the input holds every NIC it lists (NIC node1-mgmt in hpc/mgmt, NIC node1-hpc in hpc/compute;");
    expect(f.detail).not.toContain("is not in the input");
  });

  it("the packet reference agrees: the ARM export form and the unflagged pair unaudited to CycleCloud, the control allowed", () => {
    const packet = { protocol: "Tcp" as const, srcIp: "10.1.1.4", srcPort: 50000, dstIp: "10.1.0.4", dstPort: 5672 };
    const arm = base().extra(bareNic("node1-mgmt", "hpc/mgmt", "10.1.2.4"), bareNic("node1-hpc", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "node1-mgmt", primary: true }, { name: "node1-hpc", primary: false }])).snapshot();
    expect(referencePackets(arm, COMPUTE, packet).map((v) => v.access)).toEqual(["Unaudited"]);
    const pair = base().extra(nic("node1-mgmt", "hpc/mgmt", "10.1.2.4", "node1"), nic("node1-hpc", "hpc/compute", "10.1.1.4", "node1")).snapshot();
    expect(referencePackets(pair, COMPUTE, packet).map((v) => v.access)).toEqual(["Unaudited"]);
    const control = base().extra(bareNic("node1-mgmt", "hpc/mgmt", "10.1.2.4"), bareNic("node1-hpc", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "node1-mgmt", primary: false }, { name: "node1-hpc", primary: true }])).snapshot();
    expect(referencePackets(control, COMPUTE, packet).map((v) => v.access)).toEqual(["Allow"]);
  });

  it("Uniform instance NICs without flags take them from their scale set model's configuration of the same name", () => {
    const vmss = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/hpc`;
    const instanceNic = (name: string, subnet: string, ip: string) => ({
      id: `${vmss}/virtualMachines/0/networkInterfaces/${name}`,
      name,
      type: "Microsoft.Network/networkInterfaces",
      properties: { virtualMachine: { id: `${vmss}/virtualMachines/0` }, ipConfigurations: [{ name: "ip1", properties: { primary: true, privateIPAddress: ip, subnet: { id: subnetId(subnet) } } }] },
    });
    const model = { ...scaleSet("hpc", [{ name: "mgmt-nic", subnet: "hpc/mgmt", primary: true }, { name: "hpc-nic", subnet: "hpc/compute", primary: false }]) };
    model.properties.orchestrationMode = "Uniform";
    const f = finding(base().extra(model, instanceNic("mgmt-nic", "hpc/mgmt", "10.1.2.4"), instanceNic("hpc-nic", "hpc/compute", "10.1.1.4")).audit(roles), "hpc/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("instance 0 of scale set hpc holds hpc/compute only through NIC hpc-nic, which is not its primary NIC; its primary NIC is NIC mgmt-nic in hpc/mgmt");
    expect(f.detail).not.toContain("does not show which");
  });

  it("reads the VM's flags in ARM's shape and az vm list's, leaving out entries without one, and links the NICs to the VM", () => {
    for (const shape of ["arm", "az"] as const) {
      const snapshot = base().extra(bareNic("a", "hpc/mgmt", "10.1.2.4"), bareNic("b", "hpc/compute", "10.1.1.4"), vm("node1", [{ name: "a", primary: true }, { name: "b", primary: false }, { name: "c" }], shape)).snapshot();
      const flags = [...snapshot.virtualMachines!.values()][0].primaryByNic!;
      expect([...flags.entries()].map(([k, v]) => [k.split("/").pop(), v]), shape).toEqual([["a", true], ["b", false]]);
      expect([...snapshot.nics.values()].map((n) => n.virtualMachineKey), shape).toEqual([vmId("node1").toLowerCase(), vmId("node1").toLowerCase()]);
    }
  });
});
