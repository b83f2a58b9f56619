// Advice that follows from locked-down egress: project staging without GitHub (CC-GITHUB-STAGING) and
// how cluster nodes get their packages (NODE-PACKAGES), and the seed's telemetry and price-sheet names.
// These never fail.
import type { Subnet } from "../../model/types";

import { TCP } from "../../net/protocols";
import { range, union } from "../../net/intervals";
import type { Fix } from "../../report/types";
import type { CheckEnv, CheckOutcome } from "../types";
import { evidenceFor, explainFlow, outcome } from "./shared";
import { internetEgress, summarizeEgress } from "./internet-egress";
import { describeDenied } from "../../nsg/flow";
import { ANY_NAME, GITHUB_FQDNS } from "../../path/fqdn";

export const STAGING_PROCEDURE = `Stage the cluster projects on the CycleCloud server instead of downloading them from GitHub:
1. Find the project and version the cluster needs (normally the highest in the database), e.g.:
   /opt/cycle_server/cycle_server execute 'select * from cloud.project where name == "slurm"'
2. On a machine with GitHub access, download the release's code archive and every release artifact, e.g.:
   wget https://github.com/Azure/cyclecloud-slurm/archive/refs/tags/<version>.tar.gz
   tar -xf <version>.tar.gz && cd cyclecloud-slurm-<version> && mkdir blobs
   wget -P blobs/ <each release artifact URL>
3. Copy the files to the CycleCloud server, then there:
   cyclecloud project build
   mkdir -p /opt/cycle_server/work/staging/projects/slurm/<version> /opt/cycle_server/work/staging/projects/slurm/blobs
   cp build/slurm/* /opt/cycle_server/work/staging/projects/slurm/<version>/
   cp blobs/* /opt/cycle_server/work/staging/projects/slurm/blobs/
   chown -R cycle_server:cycle_server /opt/cycle_server/work/staging
CycleCloud then finds the staged files and does not try GitHub. Alternatively, open HTTPS to github.com temporarily while the first node is created.`;

export const PACKAGE_WAYS = `Without Internet access, software for the cluster nodes must arrive one of three ways:
1. pre-installed in a custom managed image for the cluster VMs;
2. from a package repository mirror the VMs can reach (inside the VNet or through an allowed proxy);
3. copied from Azure Storage and installed by a CycleCloud project (Storage stays reachable through its service tag and endpoint).`;

/**
 * CC-GITHUB-STAGING: HTTPS to github.com (and its download hosts) along the whole path. Blocked: `warn`
 * with the staging procedure; handed to an appliance outside the audit: `info`; open: `pass`.
 */
export function githubStagingCheck(env: CheckEnv, subnet: Subnet): CheckOutcome {
  const { estate } = env;
  const { result } = internetEgress(estate, subnet, TCP, range(443, 443), { kind: "names", names: GITHUB_FQDNS }, true, "https");
  const sum = summarizeEgress(result);
  const guidance: Fix[] = [{ kind: "shell", text: STAGING_PROCEDURE }];
  const touched = new Set(result.touched);
  const what = `Outbound HTTPS to github.com (${GITHUB_FQDNS.join(", ")})`;
  if (result.verdict === "allowed") return outcome({ status: "pass", detail: `${what} is ${explainFlow(estate, result)}`, evidence: evidenceFor([result], "pass"), touched });
  if (sum.handedOff.length + sum.unjudged.length && sum.leaves.length + sum.broad.length === 0 && sum.stopped.length === 0) {
    const why = sum.unjudged.length
      ? `is not known: ${describeDenied(estate, result)}. Add what it names to the input to know whether it reaches GitHub; if it does not, stage projects by hand.`
      : `is handed to something the audit cannot see into: ${describeDenied(estate, result)}. Whether it reaches GitHub depends on that appliance's rules; if it does not, stage projects by hand.`;
    return outcome({ status: "info", detail: `${what} ${why}`, evidence: evidenceFor([result], "warn"), guidance, touched });
  }
  const blocked = result.verdict === "blocked";
  return outcome({
    status: "warn",
    detail: `${what} is ${explainFlow(estate, result)} ${blocked ? "So project downloads in the Staging phase will fail unless projects are staged on the CycleCloud server." : "Some of it is blocked; stage projects by hand if downloads fail."}`,
    evidence: evidenceFor([result], "fail"),
    guidance,
    touched,
  });
}

/**
 * NODE-PACKAGES: when Internet egress (TCP 80/443, any name) is not open along the whole path, say how
 * packages can arrive instead, naming the domains a firewall lets through (a mirror among them works).
 */
export function nodePackagesCheck(env: CheckEnv, subnet: Subnet): CheckOutcome {
  const { estate } = env;
  const { result } = internetEgress(estate, subnet, TCP, union(range(80, 80), range(443, 443)), ANY_NAME, true);
  const sum = summarizeEgress(result);
  const guidance: Fix[] = [{ kind: "portal", text: PACKAGE_WAYS }];
  const touched = new Set(result.touched);
  if (result.verdict === "allowed") {
    return outcome({ status: "pass", detail: `Nodes can download packages from the Internet: TCP 80/443 is ${explainFlow(estate, result)}`, evidence: evidenceFor([result], "pass"), touched });
  }
  const names = sum.allowedNames.length ? ` A firewall lets HTTP(S) through to ${sum.allowedNames.slice(0, 8).join(", ")}${sum.allowedNames.length > 8 ? ` and ${sum.allowedNames.length - 8} more` : ""}: a package mirror among them is reachable.` : "";
  return outcome({
    status: "info",
    detail: `Internet egress for package downloads (TCP 80/443) is ${explainFlow(estate, result)}${names} Packages must come from a custom image, a reachable mirror, or Azure Storage.`,
    evidence: evidenceFor([result], "warn"),
    guidance,
    touched,
  });
}

/**
 * CC-EGRESS-TELEMETRY / CC-EGRESS-PRICING (extra rules): the seed's other destinations, reached by name.
 * An NSG-only lockdown blocks them; CycleCloud keeps working but loses what the rule names: `info`.
 */
export function namedEgressCheck(env: CheckEnv, subnet: Subnet, names: readonly string[], loses: string): CheckOutcome {
  const { estate } = env;
  const { result } = internetEgress(estate, subnet, TCP, range(443, 443), { kind: "names", names }, true, "https");
  const touched = new Set(result.touched);
  const what = `Outbound HTTPS to ${names.join(", ")}`;
  if (result.verdict === "allowed") return outcome({ status: "pass", detail: `${what} is ${explainFlow(estate, result)}`, evidence: evidenceFor([result], "pass"), touched });
  return outcome({ status: "info", detail: `${what} is ${explainFlow(estate, result)} CycleCloud keeps working, but ${loses}. Allow the name on a firewall or proxy if you want it.`, evidence: evidenceFor([result], "warn"), touched });
}
