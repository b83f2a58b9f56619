import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirect } from "./callback-url";

describe("safeCallbackUrl", () => {
  it.each([
    ["/scans/abc/findings/f1", "/scans/abc/findings/f1"],
    ["/subnets?status=fail,warn&q=snet#top", "/subnets?status=fail,warn&q=snet#top"],
    ["/scans/é", "/scans/%C3%A9"],
    ["/", "/"],
  ])("keeps the same-site path %j", (input, expected) => {
    expect(safeCallbackUrl(input)).toBe(expected);
  });

  it.each([
    "/\t/evil.example/x",
    "/\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/%09/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "/scans\r\nLocation: https://evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/.//evil.example",
    "/\u2028/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/%E0%A4%A",
    `/${"a".repeat(5000)}`,
    42,
    undefined,
    ["/a", "/b"],
  ])("sends %j to /", (input) => {
    expect(safeCallbackUrl(input)).toBe("/");
  });

  it("never returns anything a browser would resolve off-site", () => {
    const hostile = ["/\t/a", "/\\a", "/%09/a", "/./\t/a", "/%2e%2e//a", "/..//a"];
    for (const value of hostile) {
      const out = safeCallbackUrl(value);
      expect(new URL(out, "https://app.example").origin).toBe("https://app.example");
      expect(out).not.toMatch(/[\r\n\t\\]/);
    }
  });
});

describe("safeRedirect (next-auth redirect callback)", () => {
  const base = "https://auditor.contoso.com";
  it("keeps URLs on the base URL and relative paths", () => {
    expect(safeRedirect(`${base}/scans/x`, base)).toBe(`${base}/scans/x`);
    expect(safeRedirect("/subnets?q=a", base)).toBe(`${base}/subnets?q=a`);
  });
  it("sends everything else to the base URL's root", () => {
    expect(safeRedirect("https://evil.example/", base)).toBe(`${base}/`);
    expect(safeRedirect(`${base}.evil.example/x`, base)).toBe(`${base}/`);
    expect(safeRedirect("/\t/evil.example", base)).toBe(`${base}/`);
    expect(safeRedirect(`${base}/\t/evil.example`, base)).toBe(`${base}/`);
  });
});
