// "Ask about this flow" from a finding: the flow query its rule checks, prefilled where the rule names one flow
// (the CycleCloud page's egress, AMQP/HTTPS and return-proxy flows). Rules about a subnet property (service endpoints,
// an NSG attached) or a choice of paths (packages) prefill the source only. Each prefill says what the traffic speaks
// (`app`) as the rule's own check does (lib/rules: AMQP and SSH are "other", the HTTPS flows "https"), so a firewall's
// application rules answer the query as they answer the finding.
// https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
import type { FlowQuery } from "@/lib/path/query";
import { DEFAULT_DEPLOYMENT, subnetRefOf } from "@/lib/path/query-matrix";
import type { Report, SubnetReport } from "@/lib/report/types";

type Prefill = Partial<FlowQuery>;

/** Rules whose flow leaves the finding's subnet for a service: destination, protocol, port. */
const EGRESS: Record<string, Omit<FlowQuery, "from">> = {
  "CC-EGRESS-STORAGE": { to: "Storage", protocol: "tcp", port: "443", app: "https" },
  "CC-EGRESS-AAD": { to: "login.microsoftonline.com", protocol: "tcp", port: "443", app: "https" },
  "CC-EGRESS-MONITOR": { to: "AzureMonitor", protocol: "tcp", port: "443", app: "https" },
  "CC-EGRESS-ARM": { to: "management.azure.com", protocol: "tcp", port: "443", app: "https" },
  "CC-EGRESS-LOCKDOWN": { to: "Internet", protocol: "any" },
  "CC-EGRESS-TELEMETRY": { to: "watson.telemetry.microsoft.com", protocol: "tcp", port: "443", app: "https" },
  "CC-EGRESS-PRICING": { to: "ratecard.azure-api.net", protocol: "tcp", port: "443", app: "https" },
  "CC-GITHUB-STAGING": { to: "github.com", protocol: "tcp", port: "443", app: "https" },
  "NODE-EGRESS-STORAGE": { to: "Storage", protocol: "tcp", port: "443", app: "https" },
};

/** Rules between role subnets of one deployment: which role is the peer, whether the finding's subnet is the source, the port. */
const BETWEEN: Record<string, { peer: "cyclecloud" | "cluster"; subnetIs: "from" | "to"; port: string; app: NonNullable<FlowQuery["app"]> }> = {
  "NODE-EGRESS-AMQP": { peer: "cyclecloud", subnetIs: "from", port: "5672", app: "other" },
  "NODE-EGRESS-HTTPS": { peer: "cyclecloud", subnetIs: "from", port: "9443", app: "https" },
  "CC-INGRESS-AMQP": { peer: "cluster", subnetIs: "to", port: "5672", app: "other" },
  "CC-INGRESS-HTTPS": { peer: "cluster", subnetIs: "to", port: "9443", app: "https" },
  "RP-SSH": { peer: "cyclecloud", subnetIs: "to", port: "22", app: "other" },
  "RP-NODE-HTTPS": { peer: "cluster", subnetIs: "to", port: "37140", app: "https" },
};

/**
 * The flow query a finding of `rule` on `subnet` is about, as far as it is obvious (the finding's subnet is always one
 * end). Behind the deployment's HTTPS proxy, CycleCloud's service egress is its flow to the proxy (the first leg the
 * finding judges; the proxy's own way on starts at the proxy's subnet), while the lockdown stays its direct egress.
 */
export function findingFlowQuery(rule: string, subnet: SubnetReport, report: Pick<Report, "subnets" | "deployments">): Prefill {
  const ref = subnetRefOf(subnet, report.subnets);
  const egress = EGRESS[rule];
  const proxy = subnet.role === "cyclecloud" && rule.startsWith("CC-EGRESS-") && rule !== "CC-EGRESS-LOCKDOWN" ? report.deployments?.find((d) => d.name === (subnet.deployment ?? DEFAULT_DEPLOYMENT))?.proxy : undefined;
  if (egress && proxy) return { from: ref, to: proxy.address, protocol: "tcp", port: String(proxy.port) };
  if (egress) return { from: ref, ...egress };
  const between = BETWEEN[rule];
  if (!between) return { from: ref };
  const deployment = subnet.deployment ?? DEFAULT_DEPLOYMENT;
  const peer = report.subnets.find((s) => s.role === between.peer && (s.deployment ?? DEFAULT_DEPLOYMENT) === deployment);
  const peerRef = peer && subnetRefOf(peer, report.subnets);
  if (between.subnetIs === "from") return { from: ref, ...(peerRef ? { to: peerRef } : {}), protocol: "tcp", port: between.port, app: between.app };
  return { ...(peerRef ? { from: peerRef } : {}), to: ref, protocol: "tcp", port: between.port, app: between.app };
}
