// On-behalf-of through a local token endpoint standing in for Entra (HTTPS with a throwaway certificate).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthRequiredError } from "./require-user";
import { authorityOf, userAzureCredential } from "./azure-credential";
import { readAuthSettings } from "./settings";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID = "0b4d9c62-5a7f-4f3e-9d1c-8e2b7a6f5c40";
const CLIENT_SECRET = "obo-test-secret-9f8e7d";
const USER_ASSERTION = "user-access-token-for-api-of-the-app";
const ARM_TOKEN = "arm-token-issued-on-behalf-of-alice";

let dir: string;
let server: Server;
let base: string;
const tokenRequests: URLSearchParams[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "obo-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  server = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }, (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && url.pathname === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
      return json(200, {
        issuer: `${base}/${TENANT}/v2.0`,
        authorization_endpoint: `${base}/${TENANT}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/${TENANT}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/${TENANT}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/${TENANT}/discovery/v2.0/keys`,
        response_types_supported: ["code"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
    }
    if (req.method === "POST" && url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        if (form.get("assertion") !== USER_ASSERTION) return json(400, { error: "invalid_grant", error_description: "AADSTS50013: assertion invalid" });
        json(200, { token_type: "Bearer", access_token: ARM_TOKEN, expires_in: 3600, ext_expires_in: 3600 });
      });
      return;
    }
    json(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function runChild(env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "lib/auth/testing/obo-token-child.ts"], {
      env: { ...env, NODE_ENV: "test", PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: path.join(dir, "cert.pem") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("exit", () => {
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`child printed no JSON: ${out}\n${err}`));
      }
    });
  });
}

const signInEnv = (issuer: string) => ({
  AUTH_MICROSOFT_ENTRA_ID_ID: CLIENT_ID,
  AUTH_MICROSOFT_ENTRA_ID_SECRET: CLIENT_SECRET,
  AUTH_MICROSOFT_ENTRA_ID_ISSUER: issuer,
  AUTH_SECRET: "session-secret",
});

describe("on-behalf-of credential", () => {
  it("exchanges the user's token for an ARM token at the tenant's token endpoint", async () => {
    tokenRequests.length = 0;
    const result = await runChild({ ...signInEnv(`${base}/${TENANT}/v2.0`), LIVE_SCAN_AS_USER: "1", TEST_USER_ASSERTION: USER_ASSERTION });
    expect(result).toMatchObject({ credential: "OnBehalfOfCredential", token: ARM_TOKEN });

    const exchange = tokenRequests.find((form) => form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(exchange, "an on-behalf-of token request").toBeDefined();
    expect(exchange!.get("requested_token_use")).toBe("on_behalf_of");
    expect(exchange!.get("assertion")).toBe(USER_ASSERTION);
    expect(exchange!.get("client_id")).toBe(CLIENT_ID);
    expect(exchange!.get("client_secret")).toBe(CLIENT_SECRET);
    expect(exchange!.get("scope")?.split(" ")).toContain("https://management.azure.com/.default");
  });

  it("surfaces the endpoint's refusal of a bad user token instead of a token", async () => {
    const result = await runChild({ ...signInEnv(`${base}/${TENANT}/v2.0`), LIVE_SCAN_AS_USER: "1", TEST_USER_ASSERTION: "stolen-or-expired" });
    expect(result.token).toBeUndefined();
    expect(String(result.error)).toMatch(/invalid_grant|AADSTS50013/);
  });

  it("keeps the app's own identity when LIVE_SCAN_AS_USER is off or sign-in is off", () => {
    const issuer = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    expect(userAzureCredential(readAuthSettings(signInEnv(issuer)), { accessToken: USER_ASSERTION })).toBeUndefined();
    expect(userAzureCredential(readAuthSettings({ LIVE_SCAN_AS_USER: "1" }), null)).toBeUndefined();
  });

  it("refuses (401) rather than falling back to the app identity when the user's token is gone", () => {
    const settings = readAuthSettings({ ...signInEnv(`https://login.microsoftonline.com/${TENANT}/v2.0`), LIVE_SCAN_AS_USER: "1" });
    expect(() => userAzureCredential(settings, { error: "RefreshFailed" })).toThrow(AuthRequiredError);
    expect(() => userAzureCredential(settings, null)).toThrow(/sign in again/);
  });

  it("derives authority host and tenant from the issuer", () => {
    expect(authorityOf(`https://login.microsoftonline.com/${TENANT}/v2.0`)).toEqual({ authorityHost: "https://login.microsoftonline.com", tenantId: TENANT });
    expect(() => authorityOf("https://login.microsoftonline.com/")).toThrow(/names no tenant/);
  });
});
