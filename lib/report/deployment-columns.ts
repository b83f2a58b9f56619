// The "Deployments" table of the Markdown and PDF exports: the same columns and the same text in both, so a reader
// of either sees what each deployment names beside its subnets (README "Inputs": cyclecloudServer, proxy,
// storageAccount), which decides how its CC-EGRESS-* and storage findings were judged.
import { hostPort } from "../net/ip";
import type { Report } from "./types";

type ReportDeployment = NonNullable<Report["deployments"]>[number];

/** Column headings, in order: the deployment, its subnets per role, then what it names beside them. */
export const DEPLOYMENT_COLUMNS = ["Deployment", "CycleCloud", "Cluster", "Return proxy", "CycleCloud server", "Proxy", "Storage account"] as const;

/**
 * The CycleCloud server, proxy and storage account cells of a deployment, as plain text ("" when it names none).
 * The server is the addresses or ids the profile gives, then how the audit read them where it judged part of it
 * (`serverNotes`: a VM's NICs outside its CycleCloud subnet); the proxy `address:port` (`[v6]:port`); the account as given.
 */
export function deploymentNamed(d: ReportDeployment): { server: string; proxy: string; storageAccount: string } {
  return {
    server: [d.cyclecloudServer.join(", "), ...(d.serverNotes ?? [])].filter((x) => x).join("; "),
    proxy: d.proxy ? hostPort(d.proxy.address, d.proxy.port) : "",
    storageAccount: d.storageAccount ?? "",
  };
}
