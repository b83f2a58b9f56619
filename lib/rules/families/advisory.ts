// Advice that follows from locked-down egress: project staging without GitHub (CC-GITHUB-STAGING) and
// how cluster nodes get their packages (NODE-PACKAGES). These never fail.
import type { Subnet } from "../../model/types";

import { TCP } from "../../net/protocols";
import { range, union } from "../../net/intervals";
import type { Fix } from "../../report/types";
import type { CheckEnv, CheckOutcome } from "../types";
import { evidenceFor, explainFlow, outcome } from "./shared";
import { internetEgress } from "./internet-egress";

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

export function githubStagingCheck(env: CheckEnv, subnet: Subnet): CheckOutcome {
  const { estate } = env;
  const { route, result } = internetEgress(estate, subnet, TCP, range(443, 443));
  const guidance: Fix[] = [{ kind: "portal", text: STAGING_PROCEDURE }];
  const touched = new Set(result.touched);
  if (route.forced === "VirtualAppliance") {
    return outcome({ status: "info", detail: `HTTPS to github.com goes through an appliance (${route.detail}); whether it reaches GitHub depends on the appliance's rules. If it does not, stage projects by hand.`, guidance, touched });
  }
  if (route.forced === "None" || result.verdict === "blocked") {
    return outcome({
      status: "warn",
      detail: `Outbound HTTPS to github.com is ${route.forced ? `dropped: ${route.detail}.` : explainFlow(estate, result)} So project downloads in the Staging phase will fail unless projects are staged on the CycleCloud server.`,
      evidence: evidenceFor([result], "fail").filter((e) => e.access === "Deny"),
      guidance,
      touched,
    });
  }
  if (result.verdict === "partly") {
    return outcome({ status: "warn", detail: `Outbound HTTPS to the Internet is ${explainFlow(estate, result)} github.com may be among the blocked addresses; stage projects by hand if downloads fail.`, evidence: evidenceFor([result], "warn"), guidance, touched });
  }
  return outcome({ status: "pass", detail: `Outbound HTTPS to the Internet (github.com) is ${explainFlow(estate, result)}`, evidence: evidenceFor([result], "pass"), touched });
}

export function nodePackagesCheck(env: CheckEnv, subnet: Subnet): CheckOutcome {
  const { estate } = env;
  const { route, result } = internetEgress(estate, subnet, TCP, union(range(80, 80), range(443, 443)));
  const guidance: Fix[] = [{ kind: "portal", text: PACKAGE_WAYS }];
  const touched = new Set(result.touched);
  if (route.forced || result.verdict !== "allowed") {
    const why = route.forced ? route.detail : explainFlow(estate, result);
    return outcome({
      status: "info",
      detail: `Internet egress for package downloads (TCP 80/443) is ${route.forced === "VirtualAppliance" ? `routed through an appliance (${why})` : route.forced === "None" ? `dropped (${why})` : why} Packages must come from a custom image, a reachable mirror, or Azure Storage.`,
      evidence: evidenceFor([result], "warn").filter((e) => e.access === "Deny"),
      guidance,
      touched,
    });
  }
  return outcome({ status: "pass", detail: `Nodes can download packages from the Internet: TCP 80/443 is ${explainFlow(estate, result)}`, evidence: evidenceFor([result], "pass"), touched });
}

