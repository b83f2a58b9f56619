// scripts/serve.mjs (npm start) never exposes an unauthenticated dashboard beyond this machine.
import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "@/lib/auth/loopback";
// @ts-expect-error plain ESM script without type declarations
import { isLoopbackHost as serveRule, startRefusal } from "../../scripts/serve.mjs";
import { baseEnv, run } from "./support/processes";

async function serve(env: Record<string, string>) {
  return run(process.execPath, ["scripts/serve.mjs"], baseEnv({ PORT: "3999", ...env })).done;
}

describe("serve.mjs start guard", () => {
  it.each(["0.0.0.0", "::", "192.168.1.20", "10.0.0.4", "auditor.contoso.com"])(
    "refuses HOST=%s without sign-in: exit 2 and one line saying why and how to fix",
    async (host) => {
      const result = await serve({ HOST: host });
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`HOST=${host}`);
      expect(lines[0]).toMatch(/sign-in/);
      expect(lines[0]).toContain("ALLOW_UNAUTHENTICATED=1");
      expect(lines[0]).toContain("HOST=127.0.0.1");
      expect(result.stdout).toBe("");
    },
  );

  it("refuses half-configured sign-in, naming what is missing", async () => {
    const result = await serve({ HOST: "0.0.0.0", AUTH_MICROSOFT_ENTRA_ID_ID: "client-id", AUTH_SECRET: "s" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/AUTH_MICROSOFT_ENTRA_ID_SECRET, AUTH_MICROSOFT_ENTRA_ID_ISSUER, AUTH_URL are not/);
  });

  it("refuses a PORT that is not a port", async () => {
    const result = await serve({ PORT: "80a" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PORT=80a is not a port number/);
  });

  it("refuses a WEB_CONCURRENCY that is not a process count", async () => {
    const result = await serve({ WEB_CONCURRENCY: "two" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/WEB_CONCURRENCY=two is not a number of server processes/);
  });

  it("decides in-process exactly as it does at the command line", () => {
    expect(startRefusal({ HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED: "1" })).toBeUndefined();
    expect(startRefusal({ HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED: "true" })).toMatch(/Refusing/);
    expect(startRefusal({})).toBeUndefined(); // default HOST 127.0.0.1
    const signIn = { AUTH_MICROSOFT_ENTRA_ID_ID: "c", AUTH_MICROSOFT_ENTRA_ID_SECRET: "s", AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://i", AUTH_SECRET: "k", AUTH_URL: "https://a" };
    expect(startRefusal({ ...signIn, HOST: "0.0.0.0" })).toBeUndefined();
  });

  it("the script's loopback rule and the banner's agree", () => {
    const hosts = ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
      "0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1", "localhost.evil.example", "", "not a host"];
    const expected = [true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false];
    expect(hosts.map((h) => isLoopbackHost(h))).toEqual(expected);
    expect(hosts.map((h) => serveRule(h))).toEqual(expected);
  });
});
