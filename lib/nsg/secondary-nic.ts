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
  /**
   * Set when the input leaves open whether `nic` is the primary NIC: why, naming the NICs that may be it
   * (`the input does not show which of its NICs is primary (NIC a in vnet/snet-a, NIC b in vnet/snet-b; …)`).
   */
  unsure?: string;
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

/**
 * What the input says of which of one VM's NICs is primary: `primary` (in the input), `absentPrimary` (the VM marks a
 * NIC the input lacks, or every NIC the input holds of it is marked otherwise and it may have more), or `candidates`
 * (the flags leave it open among these; `open` says why, in words).
 */
interface VmPrimary {
  primary?: NetworkInterface;
  absentPrimary?: string | true;
  candidates?: NetworkInterface[];
  open?: string;
}

interface VmIndex {
  nics: Map<string, NetworkInterface[]>;
  verdicts: Map<string, VmPrimary>;
}

/** NICs by their VM's key and each VM's verdict, built once per snapshot (fixes never change NICs): a scan per NIC would cost NICs². */
const byVm = new WeakMap<Map<string, NetworkInterface>, VmIndex>();

function vmIndex(snapshot: Snapshot): VmIndex {
  let index = byVm.get(snapshot.nics);
  if (!index) {
    index = { nics: new Map(), verdicts: new Map() };
    for (const nic of snapshot.nics.values()) {
      if (!nic.virtualMachineKey) continue;
      let list = index.nics.get(nic.virtualMachineKey);
      if (!list) index.nics.set(nic.virtualMachineKey, (list = []));
      list.push(nic);
    }
    byVm.set(snapshot.nics, index);
  }
  return index;
}

/**
 * A Uniform instance NIC's flag as its scale set's model gives it, for an instance NIC without its own: the instance NIC
 * is named after its NIC configuration. A single configuration is primary with or without the flag (`primaryConfiguration`).
 * https://learn.microsoft.com/rest/api/compute/virtual-machine-scale-sets/get#virtualmachinescalesetnetworkconfiguration
 */
function modelPrimary(snapshot: Snapshot, nic: NetworkInterface): boolean | undefined {
  const vmss = nic.scaleSetKey ? snapshot.scaleSets?.get(nic.scaleSetKey) : undefined;
  if (!vmss) return undefined;
  const config = vmss.nicConfigurations.find((c) => c.name.toLowerCase() === nic.name.toLowerCase());
  if (!config) return undefined;
  const primary = primaryConfiguration(vmss);
  return primary ? primary === config : config.primary;
}

/**
 * Which of a VM's NICs (`members`: those of the input naming it, or listed by it) is primary. Each NIC's flag is its own
 * `primary` or, where it has none, the VM's `networkProfile.networkInterfaces[].primary` for it (a Uniform instance's:
 * its scale set model's, `modelPrimary`); where the two disagree
 * the NIC counts as unmarked. One NIC marked primary is; else the only one not marked otherwise is (a VM's only NIC is
 * primary). Every NIC marked not primary: the primary is one the input lacks, unless the VM lists its NICs and the input
 * holds them all (then the input contradicts itself and any of them may be it): Azure designates exactly one of a VM's
 * NICs primary. https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface-vm
 */
function vmPrimary(snapshot: Snapshot, vmKey: string, members: readonly NetworkInterface[]): VmPrimary {
  const vm = snapshot.virtualMachines?.get(vmKey);
  let disagree = false;
  const flags = members.map((n) => {
    const own = n.primary;
    const listed = vm?.primaryByNic?.get(n.key) ?? modelPrimary(snapshot, n);
    if (own !== undefined && listed !== undefined && own !== listed) {
      disagree = true;
      return undefined;
    }
    return own ?? listed;
  });
  const marked = members.filter((_, i) => flags[i] === true);
  if (marked.length === 1) return { primary: marked[0] };
  if (marked.length > 1) return { candidates: marked, open: "the input marks several of its NICs primary" };
  const vmMarked = [...(vm?.primaryByNic ?? [])].filter(([, primary]) => primary).map(([key]) => key);
  if (vmMarked.length === 1 && !members.some((n) => n.key === vmMarked[0])) return { absentPrimary: lastSegment(vmMarked[0]) };
  const open = members.filter((_, i) => flags[i] !== false);
  if (open.length === 1) return { primary: open[0] };
  if (open.length > 1) return { candidates: open, open: disagree ? "the input disagrees on which of its NICs is primary" : "the input does not show which of its NICs is primary" };
  const complete = !!vm && vm.nicKeys.length > 0 && vm.nicKeys.every((k) => members.some((n) => n.key === k));
  return complete ? { candidates: [...members], open: "no NIC of it in the input is marked primary, though the input holds every NIC it lists" } : { absentPrimary: true };
}

function vmVerdict(snapshot: Snapshot, vmKey: string): VmPrimary {
  const index = vmIndex(snapshot);
  let verdict = index.verdicts.get(vmKey);
  if (!verdict) index.verdicts.set(vmKey, (verdict = vmPrimary(snapshot, vmKey, index.nics.get(vmKey) ?? [])));
  return verdict;
}

const nicSubnets = (nic: NetworkInterface) => nic.ipConfigurations.map((i) => i.subnetKey);

/**
 * `nic` when it may not be its VM's primary NIC and that VM's primary NIC may be outside `subnetKey`: undefined when it
 * is primary, when the primary NIC is in `subnetKey` too, or (a NIC naming no VM and not marked otherwise) when it is
 * its machine's only NIC. Its VM's NICs are those of the input naming it or listed by the VM (lib/snapshot/derive.ts);
 * `vmPrimary` reads their flags and the VM's. Where the flags name no primary in the input, the result says so: the
 * primary NIC is not in the input, or which NICs may be it (`primary` left undefined, `unsure` set). Plain VMs, Flexible
 * scale set instances and Uniform instance NICs (`az vmss nic list`, whose `virtualMachine` is the instance) alike.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface-vm
 */
export function secondaryNic(snapshot: Snapshot, nic: NetworkInterface, subnetKey: string): SecondaryNic | undefined {
  if (nic.privateEndpointKey) return undefined;
  const vmKey = nic.virtualMachineKey;
  // Naming no VM: its machine's only NIC unless marked otherwise (then the primary is one the input lacks).
  if (!vmKey && nic.primary !== false) return undefined;
  const verdict: VmPrimary = vmKey ? vmVerdict(snapshot, vmKey) : { absentPrimary: true };
  if (verdict.primary === nic) return undefined;
  const words: Pick<SecondaryNic, "primary" | "unsure"> = {};
  if (verdict.primary) {
    const keys = nicSubnets(verdict.primary);
    if (keys.includes(subnetKey)) return undefined;
    words.primary = `NIC ${verdict.primary.name} in ${subnetWords(snapshot, keys)}`;
  } else if (typeof verdict.absentPrimary === "string") {
    words.primary = `NIC ${verdict.absentPrimary}, which is not in the input (add \`az network nic list\`)`;
  } else if (verdict.candidates) {
    // Whichever of them is primary, the traffic leaves from this subnet: judged as before.
    if (verdict.candidates.every((c) => nicSubnets(c).includes(subnetKey))) return undefined;
    const each = verdict.candidates.map((c) => `NIC ${c.name} in ${subnetWords(snapshot, nicSubnets(c))}`).join(", ");
    words.unsure = `${verdict.open} (${each}; \`az vm list\` and \`az network nic list\` print \`primary\`)`;
  }
  // A Uniform instance's VM is `.../virtualMachineScaleSets/<vmss>/virtualMachines/<n>`: named by its scale set.
  const scaleSet = nic.scaleSetKey ? (snapshot.scaleSets?.get(nic.scaleSetKey)?.name ?? lastSegment(nic.scaleSetKey)) : undefined;
  const vm = vmKey ? (snapshot.virtualMachines?.get(vmKey)?.name ?? lastSegment(vmKey)) : undefined;
  const holder = vm ? (scaleSet ? `instance ${vm} of scale set ${scaleSet}` : `VM ${vm}`) : `the VM of NIC ${nic.name}`;
  return { holder, nic: `NIC ${nic.name}`, ...words };
}

/**
 * Why traffic between the holders of `holds` in `subnet` (in words) and addresses outside that subnet cannot be judged
 * from the subnet: outbound it leaves by the primary NIC; inbound it arrives, but the replies leave by the primary NIC.
 * Begins "cannot be judged: ", as every stage words it (lib/path/types.ts cannotBeJudged).
 */
export function secondaryNicDoubt(holds: readonly SecondaryNic[], subnet: string, direction: "Inbound" | "Outbound"): string {
  const each = holds.map((h) =>
    h.unsure
      ? `${h.holder} holds ${subnet} through ${h.nic}, but ${h.unsure}`
      : `${h.holder} holds ${subnet} only through ${h.nic}, which is not its primary NIC; its primary NIC ${h.primary ? `is ${h.primary}` : "is not in the input: no NIC of it there is marked primary (add `az network nic list` with all its NICs)"}`,
  );
  const goes = direction === "Outbound" ? "this traffic leaves" : "the replies to this traffic leave";
  const through = holds.length === 1 ? holds[0].nic.replace(/^NIC (configuration )?/, "") : "the secondary NIC";
  const where = holds.some((h) => h.unsure) ? " (where that is another NIC)" : "";
  return `cannot be judged: ${each.join("; ")}. Azure gives the default gateway to the primary NIC only, so ${goes} by the primary NIC${where}, not from ${subnet}, unless the guest OS is configured to route it through ${through}; what ${subnet}'s path decides holds only then (https://learn.microsoft.com/azure/virtual-machines/linux/multiple-nics)`;
}

/**
 * `pieces` of a flow of machines that hold `subnet` through non-primary NICs (`holds`), with the traffic whose far end
 * is outside the subnet's own prefixes (`own`) made `Unaudited` ("cannot be judged"), whatever the subnet's path
 * decided for it (inbound, only what it allows: a deny at this NIC's NSGs holds, the packets arriving here): that decision (its rules and steps, kept as evidence) holds only if the guest OS routes through the
 * secondary NIC. Traffic with peers in the subnet itself is judged as before: a NIC reaches its own subnet directly.
 */
export function withSecondaryNicDoubt(pieces: readonly PathPiece[], holds: readonly SecondaryNic[], own: AddrSet, subnet: string, direction: "Inbound" | "Outbound"): PathPiece[] {
  if (!holds.length) return [...pieces];
  const unique = [...new Map(holds.map((h) => [`${h.holder}|${h.nic}|${h.primary ?? ""}|${h.unsure ?? ""}`, h])).values()];
  const doubt = secondaryNicDoubt(unique, subnet, direction);
  const far = direction === "Outbound" ? "dst" : "src";
  const out: PathPiece[] = [];
  for (const p of pieces) {
    // Inbound, the packets arrive at this NIC whichever NIC is primary: what its subnet's and its own NSG deny (or what
    // stays unjudged) is decided here; only an allow rests on the replies' way back, which the primary NIC takes.
    if (direction === "Inbound" && p.access !== "Allow") {
      out.push(p);
      continue;
    }
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
