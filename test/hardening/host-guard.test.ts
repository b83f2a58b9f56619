// Local mode answers only loopback Host names (DNS rebinding), and the cross-site check trusts Host /
// X-Forwarded-Host only when told the server is behind a reverse proxy (TRUST_PROXY=1).
import { describe, expect, it } from "vitest";
import { crossSiteRefusal } from "@/lib/auth/cross-site";
import { loopbackHostRefusal, splitHostHeader } from "@/lib/auth/host-guard";
import { publicBaseUrl, readAuthSettings } from "@/lib/auth/settings";

describe("loopback Host guard", () => {
  it.each(["127.0.0.1:3000", "localhost:3000", "LOCALHOST:3000", "[::1]:3000", "127.1.2.3:3000", "[::ffff:127.0.0.1]:3000"])("accepts %s", (host) => {
    expect(loopbackHostRefusal(host, { port: "3000" })).toBeUndefined();
  });

  it.each([
    "evil.example:3000",
    "evil.example",
    "127.0.0.1.nip.io:3000",
    "localhost.evil.example:3000",
    "10.0.0.4:3000",
    "0.0.0.0:3000",
    "[::]:3000",
    "user@127.0.0.1:3000",
    "127.0.0.1:3000/x",
    "",
  ])("refuses %j", (host) => {
    expect(loopbackHostRefusal(host, { port: "3000" })).toMatch(/refused/);
  });

  it("refuses a loopback name on another port, and a missing Host", () => {
    expect(loopbackHostRefusal("127.0.0.1:3001", { port: "3000" })).toMatch(/port 3001/);
    expect(loopbackHostRefusal("localhost", { port: "3000" })).toMatch(/port 80/);
    expect(loopbackHostRefusal(null, { port: "3000" })).toMatch(/no Host/);
    expect(loopbackHostRefusal("localhost:4000", { port: undefined })).toBeUndefined();
  });

  it("splits IPv6 hosts", () => {
    expect(splitHostHeader("[::1]:80")).toEqual({ name: "::1", port: "80" });
    expect(splitHostHeader("a b")).toBeUndefined();
  });
});

describe("cross-site check without a trusted proxy", () => {
  const post = (headers: Record<string, string>) => ({ method: "POST", headers: new Headers(headers) });

  it("does not take a forged Host or X-Forwarded-Host as this site", () => {
    // DNS rebinding: the attacker's page, its origin and the Host all name the attacker's domain.
    expect(crossSiteRefusal(post({ host: "evil.example:3000", origin: "http://evil.example:3000" }))).toMatch(/not this site/);
    expect(crossSiteRefusal(post({ host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", origin: "https://evil.example" }))).toMatch(/not this site/);
    expect(
      crossSiteRefusal(post({ host: "evil.example", origin: "https://evil.example" }), "https://auditor.contoso.com"),
    ).toMatch(/not this site/);
  });

  it("accepts a loopback Host, the public URL, and proxy headers with TRUST_PROXY", () => {
    expect(crossSiteRefusal(post({ host: "localhost:3000", origin: "http://localhost:3000" }))).toBeUndefined();
    expect(crossSiteRefusal(post({ host: "10.0.0.4:3000", origin: "https://auditor.contoso.com" }), "https://auditor.contoso.com")).toBeUndefined();
    expect(
      crossSiteRefusal(post({ host: "10.0.0.4:3000", "x-forwarded-host": "auditor.contoso.com", origin: "https://auditor.contoso.com" }), undefined, { trustProxy: true }),
    ).toBeUndefined();
    expect(crossSiteRefusal(post({ host: "auditor.contoso.com", origin: "https://auditor.contoso.com" }), undefined, { trustProxy: true })).toBeUndefined();
  });
});

describe("settings", () => {
  it("reads TRUST_PROXY, PORT and the public base URL", () => {
    const s = readAuthSettings({ TRUST_PROXY: "1", PORT: "3100", PUBLIC_URL: "https://auditor.contoso.com/" });
    expect(s.trustProxy).toBe(true);
    expect(s.port).toBe("3100");
    expect(s.publicUrl).toBe("https://auditor.contoso.com");
    expect(readAuthSettings({}).trustProxy).toBe(false);
  });
  it("takes PUBLIC_URL, then AUTH_URL; ignores what is not an http(s) URL", () => {
    expect(publicBaseUrl({ AUTH_URL: "https://a.example" })).toBe("https://a.example");
    expect(publicBaseUrl({ PUBLIC_URL: "https://p.example/audit/", AUTH_URL: "https://a.example" })).toBe("https://p.example/audit");
    expect(publicBaseUrl({ PUBLIC_URL: "javascript:alert(1)" })).toBeUndefined();
    expect(publicBaseUrl({})).toBeUndefined();
  });
});
