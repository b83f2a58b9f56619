// The order a plan's changes are applied in, each finding's and the fix-all bundle's alike.
import type { Change } from "./types";

/**
 * Safe order: edits of existing rules (moves free the slot a new allow takes), then what creates or
 * allows, then denies, so no moment of the script cuts off traffic the end state allows (a new NSG's own
 * rules are created before it is attached); a NAT gateway last of all, once the denies that keep the lockdown
 * stand: it gives the subnet a way to every public address its NSGs allow, and no traffic of the end state needs it
 * before the rest (a script stopped half-way then leaves the subnet without the way out, not without the deny).
 * A NAT gateway serves every machine of the subnets it is attached to, for any destination its NSGs let out:
 * https://learn.microsoft.com/azure/nat-gateway/nat-overview
 */
export function rank(c: Change): number {
  switch (c.kind) {
    case "attach-nat-gateway":
      return 6;
    case "add-service-endpoint":
    case "add-firewall-rule-collection":
    case "add-route":
      return 0;
    case "add-rule":
      return c.rule.access === "Allow" ? 1 : 4;
    case "update-rule":
      // Before the allows: a rule moved out of the way frees the priority a new allow takes (Azure refuses
      // two rules at one priority and direction); a narrowed or re-accessed deny only lets more through.
      return 0;
    case "delete-route":
      return 3;
    case "delete-rule":
      // A deny whose every port another fix opened: it goes with the other changes that only let more through.
      return 0;
    case "attach-new-nsg":
      return 5;
  }
}
