// A fix is planned as data (what to change in the estate), verified by applying it to a copy of the
// snapshot and re-running the audit, and only then rendered as az CLI / Bicep / Terraform / portal text.
import type { FirewallRuleCollection, Route, SecurityRule } from "../model/types";

export type Change =
  | {
      kind: "add-rule";
      nsgKey: string;
      rule: SecurityRule;
      /** What the rule changes beyond its finding (a deny shadowing the NSG's own allows), said in every form. */
      why?: string;
    }
  /**
   * Edit an existing custom rule in place (`az network nsg rule update`): move its priority, narrow its
   * ports or addresses, or change its access. `before` is the rule as planned against, `after` the
   * whole rule afterwards (same name); `why` says in one sentence why the rule is edited rather than
   * an allow stacked on it.
   */
  | { kind: "update-rule"; nsgKey: string; before: SecurityRule; after: SecurityRule; why: string }
  /**
   * Delete a custom rule (`az network nsg rule delete`). Only the fix-all bundle makes one: where two findings'
   * fixes each narrow the same deny's ports and together leave it none, the rule goes (Azure refuses a rule
   * without ports). `why` says whose fixes emptied it.
   */
  | { kind: "delete-rule"; nsgKey: string; rule: SecurityRule; why: string }
  | { kind: "add-service-endpoint"; subnetKey: string; service: string }
  | { kind: "attach-new-nsg"; subnetKey: string; nsgName: string; rules: SecurityRule[] }
  /**
   * Add a rule collection: to rule collection group `groupName` of firewall policy `policyKey`, or, when
   * `firewallKey` is given instead (a classic firewall, no policy), to the firewall's own collections.
   */
  | { kind: "add-firewall-rule-collection"; policyKey?: string; firewallKey?: string; groupName: string; collection: FirewallRuleCollection }
  | { kind: "delete-route"; routeTableKey: string; routeName: string }
  /**
   * Add a route; with a name the table already holds, that route is replaced in place (az `route create` and a
   * Bicep deployment update it; Azure allows one route per address prefix in a table, so editing is how a route
   * that drops a prefix is pointed elsewhere).
   */
  | {
      kind: "add-route";
      routeTableKey: string;
      route: Route;
      /** What the route changes beyond letting the traffic through (it takes the traffic around an appliance), said in every form. */
      why?: string;
    }
  /** Create a Standard public IP and a NAT gateway using it, and associate the gateway with the subnet. */
  | { kind: "attach-nat-gateway"; subnetKey: string; natGatewayName: string; publicIpName: string };

export interface FixPlan {
  summary: string;
  changes: Change[];
}
