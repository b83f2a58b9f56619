import { describe, expect, it, vi } from "vitest";
import { readLiveEstate } from "./index";

describe("sign-in before reading", () => {
  it("uses an injected credential with the endpoint's scope, and reports its failure once with Entra's code", async () => {
    const getToken = vi.fn(async () => {
      throw Object.assign(new Error("AADSTS700016: Application with identifier 'x' was not found in the directory.\nTrace ID: 1"), { name: "AuthenticationError" });
    });
    const result = await readLiveEstate({
      env: { AZURE_RESOURCE_MANAGER_ENDPOINT: "https://management.usgovcloudapi.net/", AZURE_SUBSCRIPTION_IDS: "11111111-2222-3333-4444-555555555555,66666666-2222-3333-4444-555555555555" },
      credential: { getToken },
    });
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(getToken.mock.calls[0]).toEqual(["https://management.usgovcloudapi.net/.default", expect.anything()]);
    expect(result.errors).toEqual([
      { subscription: "*", operation: "credential.getToken", code: "AADSTS700016", message: "AADSTS700016: Application with identifier 'x' was not found in the directory. Trace ID: 1" },
    ]);
    expect(result.snapshot.resources).toEqual([]);
    expect(result.stats).toMatchObject({ calls: 0, subscriptions: 2 });
  });

  it("names a credential that gives up without a token", async () => {
    const result = await readLiveEstate({ env: { AZURE_SUBSCRIPTION_IDS: "11111111-2222-3333-4444-555555555555" }, credential: { getToken: async () => null } });
    expect(result.errors).toEqual([{ subscription: "*", operation: "credential.getToken", code: "NoToken", message: expect.stringContaining("https://management.azure.com/.default") }]);
  });
});
