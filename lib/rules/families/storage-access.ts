// CC-SE-STORAGE / NODE-SE-STORAGE: private access to Azure Storage through a service endpoint on the
// subnet, or a private endpoint to a storage account in the VNet. Only endpoints that finished
// provisioning count.
import type { Subnet } from "../../model/types";
import type { CheckEnv, CheckOutcome, RuleMeta } from "../types";
import { clamp, outcome } from "./shared";

const STORAGE_SERVICES = new Set(["microsoft.storage", "microsoft.storage.global"]);
const ready = (state?: string) => !state || state.toLowerCase() === "succeeded";

export function storageAccessCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta): CheckOutcome {
  const { snapshot } = env.estate;
  const touched = new Set([subnet.key]);
  const where = `${subnet.vnetName}/${subnet.name}`;
  const endpoints = subnet.serviceEndpoints.filter((e) => STORAGE_SERVICES.has(e.service.toLowerCase()));
  const good = endpoints.find((e) => ready(e.provisioningState));
  if (good) return outcome({ status: "pass", detail: `${where} has the ${good.service} service endpoint${good.locations.length ? ` (${good.locations.join(", ")})` : ""}.`, touched });

  const vnet = snapshot.vnets.get(subnet.vnetKey);
  const vnetSubnets = new Set(vnet?.subnetKeys ?? [subnet.key]);
  const notReady: string[] = endpoints.map((e) => `service endpoint ${e.service} is ${e.provisioningState}`);
  for (const pe of snapshot.privateEndpoints.values()) {
    if (!pe.subnetKey || !vnetSubnets.has(pe.subnetKey)) continue;
    const conn = pe.connections.find((c) => /\/providers\/microsoft\.storage\/storageaccounts\//i.test(c.targetId));
    if (!conn) continue;
    touched.add(pe.key);
    const account = conn.targetId.split("/").pop();
    const approved = !conn.status || conn.status.toLowerCase() === "approved";
    if (ready(pe.provisioningState) && approved) {
      return outcome({ status: "pass", detail: `The VNet ${subnet.vnetName} has private endpoint ${pe.name} to storage account ${account} (${conn.groupIds.join(", ") || "storage"}).`, touched });
    }
    notReady.push(`private endpoint ${pe.name} to ${account} is ${approved ? pe.provisioningState : `connection ${conn.status}`}`);
  }
  const plans = [];
  if (env.plan) {
    plans.push({
      summary: `Add the Microsoft.Storage service endpoint to ${where}, keeping its existing endpoints.`,
      changes: [{ kind: "add-service-endpoint" as const, subnetKey: subnet.key, service: "Microsoft.Storage" }],
    });
  }
  return outcome({
    status: clamp(meta, "warn"),
    detail: `${where} has no working private path to Azure Storage: no Microsoft.Storage service endpoint and no storage private endpoint in ${subnet.vnetName}${notReady.length ? ` (${notReady.join("; ")}; not counted)` : ""}.`,
    plans,
    touched,
  });
}
