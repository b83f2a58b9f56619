// Renders a verified plan as text a person can paste. Names and ids are the estate's own; values are
// quoted for the shell and for HCL/Bicep so that nothing in a resource name can break out.
import type { Snapshot, SecurityRule } from "../model/types";
import type { Fix } from "../report/types";
import type { Change, FixPlan } from "./types";

const API = "2024-05-01";

const sh = (s: string) => (/^[A-Za-z0-9_.\-/:*]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const q = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const hcl = (s: string) => JSON.stringify(s).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
const tfName = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]/g, "_").replace(/^([^a-z_])/, "_$1");

function ruleArgs(rule: SecurityRule): string[] {
  return [
    `--priority ${rule.priority}`,
    `--direction ${rule.direction}`,
    `--access ${rule.access}`,
    `--protocol ${rule.protocol === "*" ? "'*'" : rule.protocol}`,
    `--source-address-prefixes ${rule.sourceAddressPrefixes.map(sh).join(" ")}`,
    `--source-port-ranges ${rule.sourcePortRanges.map(sh).join(" ")}`,
    `--destination-address-prefixes ${rule.destinationAddressPrefixes.map(sh).join(" ")}`,
    `--destination-port-ranges ${rule.destinationPortRanges.map(sh).join(" ")}`,
  ].map((a) => a.replace(/ \*( |$)/g, " '*'$1"));
}

function bicepRuleProps(rule: SecurityRule, indent: string): string {
  const list = (xs: string[]) => (xs.length === 1 ? q(xs[0]) : `[ ${xs.map(q).join(", ")} ]`);
  const field = (single: string, plural: string, xs: string[]) => (xs.length === 1 ? `${single}: ${list(xs)}` : `${plural}: ${list(xs)}`);
  return [
    `priority: ${rule.priority}`,
    `direction: '${rule.direction}'`,
    `access: '${rule.access}'`,
    `protocol: '${rule.protocol}'`,
    field("sourceAddressPrefix", "sourceAddressPrefixes", rule.sourceAddressPrefixes),
    field("sourcePortRange", "sourcePortRanges", rule.sourcePortRanges),
    field("destinationAddressPrefix", "destinationAddressPrefixes", rule.destinationAddressPrefixes),
    field("destinationPortRange", "destinationPortRanges", rule.destinationPortRanges),
  ]
    .map((l) => indent + l)
    .join("\n");
}

function tfRuleFields(rule: SecurityRule, indent: string): string {
  const f = (single: string, plural: string, xs: string[]) =>
    xs.length === 1 ? `${single} = ${hcl(xs[0])}` : `${plural} = [${xs.map(hcl).join(", ")}]`;
  return [
    `priority = ${rule.priority}`,
    `direction = ${hcl(rule.direction)}`,
    `access = ${hcl(rule.access)}`,
    `protocol = ${hcl(rule.protocol)}`,
    f("source_address_prefix", "source_address_prefixes", rule.sourceAddressPrefixes),
    f("source_port_range", "source_port_ranges", rule.sourcePortRanges),
    f("destination_address_prefix", "destination_address_prefixes", rule.destinationAddressPrefixes),
    f("destination_port_range", "destination_port_ranges", rule.destinationPortRanges),
  ]
    .map((l) => indent + l)
    .join("\n");
}

function endpointsAfter(snapshot: Snapshot, subnetKey: string, add: string): string[] {
  const s = snapshot.subnets.get(subnetKey);
  // --service-endpoints replaces the whole list: keep what the subnet already has.
  const existing = (s?.serviceEndpoints ?? []).map((e) => e.service);
  return existing.some((e) => e.toLowerCase() === add.toLowerCase()) ? existing : [...existing, add];
}

function azCli(snapshot: Snapshot, c: Change): string {
  if (c.kind === "add-rule") {
    const nsg = snapshot.nsgs.get(c.nsgKey)!;
    return [
      `az network nsg rule create --subscription ${sh(nsg.subscriptionId)} --resource-group ${sh(nsg.resourceGroup)} --nsg-name ${sh(nsg.name)} --name ${sh(c.rule.name)} \\`,
      ...ruleArgs(c.rule).map((a, i, all) => `  ${a}${i < all.length - 1 ? " \\" : ""}`),
    ].join("\n");
  }
  const s = snapshot.subnets.get(c.subnetKey)!;
  if (c.kind === "add-service-endpoint") {
    return `az network vnet subnet update --subscription ${sh(s.subscriptionId)} --resource-group ${sh(s.resourceGroup)} --vnet-name ${sh(s.vnetName)} --name ${sh(s.name)} \\\n  --service-endpoints ${endpointsAfter(snapshot, c.subnetKey, c.service).map(sh).join(" ")}`;
  }
  const base = `--subscription ${sh(s.subscriptionId)} --resource-group ${sh(s.resourceGroup)}`;
  return [
    `az network nsg create ${base} --name ${sh(c.nsgName)}`,
    ...c.rules.map((r) => `az network nsg rule create ${base} --nsg-name ${sh(c.nsgName)} --name ${sh(r.name)} ${ruleArgs(r).join(" ")}`),
    `az network vnet subnet update ${base} --vnet-name ${sh(s.vnetName)} --name ${sh(s.name)} --network-security-group ${sh(c.nsgName)}`,
  ].join("\n");
}

function bicep(snapshot: Snapshot, c: Change): string {
  if (c.kind === "add-rule") {
    const nsg = snapshot.nsgs.get(c.nsgKey)!;
    const sym = tfName(nsg.name);
    return `// Deploy to resource group ${nsg.resourceGroup} (subscription ${nsg.subscriptionId}).
resource ${sym} 'Microsoft.Network/networkSecurityGroups@${API}' existing = {
  name: ${q(nsg.name)}
}

resource ${tfName(c.rule.name)} 'Microsoft.Network/networkSecurityGroups/securityRules@${API}' = {
  parent: ${sym}
  name: ${q(c.rule.name)}
  properties: {
${bicepRuleProps(c.rule, "    ")}
  }
}`;
  }
  const s = snapshot.subnets.get(c.subnetKey)!;
  const nsgId = s.nsgKey ? snapshot.nsgs.get(s.nsgKey)?.id : undefined;
  const rt = s.routeTableKey ? snapshot.routeTables.get(s.routeTableKey)?.id : undefined;
  const keep = [
    `    addressPrefix${s.addressPrefixes.length > 1 ? "es" : ""}: ${s.addressPrefixes.length > 1 ? `[ ${s.addressPrefixes.map(q).join(", ")} ]` : q(s.addressPrefixes[0] ?? "")}`,
    rt ? `    routeTable: { id: ${q(rt)} }` : "",
    s.delegations.length ? `    delegations: [ ${s.delegations.map((d) => `{ name: ${q(d)}, properties: { serviceName: ${q(d)} } }`).join(", ")} ]` : "",
  ].filter(Boolean);
  const vnet = `resource vnet 'Microsoft.Network/virtualNetworks@${API}' existing = {\n  name: ${q(s.vnetName)}\n}\n\n`;
  const head = `// Deploy to resource group ${s.resourceGroup}. A subnet deployment replaces the subnet's properties:\n// the ones it has today are repeated here so they are kept.\n`;
  if (c.kind === "add-service-endpoint") {
    return `${head}${vnet}resource subnet 'Microsoft.Network/virtualNetworks/subnets@${API}' = {
  parent: vnet
  name: ${q(s.name)}
  properties: {
${[...keep, nsgId ? `    networkSecurityGroup: { id: ${q(nsgId)} }` : ""].filter(Boolean).join("\n")}
    serviceEndpoints: [ ${endpointsAfter(snapshot, c.subnetKey, c.service).map((e) => `{ service: ${q(e)} }`).join(", ")} ]
  }
}`;
  }
  return `${head}resource nsg 'Microsoft.Network/networkSecurityGroups@${API}' = {
  name: ${q(c.nsgName)}
  location: resourceGroup().location
  properties: {
    securityRules: [
${c.rules.map((r) => `      {\n        name: ${q(r.name)}\n        properties: {\n${bicepRuleProps(r, "          ")}\n        }\n      }`).join("\n")}
    ]
  }
}

${vnet}resource subnet 'Microsoft.Network/virtualNetworks/subnets@${API}' = {
  parent: vnet
  name: ${q(s.name)}
  properties: {
${keep.join("\n")}
    serviceEndpoints: [ ${s.serviceEndpoints.map((e) => `{ service: ${q(e.service)} }`).join(", ")} ]
    networkSecurityGroup: { id: nsg.id }
  }
}`;
}

function terraform(snapshot: Snapshot, c: Change): string {
  if (c.kind === "add-rule") {
    const nsg = snapshot.nsgs.get(c.nsgKey)!;
    return `resource "azurerm_network_security_rule" ${hcl(tfName(c.rule.name))} {
  name                        = ${hcl(c.rule.name)}
  resource_group_name         = ${hcl(nsg.resourceGroup)}
  network_security_group_name = ${hcl(nsg.name)}
${tfRuleFields(c.rule, "  ")}
}`;
  }
  const s = snapshot.subnets.get(c.subnetKey)!;
  if (c.kind === "add-service-endpoint") {
    return `# In the azurerm_subnet resource that manages ${s.vnetName}/${s.name}, set the full list:
service_endpoints = [${endpointsAfter(snapshot, c.subnetKey, c.service).map(hcl).join(", ")}]`;
  }
  const sym = tfName(c.nsgName);
  return `resource "azurerm_network_security_group" ${hcl(sym)} {
  name                = ${hcl(c.nsgName)}
  location            = ${hcl(snapshot.vnets.get(s.vnetKey)?.location ?? "westeurope")}
  resource_group_name = ${hcl(s.resourceGroup)}
}
${c.rules
  .map(
    (r) => `
resource "azurerm_network_security_rule" ${hcl(tfName(r.name))} {
  name                        = ${hcl(r.name)}
  resource_group_name         = ${hcl(s.resourceGroup)}
  network_security_group_name = azurerm_network_security_group.${sym}.name
${tfRuleFields(r, "  ")}
}`,
  )
  .join("\n")}

resource "azurerm_subnet_network_security_group_association" ${hcl(sym)} {
  subnet_id                 = ${hcl(s.id)}
  network_security_group_id = azurerm_network_security_group.${sym}.id
}`;
}

function portal(snapshot: Snapshot, c: Change): string {
  if (c.kind === "add-rule") {
    const nsg = snapshot.nsgs.get(c.nsgKey)!;
    const r = c.rule;
    return `Network security groups → ${nsg.name} (resource group ${nsg.resourceGroup}) → ${r.direction === "Inbound" ? "Inbound" : "Outbound"} security rules → Add:
  Name ${r.name}; Priority ${r.priority}; Source ${r.sourceAddressPrefixes.join(", ")}; Source port ranges ${r.sourcePortRanges.join(", ")};
  Destination ${r.destinationAddressPrefixes.join(", ")}; Destination port ranges ${r.destinationPortRanges.join(", ")}; Protocol ${r.protocol}; Action ${r.access}.`;
  }
  const s = snapshot.subnets.get(c.subnetKey)!;
  if (c.kind === "add-service-endpoint") {
    return `Virtual networks → ${s.vnetName} → Subnets → ${s.name} → Service endpoints: add ${c.service} (keep ${s.serviceEndpoints.map((e) => e.service).join(", ") || "no other endpoints"}) → Save.`;
  }
  return `Network security groups → Create: ${c.nsgName} in resource group ${s.resourceGroup}; add the rules ${c.rules.map((r) => `${r.name} (${r.priority})`).join(", ")}; then Subnets → Associate → ${s.vnetName}/${s.name}.`;
}

export function renderPlan(snapshot: Snapshot, plan: FixPlan): Fix[] {
  const join = (f: (s: Snapshot, c: Change) => string) => plan.changes.map((c) => f(snapshot, c)).join("\n\n");
  return [
    { kind: "az-cli", text: join(azCli) },
    { kind: "bicep", text: join(bicep) },
    { kind: "terraform", text: join(terraform) },
    { kind: "portal", text: `${plan.summary}\n${plan.changes.map((c) => `- ${portal(snapshot, c)}`).join("\n")}` },
  ];
}
