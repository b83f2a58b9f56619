// Two spokes (CycleCloud, a return proxy) whose default routes go straight to the Internet, and a hub firewall with no
// rules: the estate the tests of fixes that change resources shared with other subnets start from.
import { estate } from "./estate-builder";

/** CycleCloud and return proxy in spokes whose default routes go straight to the Internet; a hub firewall with no rules. */
export function spokesEstate(opts: { alsoOnRtCc?: boolean } = {}) {
  const b = estate()
    .vnet("vnet-hub", ["10.100.0.0/24"])
    .subnet("vnet-hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("vnet-cc", ["10.1.0.0/16"])
    .subnet("vnet-cc/snet-cc", "10.1.0.0/24", { routeTable: "rt-cc" })
    .vnet("vnet-rp", ["10.3.0.0/16"])
    .subnet("vnet-rp/snet-rp", "10.3.0.0/24", { routeTable: "rt-rp" })
    .peer("vnet-hub", "vnet-cc")
    .peer("vnet-hub", "vnet-rp")
    .routeTable("rt-cc", [{ name: "inet", prefix: "0.0.0.0/0", hop: "Internet" }])
    .routeTable("rt-rp", [{ name: "inet", prefix: "0.0.0.0/0", hop: "Internet" }])
    .firewall("fw-hub", "vnet-hub", "10.100.0.4");
  // A jumpbox subnet with no role that shares the CycleCloud subnet's route table.
  if (opts.alsoOnRtCc) b.subnet("vnet-cc/snet-jump", "10.1.9.0/24", { routeTable: "rt-cc" });
  return b;
}
