import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, isHttps, securityHeaders } from "./security-headers";

const directives = (csp: string) => new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe("security headers", () => {
  it("a fresh 128-bit nonce per call", () => {
    const nonces = new Set(Array.from({ length: 200 }, createNonce));
    expect(nonces.size).toBe(200);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  it("scripts only with the nonce; no inline scripts, no eval in production; no framing", () => {
    const csp = directives(contentSecurityPolicy("abc123==", { https: false, dev: false }));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
    expect(directives(contentSecurityPolicy("n", { https: false, dev: true })).get("script-src")).toContain("'unsafe-eval'");
    expect(directives(contentSecurityPolicy("n", { https: true, dev: false })).has("upgrade-insecure-requests")).toBe(true);
  });

  it("HSTS only over HTTPS (public URL, proxy in front, or the request itself)", () => {
    expect(isHttps("https://auditor.contoso.com", null, "http:")).toBe(true);
    expect(isHttps(undefined, "https, http", "http:")).toBe(true);
    expect(isHttps(undefined, null, "https:")).toBe(true);
    expect(isHttps("http://127.0.0.1:3000", "http", "http:")).toBe(false);
    expect(securityHeaders("csp", { https: true })["Strict-Transport-Security"]).toMatch(/^max-age=\d{8}/);
    expect(securityHeaders("csp", { https: false })["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders("csp", { https: false })).toMatchObject({ "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY" });
  });
});
