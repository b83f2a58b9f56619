// What the estate says about a subnet: address space, NSGs at both levels, route table, endpoints. From the stored snapshot.
import type { Snapshot } from "@/lib/model/types";
import type { SubnetReport } from "@/lib/report/types";
import { Fragment } from "react";
import { Card, CardHeader } from "../ui/card";
import { ExpandableItems } from "../ui/expandable-items";
import { PortalLink } from "../gates/portal-link";
import { AzureName, ResourceName } from "../ui/azure-name";

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[140px_1fr] gap-3 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-500">None</span>;
const MAX_NICS = 25;

export function SubnetFacts({ subnet, snapshot, subscriptionName }: { subnet: SubnetReport; snapshot?: Snapshot; subscriptionName?: string }) {
  const model = snapshot?.subnets.get(subnet.id.toLowerCase());
  const vnet = model && snapshot?.vnets.get(model.vnetKey);
  const nsg = model?.nsgKey ? snapshot?.nsgs.get(model.nsgKey) : undefined;
  const routeTable = model?.routeTableKey ? snapshot?.routeTables.get(model.routeTableKey) : undefined;
  const nics = (model?.nicKeys ?? []).map((k) => snapshot?.nics.get(k)).filter((n) => n !== undefined);
  const privateEndpoints = (model?.privateEndpointKeys ?? []).map((k) => snapshot?.privateEndpoints.get(k)).filter((p) => p !== undefined);
  const prefixes = model?.addressPrefixes ?? subnet.addressPrefixes ?? [];
  const nsgId = nsg?.id ?? subnet.nsg ?? model?.nsgKey;

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader title="Network" />
        <dl className="divide-y divide-slate-100 px-4">
          <Fact label="Address prefixes">
            <span className="font-mono text-xs">{prefixes.join(", ") || "—"}</span>
          </Fact>
          <Fact label="VNet">
            <AzureName>{subnet.vnet}</AzureName>
            {vnet?.addressPrefixes.length ? <span className="ml-2 font-mono text-xs text-slate-500">{vnet.addressPrefixes.join(", ")}</span> : null}
            {vnet?.peerings.length ? <div className="text-xs text-slate-500">{vnet.peerings.length} peering{vnet.peerings.length === 1 ? "" : "s"}</div> : null}
          </Fact>
          <Fact label="Subscription">
            {subscriptionName ? <AzureName className="mr-1">{subscriptionName}</AzureName> : null}
            <span className="font-mono text-xs">{model?.subscriptionId ?? subnet.subscriptionId ?? "—"}</span>
            <div className="text-xs text-slate-500">resource group {model?.resourceGroup ?? subnet.resourceGroup ?? "—"}</div>
          </Fact>
          <Fact label="Service endpoints">
            {model?.serviceEndpoints.length ? (
              <ul className="space-y-0.5">
                {model.serviceEndpoints.map((e) => (
                  <li key={e.service} className="text-sm">
                    {e.service}
                    {e.locations.length ? <span className="text-xs text-slate-500"> · {e.locations.join(", ")}</span> : null}
                    {e.provisioningState && e.provisioningState !== "Succeeded" ? <span className="ml-1 text-xs font-medium text-amber-800">({e.provisioningState})</span> : null}
                  </li>
                ))}
              </ul>
            ) : subnet.serviceEndpoints?.length ? (
              subnet.serviceEndpoints.join(", ")
            ) : (
              none
            )}
          </Fact>
          <Fact label="Private endpoints">
            {privateEndpoints.length
              ? privateEndpoints.map((p, i) => (
                  <Fragment key={i}>
                    {i ? ", " : null}
                    <AzureName>{p.name}</AzureName>
                  </Fragment>
                ))
              : none}
          </Fact>
          {model?.delegations.length ? <Fact label="Delegations">{model.delegations.join(", ")}</Fact> : null}
        </dl>
      </Card>
      <Card>
        <CardHeader title="Security and routing" />
        <dl className="divide-y divide-slate-100 px-4">
          <Fact label="Subnet NSG">
            {nsgId ? (
              <span title={nsgId}>
                <ResourceName id={nsgId} />
                {nsg ? <span className="text-xs text-slate-500"> · {nsg.securityRules.length} custom rules</span> : null}
                <PortalLink id={nsgId} label="Azure portal" className="ml-2" />
              </span>
            ) : (
              <span className="text-amber-800">None (the subnet level allows everything)</span>
            )}
          </Fact>
          <Fact label="NIC-level NSGs">
            {nics.length ? (
              <ul className="space-y-0.5">
                <ExpandableItems
                  max={MAX_NICS}
                  total={nics.length}
                  noun=" NICs"
                  moreClassName="text-xs text-slate-500"
                  testId="nics-more"
                  items={nics.slice(0, 1000).map((nic) => (
                  <li key={nic.key} className="text-sm">
                    <AzureName>{nic.name}</AzureName> <span className="text-slate-500">→</span>{" "}
                    {nic.nsgKey ? <ResourceName id={snapshot?.nsgs.get(nic.nsgKey)?.id ?? nic.nsgKey} /> : <span className="text-slate-500">no NSG</span>}
                  </li>
                  ))}
                />
              </ul>
            ) : (
              <span className="text-slate-500">No NIC in this subnet (its own NSG alone decides)</span>
            )}
          </Fact>
          <Fact label="Route table">
            {routeTable ? (
              <div>
                <span title={routeTable.id}>
                  <AzureName>{routeTable.name}</AzureName>
                </span>
                <PortalLink id={routeTable.id} label="Azure portal" className="ml-2" />
                {routeTable.routes.length ? (
                  <table className="mt-1 w-full text-xs">
                    <caption className="sr-only">
                      Routes of <AzureName>{routeTable.name}</AzureName>
                    </caption>
                    <thead className="text-slate-500">
                      <tr>
                        <th className="py-0.5 pr-2 text-left font-medium">Route</th>
                        <th className="py-0.5 pr-2 text-left font-medium">Prefix</th>
                        <th className="py-0.5 text-left font-medium">Next hop</th>
                      </tr>
                    </thead>
                    <tbody className="font-mono">
                      {routeTable.routes.map((r) => (
                        <tr key={r.name}>
                          <td className="py-0.5 pr-2">{r.name}</td>
                          <td className="py-0.5 pr-2">{r.addressPrefix}</td>
                          <td className="py-0.5">
                            {r.nextHopType}
                            {r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ""}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <div className="text-xs text-slate-500">no routes</div>
                )}
              </div>
            ) : subnet.routeTable ? (
              <ResourceName id={subnet.routeTable} />
            ) : (
              none
            )}
          </Fact>
        </dl>
      </Card>
    </div>
  );
}
