// NET-NSG-ATTACHED (beyond the contract's table, so warn at most): a role's subnet has an NSG, at the
// subnet or on every NIC. The seed's whole approach rests on "a strict Azure Network Security Group
// for the CycleCloud VM's subnet". Azure-managed subnets cannot (or need not) carry one.
import { isAzureManagedSubnet } from "../path/managed-subnets";
import { attachSeedNsg } from "./families/lockdown";
import { outcome } from "./families/shared";
import { type RuleCheck, SEED_URL } from "./types";


export const netNsgAttached: RuleCheck = {
  id: "NET-NSG-ATTACHED",
  title: "The subnet is protected by a network security group",
  roles: ["cyclecloud", "cluster", "returnProxy"],
  severity: "medium",
  requirement: "One way to limit outbound internet access from the CycleCloud VM … is to configure a strict Azure Network Security Group for the CycleCloud VM's subnet.",
  references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview"],
  contract: false,
  check(env, subnet) {
    const { estate } = env;
    const where = `${subnet.vnetName}/${subnet.name}`;
    const touched = new Set([subnet.key]);
    if (isAzureManagedSubnet(subnet)) return outcome({ status: "pass", detail: `${where} is an Azure-managed subnet; it is not expected to carry an NSG.`, touched });
    if (subnet.nsgKey) return outcome({ status: "pass", detail: `${where} has NSG ${estate.nsg(subnet.nsgKey)?.name ?? subnet.nsgKey}.`, touched });
    const eps = estate.endpoints(subnet).filter((e) => e.nic);
    const bare = eps.filter((e) => !e.nic!.nsgKey);
    if (eps.length > 0 && bare.length === 0) return outcome({ status: "pass", detail: `${where} has no subnet NSG, but every NIC in it has one.`, touched });
    return outcome({
      status: "warn",
      detail: `${where} has no NSG${bare.length ? `, and ${bare.length} NIC(s) in it have none either (${bare.slice(0, 3).map((e) => e.nic!.name).join(", ")})` : ""}: all traffic Azure's routing allows reaches it.`,
      // The seed page's strict NSG, as CC-EGRESS-LOCKDOWN plans it for a subnet without one: verified like every fix, so
      // it is not offered where its BlockOutbound would stop a flow another finding needs.
      plans: env.plan
        ? [{ summary: `Attach a new NSG to ${where} with the CycleCloud page's rules: its role's required outbound allows (behind an HTTPS proxy, only a public proxy's address and port), then BlockOutbound (deny Internet) at 4000.`, changes: [attachSeedNsg(env, subnet)] }]
        : [],
      touched,
    });
  },
};
