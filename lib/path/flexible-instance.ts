// Whether a NIC belongs to an instance of a Flexible-orchestration scale set. Such an instance is an ordinary VM and its
// NIC an ordinary NIC (`az network nic list`): nothing on the NIC names the scale set. The NIC's VM (its
// `virtualMachine.id`, or the VM whose `networkProfile.networkInterfaces[]` names it) does, in
// `virtualMachineScaleSet.id`, and the scale set's `orchestrationMode` says whether it is Flexible. Flexible instances
// get no default outbound access: "Flexible scale sets are secure by default. Any instances created via Flexible scale
// sets won't have the default outbound access IP associated to it."
// https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
// https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-orchestration-modes
import type { NetworkInterface, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { lastSegment as name } from "../snapshot/arm-id";

/**
 * `flexible`: the NIC's VM is an instance of Flexible scale set `scaleSet` (no default outbound access). `unknown`:
 * the input cannot show whether it is (`missing` says what to add); the NIC may then be either.
 */
export type FlexibleInstance = { kind: "flexible"; scaleSet: string; vm: string } | { kind: "unknown"; missing: string };

/** The VM of each NIC a VM's network profile names (NIC key → VM key), built once per estate. */
function vmsByNic(estate: Estate): Map<string, string> {
  return estate.memo("vms-by-nic", () => {
    const out = new Map<string, string>();
    for (const vm of estate.snapshot.virtualMachines?.values() ?? []) for (const nicKey of vm.nicKeys) out.set(nicKey, vm.key);
    return out;
  });
}

/**
 * Whether NIC `nic` in `subnet` is a Flexible scale set instance's: `flexible` when its VM names a scale set the input
 * holds with `orchestrationMode: Flexible`; `unknown` when its VM names a scale set the input lacks, or when its VM is
 * not in the input while a Flexible scale set of the input places instances in the subnet; otherwise undefined (a VM
 * in no scale set, a Uniform one's instance, a NIC without a VM). A Uniform scale set's instance NIC (listed under the
 * scale set) is undefined too: its instances keep default outbound access.
 */
export function flexibleInstance(estate: Estate, subnet: Subnet, nic: NetworkInterface): FlexibleInstance | undefined {
  if (nic.scaleSetKey) return undefined;
  const { snapshot } = estate;
  const vmKey = vmsByNic(estate).get(nic.key) ?? nic.virtualMachineKey;
  if (!vmKey) return undefined;
  const vm = snapshot.virtualMachines?.get(vmKey);
  if (vm) {
    if (!vm.scaleSetKey) return undefined;
    const scaleSet = snapshot.scaleSets?.get(vm.scaleSetKey);
    if (scaleSet) return scaleSet.orchestrationMode === "Flexible" ? { kind: "flexible", scaleSet: scaleSet.name, vm: vm.name } : undefined;
    return {
      kind: "unknown",
      missing: `NIC ${nic.name} belongs to VM ${vm.name}, an instance of scale set ${name(vm.scaleSetKey)}, which is not in the input, so whether it is Flexible (whose instances get no default outbound access) is unknown (add \`az vmss list\`)`,
    };
  }
  const flexible = estate.scaleSetsIn(subnet).filter((ss) => ss.orchestrationMode === "Flexible");
  if (!flexible.length) return undefined;
  const names = flexible.map((ss) => ss.name).join(", ");
  return {
    kind: "unknown",
    missing: `VM ${name(vmKey)} of NIC ${nic.name} is not in the input, and Flexible scale set${flexible.length > 1 ? "s" : ""} ${names} place${flexible.length > 1 ? "" : "s"} instances in ${subnet.vnetName}/${subnet.name}, so whether it belongs to one of their instances (which get no default outbound access) is unknown (add \`az vm list\`)`,
  };
}
