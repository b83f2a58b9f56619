import { describe, expect, it } from "vitest";
import { nsgRulePortalUrl, portalResourceUrl, portalUrl } from "./portal-links";

const RG = "/subscriptions/0000/resourceGroups/rg-hpc/providers/Microsoft.Network";
const P = "https://portal.azure.com/#@/resource";

describe("portal links", () => {
  it("opens a subnet, an NSG, a route table and a firewall policy at their own blade", () => {
    expect(portalUrl(`${RG}/virtualNetworks/vnet-hub/subnets/snet-cc`)).toBe(`${P}${RG}/virtualNetworks/vnet-hub/subnets/snet-cc`);
    expect(portalUrl(`${RG}/networkSecurityGroups/nsg-cc`)).toBe(`${P}${RG}/networkSecurityGroups/nsg-cc`);
    expect(portalUrl(`${RG}/routeTables/rt-spoke`)).toBe(`${P}${RG}/routeTables/rt-spoke`);
    expect(portalUrl(`${RG}/firewallPolicies/fwp`)).toBe(`${P}${RG}/firewallPolicies/fwp`);
  });

  it("opens an NSG rule at its NSG's rules blade for its direction, or the NSG when the direction is unknown", () => {
    expect(portalUrl(`${RG}/networkSecurityGroups/nsg-cc/securityRules/BlockOutbound`, { direction: "Outbound" })).toBe(`${P}${RG}/networkSecurityGroups/nsg-cc/outboundSecurityRules`);
    expect(portalUrl(`${RG}/networkSecurityGroups/nsg-cc/defaultSecurityRules/AllowVnetInBound`, { direction: "Inbound" })).toBe(`${P}${RG}/networkSecurityGroups/nsg-cc/inboundSecurityRules`);
    expect(portalUrl(`${RG}/networkSecurityGroups/nsg-cc/securityRules/x`)).toBe(`${P}${RG}/networkSecurityGroups/nsg-cc`);
    expect(nsgRulePortalUrl(`${RG}/networkSecurityGroups/nsg-cc`, "AllowAmqp", "Inbound")).toBe(`${P}${RG}/networkSecurityGroups/nsg-cc/inboundSecurityRules`);
  });

  it("opens a route at its table's routes blade, and a policy's rule collection group at the policy", () => {
    expect(portalUrl(`${RG}/routeTables/rt-spoke/routes/to-firewall`)).toBe(`${P}${RG}/routeTables/rt-spoke/routes`);
    expect(portalUrl(`${RG}/firewallPolicies/fwp/ruleCollectionGroups/rcg`)).toBe(`${P}${RG}/firewallPolicies/fwp`);
  });

  it("gives nothing for what is not an ARM id, and follows another cloud's portal", () => {
    expect(portalUrl("vnet-hub/snet-cc")).toBeUndefined();
    expect(portalUrl(null)).toBeUndefined();
    expect(portalResourceUrl(`${RG}/networkSecurityGroups/nsg-cc`, undefined, { portal: "https://portal.azure.us/" })).toBe(
      `https://portal.azure.us/#@/resource${RG}/networkSecurityGroups/nsg-cc`,
    );
  });

  it("percent-encodes characters a URL cannot hold, segment by segment", () => {
    expect(portalUrl(`${RG}/virtualNetworks/vnet hub/subnets/a#b`)).toBe(`${P}${RG}/virtualNetworks/vnet%20hub/subnets/a%23b`);
  });
});
