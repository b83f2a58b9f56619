// Gets one token before any ARM call. A credential that cannot sign in then yields one clear
// error instead of one per subscription and operation; later clients reuse the cached token.
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";

export const SIGN_IN_OPERATION = "credential.getToken";

interface IdentityErrorLike {
  name?: unknown;
  message?: unknown;
  errorResponse?: { error?: unknown; errorDescription?: unknown };
}

export async function signIn(credential: TokenCredential, scope: string, timeoutMs: number): Promise<ReadError | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const token = await credential.getToken(scope, { abortSignal: controller.signal });
    if (!token) return { subscription: "*", operation: SIGN_IN_OPERATION, code: "NoToken", message: `the credential returned no token for ${scope}` };
    return undefined;
  } catch (error) {
    if (controller.signal.aborted) {
      return { subscription: "*", operation: SIGN_IN_OPERATION, code: "Timeout", message: `no token within ${timeoutMs} ms` };
    }
    const e = (error && typeof error === "object" ? error : {}) as IdentityErrorLike;
    const text = String(typeof e.message === "string" ? e.message : error);
    // Entra's own code (AADSTS7000215: invalid secret, AADSTS700016: unknown app, ...) says the most.
    const code =
      /AADSTS\d+/.exec(text)?.[0] ||
      (typeof e.errorResponse?.error === "string" && e.errorResponse.error) ||
      (typeof e.name === "string" && e.name) ||
      "AuthenticationError";
    const line = text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .join(" ");
    // MSAL wraps Entra's sentence in placeholders (`invalid_client: Error(s): Not Available - Timestamp: ... -
    // Description: AADSTS7000215: Invalid client secret provided. - Correlation ID: ...`): the description is the message.
    const description = /Description: (.*?)(?: - (?:Correlation ID|Trace ID|Timestamp):|$)/.exec(line)?.[1]?.trim();
    const message = (description || line).slice(0, 600);
    return { subscription: "*", operation: SIGN_IN_OPERATION, code, message };
  } finally {
    clearTimeout(timer);
  }
}
