// The profile says which subnet plays which part, in which CycleCloud deployment, and names the
// CycleCloud server, its HTTPS proxy and its storage account (CONTRACT §1.2). `roles` alone is one deployment.
import { InputError } from "@/lib/errors";
import { pushTo } from "@/lib/collections";
import type { Deployment, NetworkInterface, Profile, ProxySetting, Role, Snapshot, Subnet } from "@/lib/model/types";
import { type Endpoint, type Placement, SINGLE_DEPLOYMENT, nicEndpoint } from "@/lib/nsg/estate";
import { concrete } from "@/lib/net/addr-set";
import { type CidrRange, parseCidr } from "@/lib/net/ip";
import { subnetHolding } from "@/lib/path/locate";
import { storageAccountOf } from "@/lib/path/storage-account-access";
import { editDistance } from "@/lib/edit-distance";
import { parseProfile } from "./parse-profile";
import { keyOf } from "./arm-id";
import { assertSubnetHasPrefix } from "./subnet-prefix";
import { missingNicKeys } from "./gaps";

export const ROLES: readonly Role[] = ["cyclecloud", "cluster", "returnProxy"];

export { parseProfile };

/**
 * A stored (parsed) profile in the form a profile file has (CONTRACT §1.2): the `default` deployment as top-level
 * `roles` / `cyclecloudServer` / `proxy`, the others under `deployments` with their role lists inline.
 */
export function storedProfileAsInput(profile: Profile): Record<string, unknown> {
  if (!profile.deployments?.length) return { roles: profile.roles };
  const out: Record<string, unknown> = {};
  const others: Record<string, unknown>[] = [];
  for (const d of profile.deployments) {
    const extra = { cyclecloudServer: d.cyclecloudServer, ...(d.proxy ? { proxy: d.proxy } : {}), ...(d.storageAccount ? { storageAccount: d.storageAccount } : {}) };
    if (d.name === SINGLE_DEPLOYMENT) Object.assign(out, { roles: d.roles, ...extra });
    else others.push({ name: d.name, ...d.roles, ...extra });
  }
  if (others.length) out.deployments = others;
  return out;
}

function describeSubnet(subnet: Subnet): string {
  return `${subnet.vnetName}/${subnet.name}`;
}

const shortNameIndexes = new WeakMap<Snapshot, Map<string, Subnet[]>>();

/**
 * The subnets a ref names: a full subnet id (case-insensitive) or the short `vnet/subnet` users type.
 * Several when a short ref is ambiguous (same names in two subscriptions), none when nothing matches.
 * The short-name index is built once per snapshot (snapshots do not change once loaded).
 */
export function subnetsByRef(snapshot: Snapshot, ref: string): Subnet[] {
  const r = ref.trim();
  if (r.startsWith("/")) {
    const s = snapshot.subnets.get(r.toLowerCase());
    return s ? [s] : [];
  }
  let index = shortNameIndexes.get(snapshot);
  if (!index) shortNameIndexes.set(snapshot, (index = indexByShortName(snapshot)));
  return index.get(r.toLowerCase()) ?? [];
}

/** Subnets by `vnetname/subnetname`, lower-cased: the short ref users type. */
function indexByShortName(snapshot: Snapshot): Map<string, Subnet[]> {
  const index = new Map<string, Subnet[]>();
  for (const subnet of snapshot.subnets.values()) {
    const short = `${subnet.vnetName}/${subnet.name}`.toLowerCase();
    const found = index.get(short);
    if (found) found.push(subnet);
    else index.set(short, [subnet]);
  }
  return index;
}

/** Where a role list sits in the file, for messages: `roles.cluster[1]` or `deployments[0].cluster[1]`. */
function rolePath(profile: Profile, deploymentIndex: number, role: Role, i: number): string {
  const single = profile.deployments?.[0]?.name === SINGLE_DEPLOYMENT;
  if (single && deploymentIndex === 0) return `roles.${role}[${i}]`;
  return `deployments[${deploymentIndex - (single ? 1 : 0)}].${role}[${i}]`;
}

function deploymentsOf(profile: Profile): Deployment[] {
  return profile.deployments ?? [{ name: SINGLE_DEPLOYMENT, roles: profile.roles, cyclecloudServer: [] }];
}

/** How a profile is resolved against a snapshot. */
export interface ResolveOptions {
  /**
   * The snapshot is what a live read reached of the estate (CONTRACT §2 exit 3: "what was read is still audited"): a
   * ref that matches nothing read may name what the failed calls would have returned, so it is left out of the audit
   * and listed (`unmatchedProfileRefs`) instead of being an input error. Ambiguous refs and refs that contradict
   * each other stay input errors: no further read can make them right.
   */
  partialRead?: boolean;
}

/** A profile entry a partial read's audit left out: where it sits in the profile, what it names, and why. */
export interface UnmatchedRef {
  /** JSON path in the profile: `roles.cluster[1]`, `deployments[0].cyclecloudServer[0]`. */
  at: string;
  kind: "subnet" | "cyclecloudServer" | "storageAccount";
  ref: string;
  /** What was not found, in the words the input error would have used. */
  reason: string;
  deployment: string;
  /** The role a subnet ref would have given. */
  role?: Role;
}

interface Resolved {
  roles: Map<string, Role>;
  deploymentOf: Map<string, string>;
  /** Refs that matched nothing read (only with `partialRead`). */
  unmatched: UnmatchedRef[];
}

/**
 * Resolutions per profile and snapshot object: an audit asks for roles, then for placement, of the same pair. Weak
 * both ways, so a profile shared by many scans (the store's empty profile) keeps no snapshot alive.
 */
const resolved = new WeakMap<Profile, WeakMap<Snapshot, { profileName: string; partial: boolean; value: Resolved }>>();

function resolveAll(snapshot: Snapshot, profile: Profile, profileName: string, partialRead = false): Resolved {
  let bySnapshot = resolved.get(profile);
  const known = bySnapshot?.get(snapshot);
  const value = known && known.profileName === profileName && known.partial === partialRead ? known.value : resolveUncached(snapshot, profile, profileName, partialRead);
  if (!bySnapshot) resolved.set(profile, (bySnapshot = new WeakMap()));
  bySnapshot.set(snapshot, { profileName, partial: partialRead, value });
  // Copies: callers apply dashboard overrides to the maps they get.
  return { roles: new Map(value.roles), deploymentOf: new Map(value.deploymentOf), unmatched: value.unmatched };
}

function resolveUncached(snapshot: Snapshot, profile: Profile, profileName: string, partialRead: boolean): Resolved {
  const roles = new Map<string, Role>();
  const deploymentOf = new Map<string, string>();
  // Where each subnet was first named, so a second deployment naming it is refused naming both paths.
  const firstAt = new Map<string, string>();
  const unmatched: UnmatchedRef[] = [];
  deploymentsOf(profile).forEach((d, di) => {
    for (const role of ROLES) {
      d.roles[role].forEach((rawRef, i) => {
        const at = rolePath(profile, di, role, i);
        const matches = subnetsByRef(snapshot, rawRef);
        if (matches.length > 1) {
          const subscriptions = [...new Set(matches.map((m) => m.subscriptionId))].join(", ");
          throw new InputError(profileName, at, `"${rawRef}" matches ${matches.length} subnets (subscriptions ${subscriptions}); use the full subnet id`);
        }
        const subnet = matches[0];
        if (!subnet) {
          const reason = `no subnet matches ${JSON.stringify(rawRef)}`;
          if (!partialRead) throw new InputError(profileName, at, reason);
          unmatched.push({ at, kind: "subnet", ref: rawRef, reason, deployment: d.name, role });
          return;
        }
        assertSubnetHasPrefix(subnet, `${profileName} (${at}) gives it role ${role}`);
        const earlier = roles.get(subnet.key);
        if (earlier !== undefined && earlier !== role) {
          throw new InputError(profileName, at, `subnet ${describeSubnet(subnet)} is already in role ${earlier}; a subnet plays one role`);
        }
        const otherDeployment = deploymentOf.get(subnet.key);
        if (otherDeployment !== undefined && otherDeployment !== d.name) {
          // A subnet's checks are one finding per rule, judged against one deployment's CycleCloud server, proxy and
          // storage account: in two deployments, whose would be ambiguous.
          const instead = role === "cyclecloud" ? "give each deployment its own CycleCloud subnet, or name the CycleCloud VMs as one deployment's `cyclecloudServer`" : `name it in one deployment's \`${role}\` list`;
          throw new InputError(
            profileName,
            at,
            `subnet ${describeSubnet(subnet)} is already in deployment ${otherDeployment} (${firstAt.get(subnet.key)}); a subnet belongs to one deployment, since each deployment's own CycleCloud server, proxy and storage account would make the subnet's one finding per rule ambiguous: ${instead}`,
          );
        }
        if (!firstAt.has(subnet.key)) firstAt.set(subnet.key, at);
        roles.set(subnet.key, role);
        deploymentOf.set(subnet.key, d.name);
      });
    }
  });
  return { roles, deploymentOf, unmatched };
}

/**
 * Resolves every ref of the profile to a subnet key. A ref that matches nothing, matches two
 * subnets, or puts one subnet in two roles or two deployments is an input error: guessing would audit
 * the wrong subnet, and a subnet in two deployments would be judged against two CycleCloud servers, proxies and
 * storage accounts in one finding per rule. With `opts.partialRead` a ref that matches nothing is left out instead
 * (see ResolveOptions).
 */
export function resolveRoles(snapshot: Snapshot, profile: Profile, profileName: string, opts: ResolveOptions = {}): Map<string, Role> {
  return resolveAll(snapshot, profile, profileName, opts.partialRead).roles;
}

/** The NICs of each VM, in input order: servers named by VM id, one index for all of them. */
function nicsByVm(snapshot: Snapshot): Map<string, NetworkInterface[]> {
  const out = new Map<string, NetworkInterface[]>();
  for (const nic of snapshot.nics.values()) {
    if (nic.virtualMachineKey) pushTo(out, nic.virtualMachineKey, nic);
  }
  return out;
}

/** What the audit says about how each deployment's CycleCloud server was read, by deployment name (see `placementNotes`). */
const notesOf = new WeakMap<Placement, ReadonlyMap<string, string[]>>();

/**
 * Notes on how `placement`'s CycleCloud servers were read, by deployment name: a VM whose other NICs sit outside the
 * deployment's CycleCloud subnets is judged by the NIC(s) in them, and the note names the others.
 */
export function placementNotes(placement: Placement): ReadonlyMap<string, string[]> {
  return notesOf.get(placement) ?? new Map();
}

/** The profile entries `placement`'s resolution left out (role subnets, then servers); only under `partialRead`. */
const unmatchedOf = new WeakMap<Placement, readonly UnmatchedRef[]>();

/**
 * The profile entries that matched nothing a partial read returned, so the audit left them out (ResolveOptions):
 * role subnets and `cyclecloudServer` refs, in profile order. Empty without `partialRead`.
 */
export function unmatchedProfileRefs(placement: Placement): readonly UnmatchedRef[] {
  return unmatchedOf.get(placement) ?? [];
}

/** CycleCloud servers named by an address no NIC of the input is known to hold, by subnet key (see `serversJudgedFromSubnet`). */
const unseenOf = new WeakMap<Placement, ReadonlyMap<string, string>>();

/**
 * The CycleCloud subnets whose server the profile names by an IP address that no NIC of the input is known to hold,
 * while the input cannot show that none does (the subnet lists no `ipConfigurations`, or a NIC of it has no private
 * address): the checks resting on that address are judged from the subnet alone (its NSG and routes, not the NIC's),
 * and say so in these words, by subnet key. Servers behind a NIC the subnet names but the input lacks are not here:
 * their verdicts are "cannot be judged" and name the NIC.
 */
export function serversJudgedFromSubnet(placement: Placement): ReadonlyMap<string, string> {
  return unseenOf.get(placement) ?? new Map();
}

/** Whether the address `text` is `ip`, compared as addresses (`fd00::4` is `fd00:0::4`). */
function sameAddress(text: string, ip: CidrRange): boolean {
  const own = parseCidr(text);
  return !!own && own.family === ip.family && (ip.family === 4 ? own.v4[0] === ip.v4[0] : own.v6[0] === ip.v6[0]);
}

/** Whether one of the IP configurations `nic` has in `subnetKey` holds `ip`. */
function holds(nic: NetworkInterface, subnetKey: string, ip: CidrRange): boolean {
  return nic.ipConfigurations.some((c) => c.subnetKey === subnetKey && !!c.privateIpAddress && sameAddress(c.privateIpAddress, ip));
}

/** The private addresses `nic` gives in `subnetKey`. */
function privateIps(nic: NetworkInterface, subnetKey: string): string[] {
  return nic.ipConfigurations.flatMap((c) => (c.subnetKey === subnetKey && c.privateIpAddress ? [c.privateIpAddress] : []));
}

/**
 * What the input shows of the NICs in `subnet`, for a server named by address `ip` that none of the input's NICs
 * holds: `complete` when the subnet lists its `ipConfigurations`, every NIC they name is in the input, and each of
 * those NICs gives its private address there (then no NIC of the subnet holds `ip`: the ref is wrong); `missing` when
 * it names NICs the input lacks (one of them may hold it); otherwise `unlisted` (the subnet lists none, or a NIC's
 * address is not given), with the words saying why the server is judged from the subnet alone.
 */
function nicsShown(snapshot: Snapshot, subnet: Subnet): { kind: "complete"; nics: NetworkInterface[] } | { kind: "missing" } | { kind: "unlisted"; why: string } {
  if (missingNicKeys(snapshot, subnet).length) return { kind: "missing" };
  const where = describeSubnet(subnet);
  if (!snapshot.nics.size) return { kind: "unlisted", why: "no NIC is in the input (add `az network nic list`)" };
  if (!subnet.ipConfigurationNicKeys?.length) return { kind: "unlisted", why: `${where} lists no ipConfigurations in the input` };
  const nics = [...new Set([...subnet.ipConfigurationNicKeys, ...subnet.nicKeys])].flatMap((k) => snapshot.nics.get(k) ?? []);
  const unaddressed = nics.find((n) => n.ipConfigurations.some((c) => c.subnetKey === subnet.key && !c.privateIpAddress));
  if (unaddressed) return { kind: "unlisted", why: `NIC ${unaddressed.name} in ${where} gives no private IP address in the input` };
  return { kind: "complete", nics };
}

/**
 * Whether `ip` (IPv4) is one of the five addresses Azure reserves in `subnet`'s prefix holding it: the network
 * address, .1 (default gateway), .2 and .3 (Azure DNS) and the last (broadcast). No VM can hold one. Returns the
 * prefix when reserved. https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
 */
function reservedIn(subnet: Subnet, ip: number): string | undefined {
  for (const prefix of subnet.addressPrefixes) {
    const r = parseCidr(prefix);
    if (!r || r.family !== 4) continue;
    const [lo, hi] = r.v4;
    if (ip >= lo && ip <= hi && (ip - lo < 4 || ip === hi)) return prefix;
  }
  return undefined;
}

/**
 * Refuses a proxy address no machine can hold or CycleCloud cannot send to: one Azure reserves in the subnet holding
 * it, or one of a family that none of the deployment's CycleCloud subnets has (a packet keeps its family, so every leg
 * of the proxied checks would be empty). Throws InputError naming `at` in the profile.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
 */
function checkProxyAddress(snapshot: Snapshot, address: string, ccKeys: readonly string[], deployment: string, profileName: string, at: string): void {
  const r = parseCidr(address);
  if (!r) return;
  const holder = subnetHolding(snapshot, address);
  const reserved = holder && r.family === 4 ? reservedIn(holder, r.v4[0]) : undefined;
  if (reserved) throw new InputError(profileName, at, `${address} is one of the five addresses Azure reserves in ${describeSubnet(holder!)} (${reserved}: the first four and the last), so no proxy holds it; give the proxy VM's own address`);
  const families = new Set(ccKeys.flatMap((k) => snapshot.subnets.get(k)?.addressPrefixes.map((p) => parseCidr(p)?.family) ?? []));
  if (ccKeys.length && !families.has(r.family)) {
    throw new InputError(profileName, at, `${address} is IPv${r.family} and no CycleCloud subnet of deployment ${deployment} has an IPv${r.family} prefix, so CycleCloud cannot reach it; give the proxy's IPv${r.family === 4 ? 6 : 4} address`);
  }
}

/**
 * The server's endpoint when the profile names it by an IP address no NIC of the input holds. Where the subnet's
 * `ipConfigurations` name NICs the input lacks, the server's NIC may be one of them, with its own NSG, public IP and
 * load balancer pools: one endpoint per such NIC, each marked missing, so the verdicts that rest on it are
 * "cannot be judged" and name it (CONTRACT §4.1). Otherwise the address alone, judged from the subnet.
 */
function serverAtAddress(snapshot: Snapshot, subnet: Subnet, addresses: Endpoint["addresses"]): Endpoint[] {
  const missing = missingNicKeys(snapshot, subnet);
  if (!missing.length) return [{ addresses, lbBackendPoolKeys: [] }];
  return missing.map((k) => ({ missingNic: k, addresses, lbBackendPoolKeys: [] }));
}

/** Deployment names for a sentence: `deployment a`, `deployments a, b, c and 2 more`. */
function others(names: string[]): string {
  const shown = names.slice(0, 3).join(", ");
  return `deployment${names.length > 1 ? "s" : ""} ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ""}`;
}

/**
 * Refuses a proxy address that a CycleCloud server of the same deployment holds: with a proxy, CycleCloud's own direct
 * Internet egress is required to be denied (CONTRACT §1.2), which would deny the proxy's own way out on that machine.
 * Throws InputError naming `at` and the server's entry.
 */
function refuseProxyOnServer(address: string, servers: readonly { at: string; ips: string[] }[], profileName: string, at: string): void {
  const r = parseCidr(address);
  if (!r) return;
  const on = servers.find((s) => s.ips.some((ip) => sameAddress(ip, r)));
  if (on) throw new InputError(profileName, at, `${address} is the CycleCloud server's own address (${on.at}); the proxy must be another machine, since CycleCloud's direct Internet egress is required to be denied when it uses a proxy`);
}

/**
 * Undefined when the input holds the storage account `ref` names (storageAccountOf); otherwise the names of the
 * accounts it does hold (empty when it holds none, which a snapshot without `az storage account list` does).
 */
function unknownStorageAccount(snapshot: Snapshot, ref: string): { held: string[]; surely: boolean } | undefined {
  if (storageAccountOf(snapshot, ref)) return undefined;
  const accounts = [...(snapshot.storageAccounts?.values() ?? [])];
  return { held: accounts.map((a) => a.name), surely: surelyMissing(accounts, ref) };
}

/**
 * Whether a storage account ref the input does not hold would be there if it existed: an id in a subscription whose
 * accounts the input holds (their listing was read), or a name one or two letters from a held one (a typo). A name far
 * from every held one may be an account of a subscription not read (a hub's locker beside spokes' accounts).
 */
function surelyMissing(accounts: readonly { id: string; name: string }[], ref: string): boolean {
  const sub = /^\/subscriptions\/([^/]+)\//i.exec(ref)?.[1]?.toLowerCase();
  if (sub) return accounts.some((a) => a.id.toLowerCase().startsWith(`/subscriptions/${sub}/`));
  const name = ref.toLowerCase();
  return accounts.some((a) => editDistance(a.name.toLowerCase(), name) <= 2);
}


/**
 * The deployments, CycleCloud servers and proxies of a profile (CONTRACT §1.2), for the estate. A server
 * ref is a NIC id, a VM id (its NICs in the input) or an IP address, and must sit in a CycleCloud subnet of
 * its deployment: a VM with NICs in other subnets too is judged by those in its CycleCloud subnets (a note says
 * so); an IP address Azure reserves in its subnet is an input error. `roles` (after dashboard overrides) decides
 * which subnets have a role; a subnet given a role by an override joins `overrideDeployments`' deployment, or the first one.
 * With `opts.partialRead` a server ref that matches nothing read, or whose CycleCloud subnet was not read, is left
 * out and listed (`unmatchedProfileRefs`) instead of being an input error.
 */
export function resolvePlacement(snapshot: Snapshot, profile: Profile, profileName: string, roles: ReadonlyMap<string, Role>, overrideDeployments?: ReadonlyMap<string, string>, opts: ResolveOptions = {}): Placement {
  const partialRead = opts.partialRead ?? false;
  const { deploymentOf, unmatched: unmatchedRoles } = resolveAll(snapshot, profile, profileName, partialRead);
  const unmatched = [...unmatchedRoles];
  const deployments = deploymentsOf(profile);
  const fallback = deployments[0]?.name ?? SINGLE_DEPLOYMENT;
  const finalDeployment = new Map<string, string>();
  for (const key of roles.keys()) finalDeployment.set(key, overrideDeployments?.get(key) ?? deploymentOf.get(key) ?? fallback);
  const servers = new Map<string, Endpoint[]>();
  const proxies = new Map<string, ProxySetting>();
  const storageAccounts = new Map<string, string>();
  const notes = new Map<string, string[]>();
  const single = deployments[0]?.name === SINGLE_DEPLOYMENT && profile.deployments !== undefined;
  // Each deployment's CycleCloud subnets, gathered in one pass (a pass per deployment was deployments × subnets).
  const cyclecloudKeys = new Map<string, string[]>();
  for (const [k, name] of finalDeployment) if (roles.get(k) === "cyclecloud") pushTo(cyclecloudKeys, name, k);
  let vmNics: Map<string, NetworkInterface[]> | undefined;
  const unseen = new Map<string, string[]>();
  deployments.forEach((d, di) => {
    const ccKeys = cyclecloudKeys.get(d.name) ?? [];
    // Each server's own addresses as the input gives them, for the proxy check (not the subnet prefixes an endpoint
    // stands for when a NIC gives no address).
    const ownServers: { at: string; ips: string[] }[] = [];
    if (d.proxy) {
      checkProxyAddress(snapshot, d.proxy.address, ccKeys, d.name, profileName, single && di === 0 ? "proxy.address" : `deployments[${di - (single ? 1 : 0)}].proxy.address`);
      proxies.set(d.name, d.proxy);
    }
    if (d.storageAccount) storageAccounts.set(d.name, d.storageAccount);
    d.cyclecloudServer.forEach((rawRef, i) => {
      const at = single && di === 0 ? `cyclecloudServer[${i}]` : `deployments[${di - (single ? 1 : 0)}].cyclecloudServer[${i}]`;
      const ref = rawRef.trim();
      const found: { subnetKey: string; endpoint: Endpoint; nicName?: string; ips: string[] }[] = [];
      if (ref.startsWith("/")) {
        const key = keyOf(ref);
        vmNics ??= nicsByVm(snapshot);
        const nics = snapshot.nics.has(key) ? [snapshot.nics.get(key)!] : (vmNics.get(key) ?? []);
        if (nics.length === 0) {
          if (!partialRead) throw new InputError(profileName, at, `no NIC and no VM's NIC in the input matches ${JSON.stringify(rawRef)} (add \`az network nic list\`)`);
          unmatched.push({ at, kind: "cyclecloudServer", ref: rawRef, reason: `no NIC and no VM's NIC read matches ${JSON.stringify(rawRef)}`, deployment: d.name });
          return;
        }
        for (const nic of nics) {
          const subnetKeys = new Set(nic.ipConfigurations.flatMap((ipc) => (ipc.subnetKey ? [ipc.subnetKey] : [])));
          for (const subnetKey of subnetKeys) found.push({ subnetKey, endpoint: nicEndpoint(snapshot, nic, subnetKey), nicName: nic.name, ips: privateIps(nic, subnetKey) });
        }
      } else {
        const r = parseCidr(ref);
        if (!r || ref.includes("/")) throw new InputError(profileName, at, `expected a NIC id, a VM id or an IP address, got ${JSON.stringify(rawRef)}`);
        const s = subnetHolding(snapshot, ref, ccKeys);
        if (!s) {
          const reason = `${ref} is in no CycleCloud subnet of deployment ${d.name}`;
          if (!partialRead) throw new InputError(profileName, at, reason);
          // Its CycleCloud subnet, or the prefix holding it, may be in what was not read.
          unmatched.push({ at, kind: "cyclecloudServer", ref: rawRef, reason: `${reason} that was read`, deployment: d.name });
          return;
        }
        const reserved = r.family === 4 ? reservedIn(s, r.v4[0]) : undefined;
        if (reserved) throw new InputError(profileName, at, `${ref} is one of the five addresses Azure reserves in ${describeSubnet(s)} (${reserved}: the first four and the last), so no VM holds it; give the CycleCloud VM's own address`);
        const nic = s.nicKeys.map((k) => snapshot.nics.get(k)).find((n) => n && holds(n, s.key, r));
        if (nic) found.push({ subnetKey: s.key, endpoint: nicEndpoint(snapshot, nic, s.key), ips: [ref] });
        else {
          const shown = nicsShown(snapshot, s);
          // A stored scan audited before this check: judged from the subnet alone, as it was, saying why.
          if (shown.kind === "complete" && snapshot.stored) {
            const words = `CycleCloud server ${ref} (${at}) is judged from the subnet alone: no NIC of ${describeSubnet(s)} in the input holds it`;
            pushTo(unseen, s.key, words);
            pushTo(notes, d.name, words);
          } else if (shown.kind === "complete") {
            // Every NIC of the subnet is in the input and none holds it: a typo, or another VM's address. Judging the
            // address from the subnet alone would pass checks the real server's own NSG fails.
            const held = shown.nics.slice(0, 4).map((n) => `${n.name} ${n.ipConfigurations.filter((c) => c.subnetKey === s.key).map((c) => c.privateIpAddress).join(", ")}`);
            const more = shown.nics.length > 4 ? `, and ${shown.nics.length - 4} more` : "";
            throw new InputError(profileName, at, `no NIC of ${describeSubnet(s)} in the input holds ${ref} (it holds ${held.join("; ")}${more}); give the CycleCloud VM's own address, NIC id or VM id`);
          }
          if (shown.kind === "unlisted") {
            const words = `CycleCloud server ${ref} (${at}) is judged from the subnet alone: ${shown.why}, so the NIC holding ${ref} (its own NSG, public IP and load balancer pools) is not known`;
            pushTo(unseen, s.key, words);
            pushTo(notes, d.name, words);
          }
          for (const endpoint of serverAtAddress(snapshot, s, concrete(r.v4, r.v6))) found.push({ subnetKey: s.key, endpoint, ips: [ref] });
        }
      }
      // A CycleCloud VM may have NICs in other subnets too (a second NIC toward a proxy or storage): it is judged by
      // the NIC(s) in its deployment's CycleCloud subnets, and the note names the others.
      const inCc = found.filter((f) => ccKeys.includes(f.subnetKey));
      if (!inCc.length) {
        const s = found[0] && snapshot.subnets.get(found[0].subnetKey);
        // Read partially: the deployment's CycleCloud subnet, or the NIC's own subnet, may be what was not read.
        if (partialRead && (!s || unmatchedRoles.some((u) => u.deployment === d.name && u.role === "cyclecloud"))) {
          unmatched.push({ at, kind: "cyclecloudServer", ref: rawRef, reason: `the server is in ${s ? describeSubnet(s) : (found[0]?.subnetKey ?? "no subnet read")}, which is not a CycleCloud subnet of deployment ${d.name} that was read`, deployment: d.name });
          return;
        }
        throw new InputError(profileName, at, `the server is in ${s ? describeSubnet(s) : (found[0]?.subnetKey ?? "no subnet")}, which is not a CycleCloud subnet of deployment ${d.name}`);
      }
      const outside = found.filter((f) => !ccKeys.includes(f.subnetKey));
      if (outside.length) {
        const where = outside.map((f) => `${f.nicName ? `NIC ${f.nicName} in ` : ""}${describeSubnet(snapshot.subnets.get(f.subnetKey) ?? ({ vnetName: "?", name: f.subnetKey } as Subnet))}`);
        pushTo(notes, d.name, `CycleCloud server ${rawRef.split("/").pop()} (${at}) is judged by its NIC(s) in its CycleCloud subnet; ${where.join(", ")} ${outside.length > 1 ? "are" : "is"} outside the deployment's CycleCloud subnets and not judged as the server`);
      }
      for (const f of inCc) {
        pushTo(servers, f.subnetKey, f.endpoint);
        ownServers.push({ at, ips: f.ips });
      }
    });
    if (d.proxy && !snapshot.stored) refuseProxyOnServer(d.proxy.address, ownServers, profileName, single && di === 0 ? "proxy.address" : `deployments[${di - (single ? 1 : 0)}].proxy.address`);
    if (d.storageAccount) {
      const at = single && di === 0 ? "storageAccount" : `deployments[${di - (single ? 1 : 0)}].storageAccount`;
      const missing = unknownStorageAccount(snapshot, d.storageAccount);
      if (missing?.held.length && missing.surely) {
        const reason = `no storage account in the input is ${JSON.stringify(d.storageAccount)}; it holds ${missing.held.slice(0, 5).join(", ")}${missing.held.length > 5 ? `, and ${missing.held.length - 5} more` : ""}`;
        // A stored scan audited before this check keeps its account, saying it is not in the input.
        if (snapshot.stored) pushTo(notes, d.name, `Storage account ${d.storageAccount} (${at}) is not in the input: ${reason}; its network rules are not judged`);
        else if (!partialRead) throw new InputError(profileName, at, reason);
        else unmatched.push({ at, kind: "storageAccount", ref: d.storageAccount, reason, deployment: d.name });
      } else if (missing) {
        const why = missing.held.length ? `which holds only accounts of other subscriptions or names (add \`az storage account list\` for its subscription)` : `which holds no storage account (add \`az storage account list\`)`;
        pushTo(notes, d.name, `Storage account ${d.storageAccount} (${at}) is not in the input, ${why}: its network rules and public network access are not judged, only the way to Storage`);
      }
    }
  });
  if (single && deployments.length > 1) {
    pushTo(notes, SINGLE_DEPLOYMENT, `The profile's top-level \`roles\` form deployment ${SINGLE_DEPLOYMENT}, beside ${others(deployments.slice(1).map((d) => d.name))} under \`deployments\`: flows between cluster and CycleCloud are checked within each deployment only, so ${SINGLE_DEPLOYMENT}'s subnets and the others' do not count for each other`);
  }
  const placement: Placement = { deploymentOf: finalDeployment, servers, proxies, storageAccounts };
  if (notes.size) notesOf.set(placement, notes);
  if (unseen.size) unseenOf.set(placement, new Map([...unseen].map(([k, words]) => [k, words.join("; ")])));
  if (unmatched.length) unmatchedOf.set(placement, unmatched);
  return placement;
}
