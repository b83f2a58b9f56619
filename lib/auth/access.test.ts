import { describe, expect, it } from "vitest";
import { isAllowed, matchingGrants } from "./access";
import { crossSiteRefusal } from "./cross-site";
import { safeCallbackUrl } from "./callback-url";
import { readAuthSettings } from "./settings";

const G1 = "6f1d3c2a-0b7e-4f3a-9c51-2d7e8a4b1c90";
const G2 = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";

describe("group access", () => {
  it("keeps only the configured groups or app roles the ID token carries, case-insensitively", () => {
    expect(matchingGrants({ groups: [G1.toUpperCase(), "other"], roles: ["Auditor.Read"] }, [G1, "auditor.read"])).toEqual([G1, "auditor.read"]);
    expect(matchingGrants({ groups: ["other"] }, [G1])).toEqual([]);
    // Entra's group overage (over 200 groups) replaces `groups` by a Graph pointer: no match, no access.
    expect(matchingGrants({ _claim_names: { groups: "src1" } }, [G1])).toEqual([]);
    expect(matchingGrants({ groups: "not-an-array" }, [G1])).toEqual([]);
  });

  it("re-checks grants against the current setting, so removing a group revokes sessions", () => {
    expect(isAllowed([G1], [G1, G2])).toBe(true);
    expect(isAllowed([G1], [G2])).toBe(false);
    expect(isAllowed(undefined, [G1])).toBe(false);
    expect(isAllowed([], [])).toBe(true); // no groups configured: any user the issuer signs in
  });
});

describe("settings", () => {
  const full = {
    AUTH_MICROSOFT_ENTRA_ID_ID: "client",
    AUTH_MICROSOFT_ENTRA_ID_SECRET: "secret",
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/t/v2.0/",
    AUTH_SECRET: "s",
    AUTH_URL: "https://auditor.contoso.com",
    AUTH_ALLOWED_GROUPS: ` ${G1}, ${G2.toUpperCase()} ,`,
  };
  it("reads sign-in from CONTRACT §5 variables", () => {
    const settings = readAuthSettings(full);
    expect(settings.signIn).toMatchObject({ issuer: "https://login.microsoftonline.com/t/v2.0", allowedGroups: [G1, G2], url: "https://auditor.contoso.com" });
    expect(readAuthSettings({}).signIn).toBeUndefined();
  });
  it("fails closed when sign-in is half configured", () => {
    expect(() => readAuthSettings({ ...full, AUTH_SECRET: "" })).toThrow(/AUTH_SECRET is missing/);
  });
});

describe("cross-site mutations", () => {
  const request = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers(headers) });
  it("lets same-origin browser requests and header-less scripts through", () => {
    expect(crossSiteRefusal(request("POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(crossSiteRefusal(request("POST", { host: "internal:3000", origin: "https://auditor.contoso.com" }), "https://auditor.contoso.com")).toBeUndefined();
    expect(crossSiteRefusal(request("POST", { host: "127.0.0.1:3000" }))).toBeUndefined();
    expect(crossSiteRefusal(request("GET", { host: "a", origin: "https://evil.example" }))).toBeUndefined();
  });
  it("refuses other origins, same-site neighbours and opaque origins", () => {
    expect(crossSiteRefusal(request("POST", { host: "127.0.0.1:3000", origin: "https://evil.example" }))).toMatch(/not this site/);
    expect(crossSiteRefusal(request("DELETE", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001" }))).toMatch(/not this site/);
    expect(crossSiteRefusal(request("POST", { host: "127.0.0.1:3000", "sec-fetch-site": "same-site" }))).toMatch(/Sec-Fetch-Site: same-site/);
    expect(crossSiteRefusal(request("PUT", { host: "127.0.0.1:3000", origin: "null" }))).toMatch(/not a URL/);
  });
});

describe("callback after sign-in", () => {
  it("only returns to a path of this site", () => {
    expect(safeCallbackUrl("/scans/a/findings/b?x=1")).toBe("/scans/a/findings/b?x=1");
    for (const bad of ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", undefined, ["/a"]]) {
      expect(safeCallbackUrl(bad)).toBe("/");
    }
  });
});
