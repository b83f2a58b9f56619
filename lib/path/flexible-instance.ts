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

/**
 * Whether NIC `nic` in `subnet` is a Flexible scale set instance's: `flexible` when its VM names a scale set (a VM
 * resource in a scale set is a Flexible instance; only a mode the input states as Uniform says otherwise); `unknown`
 * when its VM is not in the input while a Flexible scale set of the input (or one whose `orchestrationMode` the input
 * does not state) places instances in the subnet, or shows no network profile (instances may be anywhere); otherwise undefined (a VM in no scale set, a NIC without a VM). A
 * Uniform scale set's instance NIC (listed under the scale set) is undefined too: its instances keep default outbound
 * access. https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-orchestration-modes
 */
export function flexibleInstance(estate: Estate, subnet: Subnet, nic: NetworkInterface): FlexibleInstance | undefined {
  if (nic.scaleSetKey) return undefined;
  const { snapshot } = estate;
  // The NIC's VM: its own `virtualMachine`, or the VM whose network profile names it (lib/snapshot/derive.ts).
  const vmKey = nic.virtualMachineKey;
  if (!vmKey) return undefined;
  const vm = snapshot.virtualMachines?.get(vmKey);
  if (vm) {
    if (!vm.scaleSetKey) return undefined;
    // A VM resource that names a scale set was placed in it by Flexible orchestration: a Uniform scale set's instances
    // are its own `virtualMachineScaleSets/virtualMachines`, never VMs of their own. So the scale set's missing mode
    // (an older export) or its absence from the input changes nothing; only a mode the input states as Uniform does.
    const scaleSet = snapshot.scaleSets?.get(vm.scaleSetKey);
    const statedUniform = scaleSet?.orchestrationMode === "Uniform" && !scaleSet.orchestrationModeDefaulted;
    return statedUniform ? undefined : { kind: "flexible", scaleSet: scaleSet?.name ?? name(vm.scaleSetKey), vm: vm.name };
  }
  // The VM is not in the input: an instance of a Flexible scale set placing instances here, or of one whose network
  // profile the input does not show (a scale set VMs are added to one by one has none), is possible. So is one of a
  // scale set whose mode the input does not state: as Flexible its instances are such VMs, as Uniform they are not.
  const flexible = [...(snapshot.scaleSets?.values() ?? [])].filter((ss) => ss.orchestrationMode === "Flexible" || ss.orchestrationModeDefaulted).filter((ss) => !ss.nicConfigurations.length || estate.scaleSetsIn(subnet).includes(ss));
  if (!flexible.length) return undefined;
  const stated = flexible.filter((ss) => !ss.orchestrationModeDefaulted).map((ss) => ss.name);
  const unstated = flexible.filter((ss) => ss.orchestrationModeDefaulted).map((ss) => ss.name);
  const which = [
    stated.length ? `Flexible scale set${stated.length > 1 ? "s" : ""} ${stated.join(", ")}` : "",
    unstated.length ? `scale set${unstated.length > 1 ? "s" : ""} ${unstated.join(", ")}, which ${unstated.length > 1 ? "do" : "does"} not say ${unstated.length > 1 ? "their" : "its"} orchestrationMode (Uniform or Flexible),` : "",
  ].filter((x) => x).join(" and ");
  const add = unstated.length ? "add `az vm list`, or the scale set's orchestrationMode (`az vmss list` gives it)" : "add `az vm list`";
  return {
    kind: "unknown",
    missing: `VM ${name(vmKey)} of NIC ${nic.name} is not in the input, and ${which} place${flexible.length > 1 ? "" : "s"} instances in ${subnet.vnetName}/${subnet.name}, so whether it belongs to a Flexible scale set's instance (which gets no default outbound access) is unknown (${add})`,
  };
}
