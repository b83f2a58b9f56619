// The az CLI form of a change, as argument vectors: flags are constants written here, every value
// taken from the estate is data, quoted by the shell serialiser (bash or PowerShell) as one word.
// https://learn.microsoft.com/cli/azure/network/nsg/rule
import type { SecurityRule, Snapshot, Subnet } from "../model/types";
import { CMD_UNSAFE, bashWord, psString } from "./quote";
import { groupKeyOf } from "./firewall-groups";
import type { Change } from "./types";
import { endpointsWith } from "./service-endpoints";

/** A flag and its value(s); `values` are data. */
type Arg = [flag: string, ...values: string[]];

export interface AzCommand {
  /** The command words, e.g. `["network", "nsg", "rule", "create"]` (constants). */
  command: string[];
  args: Arg[];
  /** Wrap one flag per line in bash (long commands); otherwise one line. */
  wrap?: boolean;
  /**
   * Create-if-missing: run only when `list` (a `list` command printing names, one a line) succeeds and prints no name
   * equal to `name` ignoring case, as Azure compares resource names. The names are compared by the shell, not by a
   * JMESPath filter: JMESPath's `==` is case-sensitive and has no lower(), and a name with a quote would break it.
   * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
   */
  unlessListed?: { list: AzCommand; name: string };
}

const sub = (x: { subscriptionId: string; resourceGroup: string }): Arg[] => [
  ["--subscription", x.subscriptionId],
  ["--resource-group", x.resourceGroup],
];

function ruleArgs(rule: SecurityRule): Arg[] {
  const args: Arg[] = [
    ["--priority", String(rule.priority)],
    ["--direction", rule.direction],
    ["--access", rule.access],
    ["--protocol", rule.protocol],
  ];
  if (rule.sourceAsgKeys.length) args.push(["--source-asgs", ...rule.sourceAsgKeys]);
  else args.push(["--source-address-prefixes", ...rule.sourceAddressPrefixes]);
  args.push(["--source-port-ranges", ...rule.sourcePortRanges]);
  if (rule.destinationAsgKeys.length) args.push(["--destination-asgs", ...rule.destinationAsgKeys]);
  else args.push(["--destination-address-prefixes", ...rule.destinationAddressPrefixes]);
  args.push(["--destination-port-ranges", ...rule.destinationPortRanges]);
  return args;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Only the fields an update changes: `az network nsg rule update` keeps the others. */
function changedRuleArgs(before: SecurityRule, after: SecurityRule): Arg[] {
  const args: Arg[] = [];
  if (before.priority !== after.priority) args.push(["--priority", String(after.priority)]);
  if (before.access !== after.access) args.push(["--access", after.access]);
  if (before.protocol !== after.protocol) args.push(["--protocol", after.protocol]);
  if (!same(before.sourceAddressPrefixes, after.sourceAddressPrefixes)) args.push(["--source-address-prefixes", ...after.sourceAddressPrefixes]);
  if (!same(before.destinationAddressPrefixes, after.destinationAddressPrefixes)) args.push(["--destination-address-prefixes", ...after.destinationAddressPrefixes]);
  if (!same(before.sourcePortRanges, after.sourcePortRanges)) args.push(["--source-port-ranges", ...after.sourcePortRanges]);
  if (!same(before.destinationPortRanges, after.destinationPortRanges)) args.push(["--destination-port-ranges", ...after.destinationPortRanges]);
  return args;
}

/** The full service endpoint list after adding one: `--service-endpoints` replaces the whole list. */
export function endpointsAfter(subnet: Subnet | undefined, add: string): string[] {
  return endpointsWith((subnet?.serviceEndpoints ?? []).map((e) => e.service), add, (s) => s, (s) => s);
}

/**
 * A service endpoint as a subnet update sends it: one the subnet had, every field it was read with (its ARM object:
 * `locations`, `networkIdentifier`, ...; the model's `service` and `locations` without the ARM properties), less the
 * read-only `provisioningState`; a new one its `service` alone, so Azure gives it the service's default locations.
 */
export interface EndpointToSend {
  service: string;
  locations?: string[];
  [field: string]: unknown;
}

const sameService = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The endpoint `service` as `asRead` holds it, every field kept but the read-only `provisioningState`; undefined when it has none. */
function endpointAsRead(asRead: Subnet | undefined, service: string): EndpointToSend | undefined {
  const arm = asRead?.armProperties?.serviceEndpoints;
  if (Array.isArray(arm)) {
    const had = arm.find((e): e is Record<string, unknown> => !!e && typeof e === "object" && typeof (e as { service?: unknown }).service === "string" && sameService((e as { service: string }).service, service));
    if (had) return { ...(Object.fromEntries(Object.entries(had).filter(([k]) => k !== "provisioningState")) as EndpointToSend), service };
  }
  const had = asRead?.serviceEndpoints.find((e) => sameService(e.service, service));
  if (!had) return undefined;
  return had.locations.length ? { service, locations: [...had.locations] } : { service };
}

/**
 * The endpoints `subnet` holds after adding `add`, each one the subnet had as read in `asRead` with every field it had
 * (endpointAsRead), the new one with its service alone. `asRead` is the snapshot before any fix: a bundle renders
 * against its end state, where an endpoint another fix adds is not one to keep fields for. Never throws.
 */
export function endpointsToSend(subnet: Subnet | undefined, add: string, asRead: Subnet | undefined = subnet): EndpointToSend[] {
  return endpointsAfter(subnet, add).map((service) => endpointAsRead(asRead, service) ?? { service });
}

/**
 * The arguments of `az network vnet subnet update` that add the endpoint `add` to `subnet` (as rendered: before the fix,
 * or a bundle's end state) whose endpoints were `asRead`.
 * - The subnet had no endpoint: `--service-endpoints <the list>`, the command's own argument. It replaces the whole list
 *   with endpoints that carry only a service (azure-cli's VNetSubnetUpdate.pre_operations maps each name to
 *   `{"service": name}`), which loses nothing when the subnet had none.
 * - Adding it displaces none of the endpoints read (the usual case): the generic update's
 *   `--add serviceEndpoints service=<add>`, which appends one endpoint to the subnet as read before the PUT and leaves
 *   the others as they are, `locations` included (`--service-endpoints` would reset those to the service's default).
 *   It holds no JSON, so the PowerShell form is offered too. https://github.com/Azure/azure-cli/issues/8204
 * - It replaces one (the other Storage kind: lib/fixes/service-endpoints.ts), or the subnet has it already (one not
 *   ready, re-sent): `--set serviceEndpoints=<JSON>`, the whole list, each endpoint kept with every field it was read
 *   with. The JSON's `"` makes it bash only (psProblem). Where one is displaced, every change of a bundle on that subnet
 *   sets the same end list, so their order does not matter.
 * https://learn.microsoft.com/cli/azure/network/vnet/subnet#az-network-vnet-subnet-update (`--add`: "add an object to a
 * list of objects by specifying a path and key value pairs")
 */
function endpointArgs(subnet: Subnet, add: string, asRead: Subnet | undefined): Arg[] {
  const read = asRead?.serviceEndpoints ?? [];
  const after = endpointsAfter(subnet, add);
  if (!read.length) return [["--service-endpoints", ...after]];
  const displaced = read.some((e) => !after.some((s) => sameService(s, e.service)));
  if (!displaced && !read.some((e) => sameService(e.service, add))) return [["--add", "serviceEndpoints", `service=${add}`]];
  return [["--set", `serviceEndpoints=${JSON.stringify(endpointsToSend(subnet, add, asRead))}`]];
}

const subnetArgs = (s: Subnet): Arg[] => [...sub(s), ["--vnet-name", s.vnetName], ["--name", s.name]];

/**
 * `--location` of the subnet's VNet, for a resource created to attach to the subnet (it must be in the subnet's region:
 * https://learn.microsoft.com/azure/nat-gateway/nat-overview); none when the snapshot has no location.
 */
function locationArgs(snapshot: Snapshot, s: Subnet): Arg[] {
  const location = snapshot.vnets.get(s.vnetKey)?.location;
  return location ? [["--location", location]] : [];
}

/**
 * The az commands of one change, in the order they must run. `asRead` is the snapshot before any fix (by default
 * `snapshot`): a bundle renders against its end state, and a subnet's endpoints keep the locations they were read with.
 */
export function azCommands(snapshot: Snapshot, c: Change, asRead: Snapshot = snapshot): AzCommand[] {
  switch (c.kind) {
    case "add-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      return [{ command: ["network", "nsg", "rule", "create"], args: [...sub(nsg), ["--nsg-name", nsg.name], ["--name", c.rule.name], ...ruleArgs(c.rule)], wrap: true }];
    }
    case "update-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      return [{ command: ["network", "nsg", "rule", "update"], args: [...sub(nsg), ["--nsg-name", nsg.name], ["--name", c.before.name], ...changedRuleArgs(c.before, c.after)], wrap: true }];
    }
    case "delete-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      return [{ command: ["network", "nsg", "rule", "delete"], args: [...sub(nsg), ["--nsg-name", nsg.name], ["--name", c.rule.name]] }];
    }
    case "add-service-endpoint": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      return [{ command: ["network", "vnet", "subnet", "update"], args: [...subnetArgs(s), ...endpointArgs(s, c.service, asRead.subnets.get(c.subnetKey))] }];
    }
    case "attach-new-nsg": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      return [
        // In the subnet's region: without --location, az creates it in the resource group's, and Azure refuses to attach it.
        { command: ["network", "nsg", "create"], args: [...sub(s), ["--name", c.nsgName], ...locationArgs(snapshot, s)] },
        ...c.rules.map((r) => ({ command: ["network", "nsg", "rule", "create"], args: [...sub(s), ["--nsg-name", c.nsgName], ["--name", r.name], ...ruleArgs(r)] as Arg[] })),
        { command: ["network", "vnet", "subnet", "update"], args: [...subnetArgs(s), ["--network-security-group", c.nsgName]] },
      ];
    }
    case "add-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      const args: Arg[] = [...sub(t), ["--route-table-name", t.name], ["--name", c.route.name], ["--address-prefix", c.route.addressPrefix], ["--next-hop-type", c.route.nextHopType]];
      if (c.route.nextHopIpAddress) args.push(["--next-hop-ip-address", c.route.nextHopIpAddress]);
      return [{ command: ["network", "route-table", "route", "create"], args, wrap: true }];
    }
    case "delete-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      return [{ command: ["network", "route-table", "route", "delete"], args: [...sub(t), ["--route-table-name", t.name], ["--name", c.routeName]] }];
    }
    case "attach-nat-gateway": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const loc = locationArgs(snapshot, s);
      return [
        { command: ["network", "public-ip", "create"], args: [...sub(s), ["--name", c.publicIpName], ...loc, ["--sku", "Standard"], ["--allocation-method", "Static"]] },
        { command: ["network", "nat", "gateway", "create"], args: [...sub(s), ["--name", c.natGatewayName], ...loc, ["--public-ip-addresses", c.publicIpName]] },
        { command: ["network", "vnet", "subnet", "update"], args: [...subnetArgs(s), ["--nat-gateway", c.natGatewayName]] },
      ];
    }
    case "add-firewall-rule-collection":
      return firewallCommands(snapshot, c);
  }
}

/** The policy's subscription, resource group and name arguments. */
function policyArgs(snapshot: Snapshot, policyKey: string): Arg[] {
  const policy = snapshot.firewallPolicies?.get(policyKey);
  const id = (policy?.id ?? policyKey).split("/");
  return [["--subscription", id[2]], ["--resource-group", id[4]], ["--policy-name", policy?.name ?? policyKey.split("/").pop()!]];
}

/**
 * Creates the rule collection group the fixes add to, only if the policy does not have it: a second `create` of a
 * group replaces it, dropping the collections added since (so the command is guarded, and a bundle holds it once).
 * https://learn.microsoft.com/cli/azure/network/firewall/policy/rule-collection-group#az-network-firewall-policy-rule-collection-group-create
 */
export function groupCreateCommand(snapshot: Snapshot, policyKey: string, groupName: string): AzCommand {
  const where = policyArgs(snapshot, policyKey);
  return {
    command: ["network", "firewall", "policy", "rule-collection-group", "create"],
    args: [...where, ["--name", groupName], ["--priority", "65000"]],
    unlessListed: { list: { command: ["network", "firewall", "policy", "rule-collection-group", "list"], args: [...where, ["--query", "[].name"], ["--output", "tsv"]] }, name: groupName },
  };
}

function firewallCommands(snapshot: Snapshot, c: Extract<Change, { kind: "add-firewall-rule-collection" }>): AzCommand[] {
  const col = c.collection;
  if (c.policyKey) {
    const base: Arg[] = [...policyArgs(snapshot, c.policyKey), ["--rcg-name", c.groupName]];
    const create = snapshot.ruleCollectionGroups?.has(groupKeyOf(c.policyKey, c.groupName)) ? [] : [groupCreateCommand(snapshot, c.policyKey, c.groupName)];
    // `add-filter-collection` creates the collection with its first rule; the others are added one by one.
    // https://learn.microsoft.com/cli/azure/network/firewall/policy/rule-collection-group/collection
    return [...create, ...col.rules.map((rule, i): AzCommand => {
      const ruleArgs: Arg[] = [["--name", rule.name]];
      if (rule.kind === "network") {
        ruleArgs.push(["--rule-type", "NetworkRule"], ["--ip-protocols", ...rule.protocols], ["--source-addresses", ...rule.sourceAddresses], ["--destination-ports", ...rule.destinationPorts]);
        if (rule.destinationAddresses.length) ruleArgs.push(["--destination-addresses", ...rule.destinationAddresses]);
        if (rule.destinationFqdns.length) ruleArgs.push(["--destination-fqdns", ...rule.destinationFqdns]);
      } else if (rule.kind === "application") {
        ruleArgs.push(["--rule-type", "ApplicationRule"], ["--protocols", ...rule.protocols.map((p) => `${p.type}=${p.port}`)], ["--source-addresses", ...rule.sourceAddresses]);
        if (rule.targetFqdns.length) ruleArgs.push(["--target-fqdns", ...rule.targetFqdns]);
        if (rule.fqdnTags.length) ruleArgs.push(["--fqdn-tags", ...rule.fqdnTags]);
      }
      return i === 0
        ? // add-filter-collection names the collection with --name and its first rule with --rule-name.
          { command: ["network", "firewall", "policy", "rule-collection-group", "collection", "add-filter-collection"], args: [...base, ["--name", col.name], ["--collection-priority", String(col.priority)], ["--action", col.action], ...ruleArgs.map((a) => (a[0] === "--name" ? (["--rule-name", ...a.slice(1)] as Arg) : a))], wrap: true }
        : { command: ["network", "firewall", "policy", "rule-collection-group", "collection", "rule", "add"], args: [...base, ["--collection-name", col.name], ...ruleArgs], wrap: true };
    })];
  }
  const fw = snapshot.firewalls?.get(c.firewallKey ?? "");
  if (!fw) throw new Error("add-firewall-rule-collection names no firewall policy and no firewall of the snapshot");
  const base: Arg[] = [["--subscription", fw.id.split("/")[2]], ["--resource-group", fw.id.split("/")[4]], ["--firewall-name", fw.name], ["--collection-name", col.name]];
  // Classic rules: the first rule of a new collection carries its priority and action.
  // https://learn.microsoft.com/cli/azure/network/firewall/network-rule
  return col.rules.map((rule, i) => {
    const head: Arg[] = i === 0 ? [["--priority", String(col.priority)], ["--action", col.action]] : [];
    if (rule.kind === "application") {
      const args: Arg[] = [...base, ...head, ["--name", rule.name], ["--protocols", ...rule.protocols.map((p) => `${p.type}=${p.port}`)], ["--source-addresses", ...rule.sourceAddresses]];
      if (rule.targetFqdns.length) args.push(["--target-fqdns", ...rule.targetFqdns]);
      if (rule.fqdnTags.length) args.push(["--fqdn-tags", ...rule.fqdnTags]);
      return { command: ["network", "firewall", "application-rule", "create"], args, wrap: true };
    }
    const n = rule.kind === "network" ? rule : undefined;
    const args: Arg[] = [...base, ...head, ["--name", rule.name], ["--protocols", ...(n?.protocols ?? ["Any"])], ["--source-addresses", ...(n?.sourceAddresses ?? ["*"])], ["--destination-ports", ...(n?.destinationPorts ?? ["*"])]];
    if (n?.destinationAddresses.length) args.push(["--destination-addresses", ...n.destinationAddresses]);
    if (n?.destinationFqdns.length) args.push(["--destination-fqdns", ...n.destinationFqdns]);
    return { command: ["network", "firewall", "network-rule", "create"], args, wrap: true };
  });
}

/** A flag with one value that starts with `-` is written `--flag=value`, so az's parser cannot take the value for a flag. */
function words(args: Arg[], quote: (s: string) => string): string[] {
  return args.map((arg) => {
    if (arg.length === 2 && arg[1].startsWith("-")) return `${arg[0]}=${quote(arg[1])}`;
    let word = arg[0];
    for (let i = 1; i < arg.length; i++) word += ` ${quote(arg[i])}`;
    return word;
  });
}

/** The word that ends a resource's identity (its name), after which a wrapped command breaks the line. */
const IDENTITY_WORD = /^--(?:(?:name|rule-name|collection-name) |(?:name|rule-name)=)/;

/** The command for bash (Cloud Shell, Linux, macOS): every value one single-quoted word. */
export function toBash(cmd: AzCommand): string {
  // Created only when the list answered and named no group of that name: a list that fails (throttled, signed out)
  // prints nothing too, and creating a rule collection group that exists replaces it, dropping its collections.
  // The names are matched by grep, whole line (-x), as a fixed string (-F), ignoring case (-i), from a here-string: no
  // pipe whose writer could die of SIGPIPE under `pipefail` once grep -q has its match, and `--` before the name.
  if (cmd.unlessListed)
    return `listed="$(${toBash(cmd.unlessListed.list)})" && { grep -qixF -- ${bashWord(cmd.unlessListed.name)} <<<"$listed" || ${toBash({ ...cmd, unlessListed: undefined })}; }`;
  const parts = words(cmd.args, bashWord);
  const head = `az ${cmd.command.join(" ")}`;
  if (!cmd.wrap) return [head, ...parts].join(" ");
  // The resource's identity on the first line, what it is set to on the next ones.
  const split = parts.findIndex((p) => IDENTITY_WORD.test(p)) + 1;
  const first = [head, ...parts.slice(0, split)].join(" ");
  const rest = parts.slice(split);
  return rest.length ? `${first} \\\n${rest.map((p, i) => `  ${p}${i < rest.length - 1 ? " \\" : ""}`).join("\n")}` : first;
}

/** What cmd.exe interprets (CMD_UNSAFE) and any other C0 control or DEL. */
const PS_UNSAFE = new RegExp(`${CMD_UNSAFE.source}|[\\u0000-\\u001f\\u007f]`);

/** Why a command cannot be written safely for PowerShell, or undefined. */
export function psProblem(cmd: AzCommand): string | undefined {
  for (const arg of cmd.args)
    for (let i = 1; i < arg.length; i++)
      if (PS_UNSAFE.test(arg[i]))
        return "a value holds a character that cmd.exe would interpret when PowerShell runs az (az.cmd on Windows): use the bash form in Azure Cloud Shell";
  return undefined;
}

/** The command for PowerShell: values single-quoted (no bash-only quoting), one line per command. */
export function toPowerShell(cmd: AzCommand): string {
  // -contains compares strings ignoring case, and @() makes one name or none a list.
  if (cmd.unlessListed)
    return `$listed = ${toPowerShell(cmd.unlessListed.list)}; if ($LASTEXITCODE -eq 0 -and -not (@($listed) -contains ${psString(cmd.unlessListed.name)})) { ${toPowerShell({ ...cmd, unlessListed: undefined })} }`;
  return ["az", ...cmd.command, ...words(cmd.args, psString)].join(" ");
}
