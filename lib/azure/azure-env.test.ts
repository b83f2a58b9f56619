import { describe, expect, it } from "vitest";
import { InputError } from "../errors";
import { readAzureEnv } from "./azure-env";
import { authorityOptions, isKnownAuthorityHost } from "./credential";

describe("readAzureEnv", () => {
  it("defaults to the public ARM endpoint and its .default scope", () => {
    const env = readAzureEnv({});
    expect(env.armEndpoint).toBe("https://management.azure.com");
    expect(env.armScope).toBe("https://management.azure.com/.default");
    expect(env.subscriptionIds).toBeUndefined();
  });

  it("derives the token scope from a sovereign endpoint, without a doubled slash", () => {
    const env = readAzureEnv({ AZURE_RESOURCE_MANAGER_ENDPOINT: "https://management.usgovcloudapi.net/" });
    expect(env.armScope).toBe("https://management.usgovcloudapi.net/.default");
  });

  it("parses a comma list of subscriptions, trimming and dropping case-insensitive duplicates", () => {
    const a = "11111111-2222-3333-4444-555555555555";
    const env = readAzureEnv({ AZURE_SUBSCRIPTION_IDS: ` ${a}, ${a.toUpperCase()} ,,66666666-2222-3333-4444-555555555555 ` });
    expect(env.subscriptionIds).toEqual([a, "66666666-2222-3333-4444-555555555555"]);
  });

  it("names the variable and entry at fault in one line", () => {
    expect(() => readAzureEnv({ AZURE_SUBSCRIPTION_IDS: "11111111-2222-3333-4444-555555555555,prod" })).toThrow(
      new InputError("environment", "AZURE_SUBSCRIPTION_IDS[1]", 'expected a subscription id (GUID), got "prod"'),
    );
    expect(() => readAzureEnv({ AZURE_RESOURCE_MANAGER_ENDPOINT: "http://management.azure.com" })).toThrow(/AZURE_RESOURCE_MANAGER_ENDPOINT: expected an https/);
    expect(() => readAzureEnv({ AZURE_AUTHORITY_HOST: "login" })).toThrow(/AZURE_AUTHORITY_HOST: expected an https/);
  });
});

describe("authority options", () => {
  it("knows the public and sovereign authorities", () => {
    for (const host of ["https://login.microsoftonline.com", "https://login.microsoftonline.us/", "https://login.chinacloudapi.cn", "https://LOGIN.MICROSOFTONLINE.DE"]) {
      expect(isKnownAuthorityHost(host)).toBe(true);
    }
    expect(isKnownAuthorityHost("https://login.contoso-stack.local")).toBe(false);
    expect(isKnownAuthorityHost("https://login.microsoftonline.com.evil.example")).toBe(false);
  });

  it("turns instance discovery off only for an authority Azure cannot vouch for", () => {
    expect(authorityOptions(readAzureEnv({}))).toEqual({});
    expect(authorityOptions(readAzureEnv({ AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us" }))).toEqual({ authorityHost: "https://login.microsoftonline.us" });
    expect(authorityOptions(readAzureEnv({ AZURE_AUTHORITY_HOST: "https://adfs.stack.local/" }))).toEqual({ authorityHost: "https://adfs.stack.local", disableInstanceDiscovery: true });
  });
});
