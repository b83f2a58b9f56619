// Reader for virtual machines (`Microsoft.Compute/virtualMachines`: ARM export, `az vm list` in either form, Resource
// Graph): only what ties a VM and its NICs to a scale set, and which of its NICs is primary. A Flexible scale set's
// instances are ordinary VMs whose NICs are ordinary NICs; nothing on the NIC names the scale set, so the VM is the link.
// https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-orchestration-modes
import type { VirtualMachine } from "@/lib/model/types";
import { type ResourceBase, refKey, refKeys } from "./read-common";
import { virtualMachineProps } from "./schemas-placement";
import { type ArmNode, parseWith } from "./validate";

/**
 * A virtual machine: its id, the scale set it is an instance of (`virtualMachineScaleSet.id`, when set) and its NICs
 * (`networkProfile.networkInterfaces[].id`, with `primary` where given), keys lower-cased.
 * @throws InputError naming the file and JSON path of a malformed `virtualMachineScaleSet` or `networkProfile`.
 */
export function readVirtualMachine(node: ArmNode, base: ResourceBase, file: string): VirtualMachine {
  const p = parseWith(virtualMachineProps, node.props, file, node.propsAt);
  const refs = p.networkProfile?.networkInterfaces ?? [];
  const vm: VirtualMachine = { id: base.id, key: base.key, name: base.name, nicKeys: refKeys(refs) };
  const scaleSetKey = refKey(p.virtualMachineScaleSet);
  if (scaleSetKey) vm.scaleSetKey = scaleSetKey;
  for (const ref of refs) {
    // ARM nests the flag under `properties`; `az vm list` prints it on the entry.
    const primary = ref.properties?.primary ?? ref.primary;
    if (typeof primary === "boolean") (vm.primaryByNic ??= new Map()).set(refKey(ref)!, primary);
  }
  return vm;
}
