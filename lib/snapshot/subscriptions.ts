// Subscription display names, so reports say "HPC Production" rather than a GUID. The live read saves the
// subscriptions it listed as resources of this type; `az account list` output (no `type`) is not read.
import { z } from "zod";
import { type JsonPath, parseWith, readNode } from "./validate";

export const SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions";

const subscriptionProps = z.object({ subscriptionId: z.string().nullish(), displayName: z.string().nullish() });

/** A subscription resource's id and display name; undefined when it has no name to show. */
export function readSubscriptionName(raw: unknown, file: string, at: JsonPath): { id: string; name: string } | undefined {
  const node = readNode(raw, file, at);
  const p = parseWith(subscriptionProps, node.props, file, node.propsAt);
  const top = node.raw as { id?: unknown };
  const id = p.subscriptionId ?? (typeof top.id === "string" ? /^\/subscriptions\/([^/]+)/i.exec(top.id)?.[1] : undefined);
  return id && p.displayName ? { id: id.toLowerCase(), name: p.displayName } : undefined;
}
