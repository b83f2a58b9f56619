// Machines that hold a subnet only through a NIC that is not their primary one. Azure gives the default gateway to the
// primary NIC alone: "Azure assigns a default gateway to the first (primary) network interface attached to the virtual
// machine. Azure does not assign a default gateway to additional (secondary) network interfaces ... Therefore, you are
// unable to communicate with resources outside the subnet that a secondary network interface is in, by default."
// Traffic to addresses outside the secondary NIC's own subnet (and the replies to traffic from there) leaves by the
// primary NIC, through its subnet, NSGs and routes, unless the guest OS routes it through the secondary NIC.
// https://learn.microsoft.com/azure/virtual-machines/windows/multiple-nics
// https://learn.microsoft.com/azure/virtual-machines/linux/multiple-nics
import type { NetworkInterface, ScaleSet, ScaleSetNicConfiguration, Snapshot } from "../model/types";
import { type AddrSet, addrIntersect, addrIsEmpty, addrSubtract } from "../net/addr-set";
import { describeNotDelivered } from "../path/describe";
import type { PathPiece } from "../path/types";
import { lastSegment } from "../snapshot/arm-id";

/** A machine (or a scale set's instances) in a subnet through a non-primary NIC only: in words, for a finding. */
export interface SecondaryNic {
  /** Who holds the subnet: `scale set hpc`, `VM vm1`. */
  holder: string;
  /** The non-primary NIC: `NIC configuration hpc-nic`, `NIC vm1-nic2`. */
  nic: string;
  /** Where the primary NIC is: `NIC configuration mgmt-nic in vnet-hpc/snet-mgmt`; undefined when the input does not show it. */
  primary?: string;
}

const subnetWords = (snapshot: Snapshot, keys: readonly (string | undefined)[]): string => {
  const names = [...new Set(keys.filter((k): k is string => !!k))].map((k) => {
    const s = snapshot.subnets.get(k);
    return s ? `${s.vnetName}/${s.name}` : lastSegment(k);
  });
  return names.length ? names.join(", ") : "no subnet the input shows";
};

/**
 * The primary of a machine's NICs or a scale set's NIC configurations: the one marked `primary`, else the only one not
 * marked otherwise. Undefined when the flags leave it open (several marked or unmarked, which ARM refuses: "exactly one
 * primary" where there are several).
 * https://learn.microsoft.com/rest/api/compute/virtual-machine-scale-sets/get#virtualmachinescalesetnetworkconfiguration
 */
function primaryOf<T extends { primary?: boolean }>(all: readonly T[]): T | undefined {
  const marked = all.filter((c) => c.primary === true);
  if (marked.length) return marked.length === 1 ? marked[0] : undefined;
  const open = all.filter((c) => c.primary !== false);
  return open.length === 1 ? open[0] : undefined;
}

/** A scale set's primary NIC configuration (`primaryOf`); a single configuration is primary, with or without the flag. */
export function primaryConfiguration(vmss: ScaleSet): ScaleSetNicConfiguration | undefined {
  return vmss.nicConfigurations.length === 1 ? vmss.nicConfigurations[0] : primaryOf(vmss.nicConfigurations);
}

/**
 * `config` of `vmss` when its instances hold `subnetKey` only through it and it is not their primary NIC: undefined
 * when it is primary, when the input cannot tell which is, or when the primary configuration is in that subnet too
 * (then the traffic leaves from it, through this subnet, as judged).
 */
export function secondaryConfiguration(snapshot: Snapshot, vmss: ScaleSet, config: ScaleSetNicConfiguration, subnetKey: string): SecondaryNic | undefined {
  const primary = primaryConfiguration(vmss);
  if (!primary || primary === config) return undefined;
  const keys = primary.ipConfigurations.map((i) => i.subnetKey);
  if (keys.includes(subnetKey)) return undefined;
  return { holder: `scale set ${vmss.name}`, nic: `NIC configuration ${config.name}`, primary: `NIC configuration ${primary.name} in ${subnetWords(snapshot, keys)}` };
}

/** NICs by their VM's key, built once per snapshot (fixes never change NICs): a scan per NIC would cost NICs². */
const byVm = new WeakMap<Map<string, NetworkInterface>, Map<string, NetworkInterface[]>>();

function vmNics(snapshot: Snapshot, vmKey: string): NetworkInterface[] {
  let index = byVm.get(snapshot.nics);
  if (!index) {
    index = new Map();
    for (const nic of snapshot.nics.values()) {
      if (!nic.virtualMachineKey) continue;
      let list = index.get(nic.virtualMachineKey);
      if (!list) index.set(nic.virtualMachineKey, (list = []));
      list.push(nic);
    }
    byVm.set(snapshot.nics, index);
  }
  return index.get(vmKey) ?? [];
}

/**
 * `nic` when it is not its VM's primary NIC and that VM's primary NIC is not in `subnetKey` too. Its VM's NICs are
 * those of the input naming it (`primaryOf` picks the primary); where they leave it open, a NIC marked `primary: false`
 * is taken at its word (the input may lack the primary one), an unmarked one as primary (a VM's only NIC is, and ARM
 * marks every NIC attached to a VM). Plain VMs, Flexible scale set instances and Uniform instance NICs (`az vmss nic
 * list`, whose `virtualMachine` is the instance) alike.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface-vm
 */
export function secondaryNic(snapshot: Snapshot, nic: NetworkInterface, subnetKey: string): SecondaryNic | undefined {
  if (nic.primary === true || nic.privateEndpointKey) return undefined;
  const vmKey = nic.virtualMachineKey;
  if (nic.primary === undefined && !vmKey) return undefined;
  const primary = primaryOf(vmKey ? vmNics(snapshot, vmKey) : [nic]);
  if (primary === nic || (!primary && nic.primary !== false)) return undefined;
  const keys = primary?.ipConfigurations.map((i) => i.subnetKey) ?? [];
  if (keys.includes(subnetKey)) return undefined;
  // A Uniform instance's VM is `.../virtualMachineScaleSets/<vmss>/virtualMachines/<n>`: named by its scale set.
  const scaleSet = nic.scaleSetKey ? (snapshot.scaleSets?.get(nic.scaleSetKey)?.name ?? lastSegment(nic.scaleSetKey)) : undefined;
  const vm = vmKey ? (snapshot.virtualMachines?.get(vmKey)?.name ?? lastSegment(vmKey)) : undefined;
  const holder = vm ? (scaleSet ? `instance ${vm} of scale set ${scaleSet}` : `VM ${vm}`) : `the VM of NIC ${nic.name}`;
  return { holder, nic: `NIC ${nic.name}`, ...(primary ? { primary: `NIC ${primary.name} in ${subnetWords(snapshot, keys)}` } : {}) };
}

/**
 * Why traffic between the holders of `holds` in `subnet` (in words) and addresses outside that subnet cannot be judged
 * from the subnet: outbound it leaves by the primary NIC; inbound it arrives, but the replies leave by the primary NIC.
 * Begins "cannot be judged: ", as every stage words it (lib/path/types.ts cannotBeJudged).
 */
export function secondaryNicDoubt(holds: readonly SecondaryNic[], subnet: string, direction: "Inbound" | "Outbound"): string {
  const each = holds.map((h) => `${h.holder} holds ${subnet} only through ${h.nic}, which is not its primary NIC; its primary NIC ${h.primary ? `is ${h.primary}` : "is not in the input (add `az network nic list`)"}`);
  const goes = direction === "Outbound" ? "this traffic leaves" : "the replies to this traffic leave";
  const through = holds.length === 1 ? holds[0].nic.replace(/^NIC (configuration )?/, "") : "the secondary NIC";
  return `cannot be judged: ${each.join("; ")}. Azure gives the default gateway to the primary NIC only, so ${goes} by the primary NIC, not from ${subnet}, unless the guest OS is configured to route it through ${through}; what ${subnet}'s path decides holds only then (https://learn.microsoft.com/azure/virtual-machines/linux/multiple-nics)`;
}

/**
 * `pieces` of a flow of machines that hold `subnet` through non-primary NICs (`holds`), with the traffic whose far end
 * is outside the subnet's own prefixes (`own`) made `Unaudited` ("cannot be judged"), whatever the subnet's path
 * decided for it: that decision (its rules and steps, kept as evidence) holds only if the guest OS routes through the
 * secondary NIC. Traffic with peers in the subnet itself is judged as before: a NIC reaches its own subnet directly.
 */
export function withSecondaryNicDoubt(pieces: readonly PathPiece[], holds: readonly SecondaryNic[], own: AddrSet, subnet: string, direction: "Inbound" | "Outbound"): PathPiece[] {
  if (!holds.length) return [...pieces];
  const unique = [...new Map(holds.map((h) => [`${h.holder}|${h.nic}|${h.primary ?? ""}`, h])).values()];
  const doubt = secondaryNicDoubt(unique, subnet, direction);
  const far = direction === "Outbound" ? "dst" : "src";
  const out: PathPiece[] = [];
  for (const p of pieces) {
    const near = addrIntersect(p.box[far], own);
    const away = addrSubtract(p.box[far], own);
    if (!addrIsEmpty(near)) out.push(addrIsEmpty(away) ? p : { ...p, box: { ...p.box, [far]: near } });
    if (addrIsEmpty(away)) continue;
    // What the subnet's path said stays in the words: a drop there, or an appliance it hands to, holds only via the secondary NIC too.
    const before = p.access === "Allow" ? "" : `; through ${subnet} itself: ${describeNotDelivered(p).replace(/^cannot be judged: /, "")}`;
    // Decided by where the guest OS routes it: no NSG, route or firewall change of this subnet settles it (lib/fixes/plan-path.ts).
    out.push({ ...p, box: { ...p.box, [far]: away }, access: "Unaudited", decidedAt: "route", why: `${doubt}${before}` });
  }
  return out;
}
