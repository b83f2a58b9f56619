// Names the dashboard did not write (Azure resource names, NSG rule and route names, estate and deployment names) as
// they sit inside its own sentences, breadcrumbs and table cells. Azure allows Unicode letters in many of them, so a
// Hebrew or Arabic name can occur; left bare, the Unicode bidi algorithm lets its right-to-left run swallow the
// neighbouring slash, digits and words (an RTL VNet name and its subnet name show swapped around the slash). <bdi> isolates the name
// (its direction taken from its own first strong letter, Unicode UAX #9 "isolates"), so the text around it keeps its
// order whatever the name holds.
// https://html.spec.whatwg.org/multipage/text-level-semantics.html#the-bdi-element
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
import type { ReactNode } from "react";
import { resourceName } from "@/lib/report/meta";

/** One user-controlled name, isolated from the text around it; `fallback` (not isolated: ours) when it is empty. */
export function AzureName({ children, className, fallback = null }: { children: string | null | undefined; className?: string; fallback?: ReactNode }) {
  if (!children) return <>{fallback}</>;
  return <bdi className={className}>{children}</bdi>;
}

/** The last segment of an ARM id (`nsg-hpc` of `/subscriptions/…/networkSecurityGroups/nsg-hpc`), isolated. */
export function ResourceName({ id, className, fallback = null }: { id: string | null | undefined; className?: string; fallback?: ReactNode }) {
  return (
    <AzureName className={className} fallback={fallback}>
      {resourceName(id)}
    </AzureName>
  );
}

/**
 * `vnet/subnet`, each name isolated on its own: isolating the pair as one would still let a right-to-left VNet name
 * and a left-to-right subnet name trade places around the slash.
 */
export function SubnetRef({ vnet, name }: { vnet: string; name: string }) {
  return (
    <>
      <bdi>{vnet}</bdi>/<bdi>{name}</bdi>
    </>
  );
}
