// Deep links into the Azure portal for the resources a report names: `https://portal.azure.com/#@/resource<ARM id>`
// opens a resource's blade in the signed-in user's default directory (`#@` with no tenant), and a blade name after
// the id opens that menu item (`.../networkSecurityGroups/<nsg>/inboundSecurityRules`).
// The portal has no documented URL scheme; this is the form its own "Copy link" and address bar use.
import type { Direction } from "../model/types";

export const AZURE_PORTAL = "https://portal.azure.com";

export interface PortalLinkOptions {
  /** Portal base for another cloud (`https://portal.azure.us`, `https://portal.azure.cn`); default Azure public. */
  portal?: string;
}

/** An ARM id's segments percent-encoded one by one, keeping its `/`: names may hold characters a URL cannot. */
function encodeId(id: string): string {
  return id
    .split("/")
    .map((part) => encodeURIComponent(part))
    .join("/");
}

/** `<portal>/#@/resource<id>[/<blade>]`, or undefined when `id` is not an ARM id (`/subscriptions/...`). */
export function portalResourceUrl(id: string | null | undefined, blade?: string, opts: PortalLinkOptions = {}): string | undefined {
  if (!id || !/^\/subscriptions\/[^/]+\//i.test(id)) return undefined;
  const base = (opts.portal ?? AZURE_PORTAL).replace(/\/+$/, "");
  return `${base}/#@/resource${encodeId(id.replace(/\/+$/, ""))}${blade ? `/${blade}` : ""}`;
}

// `<nsg id>/securityRules/<name>` or `<nsg id>/defaultSecurityRules/<name>`: a rule has no blade of its own.
const NSG_RULE = /^(.*\/providers\/Microsoft\.Network\/networkSecurityGroups\/[^/]+)\/(?:default)?securityRules\/[^/]+$/i;
const ROUTE = /^(.*\/providers\/Microsoft\.Network\/routeTables\/[^/]+)\/routes\/[^/]+$/i;
const FIREWALL_POLICY_CHILD = /^(.*\/providers\/Microsoft\.Network\/firewallPolicies\/[^/]+)\/.+$/i;

/**
 * The portal page for a resource a report names: a subnet (the VNet's subnet pane), an NSG, an NSG rule (the NSG's
 * inbound or outbound rules blade when `direction` is known, else the NSG, whose overview lists both), a route table
 * or one of its routes (the table's routes blade), a firewall policy or anything inside it (the policy). Any other
 * ARM id opens its own blade; a string that is not an ARM id gives undefined.
 */
export function portalUrl(id: string | null | undefined, opts: PortalLinkOptions & { direction?: Direction } = {}): string | undefined {
  if (!id) return undefined;
  const rule = NSG_RULE.exec(id);
  if (rule) return portalResourceUrl(rule[1], opts.direction ? `${opts.direction === "Inbound" ? "inbound" : "outbound"}SecurityRules` : undefined, opts);
  const route = ROUTE.exec(id);
  if (route) return portalResourceUrl(route[1], "routes", opts);
  const policy = FIREWALL_POLICY_CHILD.exec(id);
  if (policy) return portalResourceUrl(policy[1], undefined, opts);
  return portalResourceUrl(id, undefined, opts);
}

/** The portal page of the NSG rule an evidence entry names (`nsg` id + `rule` name + `direction`). */
export function nsgRulePortalUrl(nsgId: string, ruleName: string, direction?: Direction, opts: PortalLinkOptions = {}): string | undefined {
  return portalUrl(`${nsgId.replace(/\/+$/, "")}/securityRules/${ruleName}`, { ...opts, direction });
}
