// The outbound service-tag access each role needs (the seed's rule table, priorities 100–103), shared
// by the egress rules and by the lockdown fix, which must keep these open when it denies the Internet.
import type { Role } from "../model/types";
import type { EgressToTag } from "./families/egress-to-tag";

export const REQUIRED_EGRESS: Record<Role, (EgressToTag & { id: string; priority: number })[]> = {
  cyclecloud: [
    { id: "CC-EGRESS-STORAGE", tag: "Storage", port: 443, fixRuleName: "AllowAzureStorage", priority: 100 },
    { id: "CC-EGRESS-AAD", tag: "AzureActiveDirectory", port: 443, fixRuleName: "AllowActiveDirectory", priority: 101 },
    { id: "CC-EGRESS-MONITOR", tag: "AzureMonitor", port: 443, fixRuleName: "AllowAzureMonitor", priority: 102 },
    { id: "CC-EGRESS-ARM", tag: "AzureResourceManager", port: 443, fixRuleName: "AllowAzureRM", priority: 103 },
  ],
  cluster: [{ id: "NODE-EGRESS-STORAGE", tag: "Storage", port: 443, fixRuleName: "AllowAzureStorage", priority: 100 }],
  returnProxy: [],
};
