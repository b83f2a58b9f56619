import { describe, expect, it } from "vitest";
import { nicKeyOfIpConfiguration, parentId, scaleSetKeyOf, typeFromId } from "./arm-id";

const RG = "/subscriptions/s1/resourceGroups/RG";

describe("ARM id helpers", () => {
  it("parentId drops /<type>/<name> pairs, keeping the spelling", () => {
    const group = `${RG}/providers/Microsoft.Network/firewallPolicies/P/ruleCollectionGroups/G`;
    expect(parentId(group)).toBe(`${RG}/providers/Microsoft.Network/firewallPolicies/P`);
    expect(parentId(`${group}/`)).toBe(`${RG}/providers/Microsoft.Network/firewallPolicies/P`);
    const rule = `${RG}/providers/Microsoft.Network/networkManagers/M/securityAdminConfigurations/C/ruleCollections/RC/rules/R`;
    expect(parentId(rule, 3)).toBe(`${RG}/providers/Microsoft.Network/networkManagers/M`);
    expect(parentId("/a/b", 2)).toBeUndefined();
  });

  it("scaleSetKeyOf finds the scale set of an instance NIC, lower-cased", () => {
    const nic = `${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/VMSS1/virtualMachines/0/networkInterfaces/nic1`.toLowerCase();
    expect(scaleSetKeyOf(nic)).toBe(`${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/VMSS1`.toLowerCase());
    expect(scaleSetKeyOf(`${RG}/providers/microsoft.network/networkinterfaces/n`.toLowerCase())).toBeUndefined();
    expect(scaleSetKeyOf(`${RG}/providers/microsoft.compute/virtualmachinescalesets/vmss1`.toLowerCase())).toBeUndefined();
  });

  it("nicKeyOfIpConfiguration keeps NIC back-references only", () => {
    expect(nicKeyOfIpConfiguration(`${RG}/providers/Microsoft.Network/networkInterfaces/NIC/ipConfigurations/ipconfig1`)).toBe(
      `${RG}/providers/Microsoft.Network/networkInterfaces/NIC`.toLowerCase(),
    );
    expect(nicKeyOfIpConfiguration(`${RG}/providers/Microsoft.Network/virtualNetworkGateways/gw/ipConfigurations/default`)).toBeUndefined();
    expect(nicKeyOfIpConfiguration(`${RG}/providers/Microsoft.Network/loadBalancers/lb/frontendIPConfigurations/fe`)).toBeUndefined();
  });

  it("typeFromId spells the type an id names, child types included", () => {
    expect(typeFromId(`${RG}/providers/Microsoft.Network/firewallPolicies/p/ruleCollectionGroups/g`)).toBe("microsoft.network/firewallpolicies/rulecollectiongroups");
    expect(typeFromId(`${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/v/virtualMachines/0/networkInterfaces/n`)).toBe(
      "microsoft.compute/virtualmachinescalesets/virtualmachines/networkinterfaces",
    );
    expect(typeFromId("/x")).toBeUndefined();
    expect(typeFromId(`${RG}/providers/Microsoft.Network`)).toBeUndefined();
  });
});
