// Which subscriptions to read: AZURE_SUBSCRIPTION_IDS, or every one the credential can list.
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import { coreClientOptions, CallScope, type ArmClientSettings } from "./arm-pipeline";
import { collect, runOperation } from "./operation";

export const LIST_SUBSCRIPTIONS_OPERATION = "subscriptions.list";

// A disabled or deleted subscription runs no network to audit; reading it would only add errors.
const SKIPPED_STATES = new Set(["disabled", "deleted"]);

export async function listSubscriptions(
  credential: TokenCredential,
  settings: ArmClientSettings,
  timeoutMs: number,
): Promise<{ subscriptionIds: string[]; names: Map<string, string>; errors: ReadError[] }> {
  const scope = new CallScope();
  const client = new SubscriptionClient(credential, coreClientOptions(settings, scope));
  const result = await runOperation(scope, "*", LIST_SUBSCRIPTIONS_OPERATION, timeoutMs, (abortSignal) =>
    collect(client.subscriptions.list({ abortSignal })),
  );
  if (!result.ok) return { subscriptionIds: [], names: new Map(), errors: [result.error] };
  const names = new Map<string, string>();
  const ids = result.value
    .filter((s) => !(s.state && SKIPPED_STATES.has(String(s.state).toLowerCase())))
    .map((s) => {
      const id = s.subscriptionId ?? /^\/subscriptions\/([^/]+)/i.exec(s.id ?? "")?.[1];
      if (id && s.displayName) names.set(id, s.displayName);
      return id;
    })
    .filter((id): id is string => Boolean(id));
  return { subscriptionIds: [...new Set(ids)], names, errors: [] };
}
