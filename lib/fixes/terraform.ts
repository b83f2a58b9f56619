// The Terraform form of a plan. New resources use azurerm; changes to resources Terraform may not
// manage use azapi_update_resource (read, merge the body, write: every other property is kept) or
// azapi_resource_action, so nothing is imported or replaced.
// https://registry.terraform.io/providers/Azure/azapi/latest/docs/resources/update_resource
import { endpointsToSend } from "./az";
import { endpointsWith } from "./service-endpoints";
import type { FirewallRule, SecurityRule, Snapshot, Subnet } from "../model/types";
import { API, bicepRefusal, deploymentCollections } from "./bicep";
import { type HclValue, Nested, Raw, block } from "./hcl";
import { identifier } from "./quote";
import { type GroupDeployment, groupKeyOf, perFindingNote, rawTextRefusal, unkeptRefusal } from "./firewall-groups";
import type { Change } from "./types";

function ruleFields(rule: SecurityRule): [string, HclValue][] {
  const f = (single: string, plural: string, xs: readonly string[]): [string, HclValue] => (xs.length === 1 ? [single, xs[0]] : [plural, [...xs]]);
  return [
    ["priority", rule.priority],
    ["direction", rule.direction],
    ["access", rule.access],
    ["protocol", rule.protocol === "*" ? "*" : rule.protocol],
    rule.sourceAsgKeys.length ? ["source_application_security_group_ids", [...rule.sourceAsgKeys]] : f("source_address_prefix", "source_address_prefixes", rule.sourceAddressPrefixes),
    f("source_port_range", "source_port_ranges", rule.sourcePortRanges),
    rule.destinationAsgKeys.length
      ? ["destination_application_security_group_ids", [...rule.destinationAsgKeys]]
      : f("destination_address_prefix", "destination_address_prefixes", rule.destinationAddressPrefixes),
    f("destination_port_range", "destination_port_ranges", rule.destinationPortRanges),
  ];
}

/** A rule's place in its NSG as Azure keeps it unique: priority and direction. */
const slotKey = (nsgKey: string, r: SecurityRule) => `${nsgKey}|${r.direction}|${r.priority}`;

/** Changed fields of a rule in ARM form, for azapi_update_resource's body. */
function changedArm(before: SecurityRule, after: SecurityRule): Record<string, HclValue> {
  const out: Record<string, HclValue> = {};
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (before.priority !== after.priority) out.priority = after.priority;
  if (before.access !== after.access) out.access = after.access;
  if (before.protocol !== after.protocol) out.protocol = after.protocol;
  // The singular and plural fields are one list to Azure: set the plural, clear the singular.
  const list = (single: string, plural: string, a: readonly string[], b: readonly string[]) => {
    if (same(a, b)) return;
    out[plural] = [...b];
    out[single] = new Raw("null");
  };
  list("sourceAddressPrefix", "sourceAddressPrefixes", before.sourceAddressPrefixes, after.sourceAddressPrefixes);
  list("destinationAddressPrefix", "destinationAddressPrefixes", before.destinationAddressPrefixes, after.destinationAddressPrefixes);
  list("sourcePortRange", "sourcePortRanges", before.sourcePortRanges, after.sourcePortRanges);
  list("destinationPortRange", "destinationPortRanges", before.destinationPortRanges, after.destinationPortRanges);
  return out;
}

/** ARM JSON (from the snapshot) as an HCL value: the HCL writer takes JSON-like data as it is. */
const fromJson = (v: unknown) => v as HclValue;

/**
 * The subnet's service endpoints as read (locations kept), plus the new one. Without the ARM properties, the locations
 * are those of `asRead` (the estate before any fix): in a bundle's end state, an endpoint another fix adds has none.
 */
function endpointList(s: Subnet, add: string, asRead: Subnet | undefined): HclValue {
  const arm = s.armProperties?.serviceEndpoints;
  if (!Array.isArray(arm)) return fromJson(endpointsToSend(s, add, asRead ?? s));
  const current = arm.map((e) => Object.fromEntries(Object.entries(e as Record<string, unknown>).filter(([k]) => k !== "provisioningState")));
  return fromJson(endpointsWith(current, add, (e) => String(e.service), (service) => ({ service })));
}

/**
 * A classic firewall rule as an `azurerm_firewall_*_rule_collection` `rule` block. An application rule carries one
 * `protocol` block per protocol (`Https` 443 ...), as the az form's `--protocols Https=443`: a target-FQDN rule without
 * one matches no connection (New-AzFirewallApplicationRule makes `-Protocol` mandatory with `-TargetFqdn`).
 * https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/firewall_application_rule_collection
 */
function fwRule(r: FirewallRule): [string, HclValue][] {
  if (r.kind === "application")
    return [
      ["name", r.name],
      ["source_addresses", r.sourceAddresses],
      ...(r.targetFqdns.length ? ([["target_fqdns", r.targetFqdns]] as [string, HclValue][]) : []),
      ...(r.fqdnTags.length ? ([["fqdn_tags", r.fqdnTags]] as [string, HclValue][]) : []),
      ...r.protocols.map((p): [string, HclValue] => ["protocol", new Nested([["port", p.port], ["type", p.type]])]),
    ];
  if (r.kind === "network")
    return [
      ["name", r.name],
      ["protocols", r.protocols],
      ["source_addresses", r.sourceAddresses],
      ["destination_ports", r.destinationPorts],
      ...(r.destinationAddresses.length ? ([["destination_addresses", r.destinationAddresses]] as [string, HclValue][]) : []),
      ...(r.destinationFqdns.length ? ([["destination_fqdns", r.destinationFqdns]] as [string, HclValue][]) : []),
    ];
  return [["name", r.name]];
}

/** `vacated` keys of the deny rules a file creates (a NAT gateway's association waits for them). */
const DENY = "deny|";
/** `vacated` key of the last resource of a file that writes a subnet of the VNet. */
const vnetWrite = (vnetKey: string) => `vnet|${vnetKey}`;
/** `depends_on` of the given addresses; none for none. */
const dependsOn = (addresses: readonly string[]): [string, HclValue][] => (addresses.length ? [["depends_on", addresses.map((a) => new Raw(a))]] : []);

/**
 * What a resource that writes subnet `s` waits for: the file's previous write to a subnet of the same VNet (ARM answers
 * AnotherOperationInProgress to a second subnet PUT of one VNet while the first runs, and azapi and azurerm do not share
 * a lock: https://github.com/Azure/bicep/issues/2579), plus `extra`; and `address` becomes that VNet's last write.
 */
function subnetWrite(waits: Map<string, string>, s: Subnet, address: string, extra: readonly string[] = []): [string, HclValue][] {
  const previous = waits.get(vnetWrite(s.vnetKey));
  waits.set(vnetWrite(s.vnetKey), address);
  return dependsOn([...(previous ? [previous] : []), ...extra]);
}

/** The deny rules the file creates so far (in safe order, before any NAT gateway: lib/fixes/safe-order.ts). */
const denies = (waits: Map<string, string>) => [...waits].filter(([k]) => k.startsWith(DENY)).map(([, v]) => v);

/**
 * Terraform blocks of one change; `labels` keeps resource labels unique across a whole file. `groups` (from
 * groupDeployments over all the changes) gives a firewall group's one deployment; `existing` is the estate before
 * any change, when `snapshot` already has the changes applied (the fix-all bundle), to tell what the changes create
 * (a route, a group) from what exists and must be updated in place. `vacated` (shared across one file's changes, in
 * order) holds the addresses later blocks wait for (`depends_on`): the move or deletion that leaves an NSG slot (a new
 * rule taking the slot waits for it), the deny rules (a NAT gateway's association waits for them, so no moment of the
 * apply gives the subnet a way out before the lockdown's deny stands), and each VNet's last subnet write (the next
 * waits for it).
 * https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule
 */
export function terraformBlocks(snapshot: Snapshot, c: Change, labels: Set<string>, groups?: Map<Change, GroupDeployment>, existing?: Snapshot, vacated = new Map<string, string>()): string[] {
  const before = existing ?? snapshot;
  switch (c.kind) {
    case "add-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      // Terraform applies independent resources in parallel; Azure refuses two rules at one priority and direction, so a
      // rule taking the priority a moved rule leaves waits for the move (https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on).
      const after = vacated.get(slotKey(c.nsgKey, c.rule));
      const label = identifier(c.rule.name, labels);
      if (c.rule.access === "Deny") vacated.set(`${DENY}${label}`, `azurerm_network_security_rule.${label}`);
      return [
        block("resource", ["azurerm_network_security_rule", label], [
          ["name", c.rule.name],
          ["resource_group_name", nsg.resourceGroup],
          ["network_security_group_name", nsg.name],
          ...ruleFields(c.rule),
          ...dependsOn(after ? [after] : []),
        ]),
      ];
    }
    case "update-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      const label = identifier(c.before.name, labels);
      if (c.after.priority !== c.before.priority || c.after.direction !== c.before.direction) vacated.set(slotKey(c.nsgKey, c.before), `azapi_update_resource.${label}`);
      return [
        block("resource", ["azapi_update_resource", label], [
          ["type", `Microsoft.Network/networkSecurityGroups/securityRules@${API}`],
          ["resource_id", `${nsg.id}/securityRules/${c.before.name}`],
          ["body", { properties: changedArm(c.before, c.after) }],
        ]),
      ];
    }
    case "add-service-endpoint": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const label = identifier(s.name, labels, "se_");
      return [
        block("resource", ["azapi_update_resource", label], [
          ["type", `Microsoft.Network/virtualNetworks/subnets@${API}`],
          ["resource_id", s.id],
          ["body", { properties: { serviceEndpoints: endpointList(s, c.service, before.subnets.get(c.subnetKey)) } }],
          ...subnetWrite(vacated, s, `azapi_update_resource.${label}`),
        ]),
      ];
    }
    case "attach-new-nsg": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const sym = identifier(c.nsgName, labels);
      const rules = c.rules.map((r) => ({ r, label: identifier(r.name, labels) }));
      for (const { r, label } of rules) if (r.access === "Deny") vacated.set(`${DENY}${label}`, `azurerm_network_security_rule.${label}`);
      const assoc = identifier(s.name, labels, "assoc_");
      return [
        block("resource", ["azurerm_network_security_group", sym], [
          ["name", c.nsgName],
          ["location", snapshot.vnets.get(s.vnetKey)?.location ?? new Raw("var.location")],
          ["resource_group_name", s.resourceGroup],
        ]),
        ...rules.map(({ r, label }) =>
          block("resource", ["azurerm_network_security_rule", label], [
            ["name", r.name],
            ["resource_group_name", s.resourceGroup],
            ["network_security_group_name", new Raw(`azurerm_network_security_group.${sym}.name`)],
            ...ruleFields(r),
          ]),
        ),
        // The association changes only the subnet's NSG reference; every other property is kept. It waits for the
        // NSG's rules: the NSG id alone would let Terraform attach it while they are still being created, leaving the
        // subnet for that moment with the default rules only (no required allow, no lockdown deny).
        block("resource", ["azurerm_subnet_network_security_group_association", assoc], [
          ["subnet_id", s.id],
          ["network_security_group_id", new Raw(`azurerm_network_security_group.${sym}.id`)],
          ...subnetWrite(vacated, s, `azurerm_subnet_network_security_group_association.${assoc}`, rules.map(({ label }) => `azurerm_network_security_rule.${label}`)),
        ]),
      ];
    }
    case "add-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      // A route the table holds by that name before any change is edited in place, not created (which would need an
      // import); one the changes create is created (azapi_update_resource reads its target first and fails on none).
      if (before.routeTables.get(c.routeTableKey)?.routes.some((r) => r.name.toLowerCase() === c.route.name.toLowerCase())) {
        return [
          block("resource", ["azapi_update_resource", identifier(c.route.name, labels)], [
            ["type", `Microsoft.Network/routeTables/routes@${API}`],
            ["resource_id", `${t.id}/routes/${c.route.name}`],
            ["body", { properties: { addressPrefix: c.route.addressPrefix, nextHopType: c.route.nextHopType, ...(c.route.nextHopIpAddress ? { nextHopIpAddress: c.route.nextHopIpAddress } : {}) } }],
          ]),
        ];
      }
      return [
        block("resource", ["azurerm_route", identifier(c.route.name, labels)], [
          ["name", c.route.name],
          ["resource_group_name", t.resourceGroup],
          ["route_table_name", t.name],
          ["address_prefix", c.route.addressPrefix],
          ["next_hop_type", c.route.nextHopType],
          ...(c.route.nextHopIpAddress ? ([["next_hop_in_ip_address", c.route.nextHopIpAddress]] as [string, HclValue][]) : []),
        ]),
      ];
    }
    case "delete-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      const label = identifier(c.rule.name, labels, "delete_");
      vacated.set(slotKey(c.nsgKey, c.rule), `azapi_resource_action.${label}`);
      return [
        block("resource", ["azapi_resource_action", label], [
          ["type", `Microsoft.Network/networkSecurityGroups/securityRules@${API}`],
          ["resource_id", `${nsg.id}/securityRules/${c.rule.name}`],
          ["method", "DELETE"],
        ]),
      ];
    }
    case "delete-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      return [
        block("resource", ["azapi_resource_action", identifier(c.routeName, labels, "delete_")], [
          ["type", `Microsoft.Network/routeTables/routes@${API}`],
          ["resource_id", `${t.id}/routes/${c.routeName}`],
          ["method", "DELETE"],
        ]),
      ];
    }
    case "attach-nat-gateway": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const location: HclValue = snapshot.vnets.get(s.vnetKey)?.location ?? new Raw("var.location");
      const pip = identifier(c.publicIpName, labels);
      const nat = identifier(c.natGatewayName, labels);
      return [
        block("resource", ["azurerm_public_ip", pip], [["name", c.publicIpName], ["location", location], ["resource_group_name", s.resourceGroup], ["allocation_method", "Static"], ["sku", "Standard"]]),
        block("resource", ["azurerm_nat_gateway", nat], [["name", c.natGatewayName], ["location", location], ["resource_group_name", s.resourceGroup], ["sku_name", "Standard"]]),
        block("resource", ["azurerm_nat_gateway_public_ip_association", identifier(c.natGatewayName, labels, "pip_")], [
          ["nat_gateway_id", new Raw(`azurerm_nat_gateway.${nat}.id`)],
          ["public_ip_address_id", new Raw(`azurerm_public_ip.${pip}.id`)],
        ]),
        natAssociation(s, nat, labels, vacated, before.subnets.get(c.subnetKey)?.natGatewayKey !== undefined),
      ];
    }
    case "add-firewall-rule-collection": {
      const col = c.collection;
      if (c.policyKey) {
        // The collections list is replaced as a whole, once per group: today's collections, then every new one.
        const deployment = groups?.get(c);
        if (!deployment) return [];
        // Only reached with the fixes applied (terraformRefusal decides before them): say why in place of a lossy declaration.
        const unkept = unkeptRefusal(deployment);
        if (unkept) return [`# Not offered as Terraform: ${unkept}.`];
        const policy = snapshot.firewallPolicies?.get(deployment.policyKey);
        const policyId = policy?.id ?? deployment.policyKey;
        const body: HclValue = { properties: { priority: deployment.group?.priority ?? 65000, ruleCollections: fromJson(deploymentCollections(deployment)) } };
        const exists = (existing ?? snapshot).ruleCollectionGroups?.has(groupKeyOf(deployment.policyKey, deployment.groupName));
        // azapi_update_resource needs the group to exist; a group the fixes create is an azapi_resource.
        const note = deployment.perFinding ? `# ${perFindingNote(deployment)}\n` : "";
        return [
          note +
          (exists
            ? block("resource", ["azapi_update_resource", identifier(deployment.groupName, labels, "rcg_")], [
                ["type", `Microsoft.Network/firewallPolicies/ruleCollectionGroups@${API}`],
                ["resource_id", `${policyId}/ruleCollectionGroups/${deployment.groupName}`],
                ["body", body],
              ])
            : block("resource", ["azapi_resource", identifier(deployment.groupName, labels, "rcg_")], [
                ["type", `Microsoft.Network/firewallPolicies/ruleCollectionGroups@${API}`],
                ["name", deployment.groupName],
                ["parent_id", policyId],
                ["body", body],
              ])),
        ];
      }
      const fw = snapshot.firewalls?.get(c.firewallKey ?? "");
      if (!fw) throw new Error("add-firewall-rule-collection names no firewall policy and no firewall of the snapshot");
      const kind = col.kind === "application" ? "azurerm_firewall_application_rule_collection" : "azurerm_firewall_network_rule_collection";
      return [
        block("resource", [kind, identifier(col.name, labels)], [
          ["name", col.name],
          ["azure_firewall_name", fw.name],
          ["resource_group_name", fw.id.split("/")[4]],
          ["priority", col.priority],
          ["action", col.action],
          ...col.rules.map((r): [string, HclValue] => ["rule", new Nested(fwRule(r))]),
        ]),
      ];
    }
  }
}

/**
 * The subnet's NAT gateway reference set to gateway `nat`, changing nothing else of the subnet, after the file's deny
 * rules and its previous write to a subnet of the VNet. A subnet with no NAT gateway (before any change) gets an
 * azurerm_subnet_nat_gateway_association; one that has one gets azapi_update_resource on its `natGateway`, since the
 * association's create refuses a subnet that has a gateway already ("already exists - to be managed via Terraform this
 * resource needs to be imported"). https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/subnet_nat_gateway_association
 */
function natAssociation(s: Subnet, nat: string, labels: Set<string>, waits: Map<string, string>, hasGateway: boolean): string {
  const label = identifier(s.name, labels, "nat_");
  const gateway = new Raw(`azurerm_nat_gateway.${nat}.id`);
  if (hasGateway)
    return block("resource", ["azapi_update_resource", label], [
      ["type", `Microsoft.Network/virtualNetworks/subnets@${API}`],
      ["resource_id", s.id],
      ["body", { properties: { natGateway: { id: gateway } } }],
      ...subnetWrite(waits, s, `azapi_update_resource.${label}`, denies(waits)),
    ]);
  return block("resource", ["azurerm_subnet_nat_gateway_association", label], [
    ["subnet_id", s.id],
    ["nat_gateway_id", gateway],
    ...subnetWrite(waits, s, `azurerm_subnet_nat_gateway_association.${label}`, denies(waits)),
  ]);
}

/** Why a change has no Terraform form here, or undefined. */
export function terraformRefusal(snapshot: Snapshot, c: Change): string | undefined {
  // Today's collections go into the body as read (deploymentCollections), so their strings must survive HCL's NFC too.
  if (c.kind === "add-firewall-rule-collection" && c.policyKey) return bicepRefusal(snapshot, c) ?? rawTextRefusal(snapshot, c, true);
  if (c.kind === "add-firewall-rule-collection" && c.collection.kind === "nat") return "DNAT collections are not written by this tool";
  return undefined;
}
