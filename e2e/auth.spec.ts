// Sign-in with Microsoft Entra ID (a local issuer stands in for it) and access control: see playwright.auth.config.ts.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/sign-in";

test.skip(process.env.AUTH_E2E !== "1", "runs under playwright.auth.config.ts, which starts the test issuer");

function cspOf(headers: Record<string, string>): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of (headers["content-security-policy"] ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values.join(" "));
  }
  return directives;
}

test("signed out, a page redirects to sign-in with the page as callbackUrl", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);
  await expect(page.getByRole("heading", { name: "Sign in to Lockdown Auditor" })).toBeVisible();
});

test("signed out, API routes answer 401 JSON, also with a forged session cookie", async ({ request, baseURL }) => {
  for (const path of ["/api/scans/any-id/report?format=json", "/api/scans/any-id/report?format=csv", "/api/anything-added-later"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(401);
    expect(await response.json()).toEqual({ error: "Sign-in required" });
  }
  const post = await request.post("/api/scans", { data: { snapshot: [] }, maxRedirects: 0 });
  expect(post.status()).toBe(401);

  const forged = await request.get("/api/scans/any-id/report?format=json", {
    headers: { cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..forged.forged.forged" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(401);
  expect(baseURL).toBeTruthy();
});

test("a share link opened signed out lands on its finding after sign-in", async ({ page, browser }) => {
  // Alice finds a failing finding of the seeded demo scan and copies its link.
  await page.goto("/");
  await signInAs(page, "alice");
  const scans = (await (await page.request.get("/api/scans")).json()) as { id: string }[];
  expect(scans.length).toBeGreaterThan(0);
  const report = await (await page.request.get(`/api/scans/${scans[0].id}/report?format=json`)).json();
  const finding = (report.subnets as { findings: { link: string; title: string; status: string }[] }[])
    .flatMap((s) => s.findings)
    .find((f) => f.status === "fail");
  expect(finding, "the demo estate has a failing finding").toBeDefined();
  const link = finding!.link;

  // A colleague, signed out, opens it: sign-in first, then straight to that finding.
  const colleague = await browser.newContext();
  const other = await colleague.newPage();
  await other.goto(link);
  await expect(other).toHaveURL(`/signin?callbackUrl=${encodeURIComponent(link)}`);
  await signInAs(other, "alice");
  await expect(other).toHaveURL(link);
  await expect(other.getByRole("heading", { level: 1 })).toContainText(finding!.title);
  await colleague.close();
});

test("a user outside the allowed groups is refused with a clear page, and 403 from the API", async ({ page }) => {
  await page.goto("/");
  await signInAs(page, "bob");
  await expect(page).toHaveURL(/\/no-access$/);
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByText("not a member of a group allowed")).toBeVisible();

  const api = await page.request.get("/api/scans/any-id/report?format=json", { maxRedirects: 0 });
  expect(api.status()).toBe(403);

  // Any other page sends bob back to the refusal, never to content.
  await page.goto("/scans/any-id/findings/any-finding");
  await expect(page).toHaveURL(/\/no-access$/);
});

test("an allowed user signs in, sees the dashboard, and signs out", async ({ page }) => {
  await page.goto("/");
  await signInAs(page, "alice");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Signed in as")).toContainText("Alice Admin");

  // The browser sees only name, email and the verdict: no tokens, no group list; the cookie is out of script's reach.
  const session = await (await page.request.get("/api/auth/session")).json();
  expect(session).toEqual({ user: { name: "Alice Admin", email: "alice@contoso.test" }, expires: expect.any(String), allowed: true });
  const cookie = (await page.context().cookies()).find((c) => c.name === "next-auth.session-token");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1$/);
  await expect(page.getByText("You are signed out.")).toBeVisible();

  const api = await page.request.get("/api/scans/any-id/report?format=json", { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
});

test("security headers: strict CSP with a fresh nonce on every response", async ({ request, page }) => {
  const first = await request.get("/signin");
  const second = await request.get("/signin");
  const headers = first.headers();
  const csp = cspOf(headers);

  const scriptSrc = csp.get("script-src") ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc)?.[1];
  expect(nonce, `script-src: ${scriptSrc}`).toBeTruthy();
  expect(scriptSrc).not.toContain("unsafe-inline");
  expect(scriptSrc).not.toContain("unsafe-eval");
  expect(csp.get("frame-ancestors")).toBe("'none'");
  expect(csp.get("object-src")).toBe("'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBeTruthy();
  expect(headers["strict-transport-security"]).toBeUndefined(); // plain http on loopback

  // Every script tag Next rendered carries this response's nonce, and the next response has another one.
  const html = await first.text();
  const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length).toBeGreaterThan(0);
  for (const tag of scriptTags) expect(tag).toContain(`nonce="${nonce}"`);
  expect(cspOf(second.headers()).get("script-src")).not.toContain(nonce!);

  // API answers and static files carry the headers too; HSTS appears behind an HTTPS-terminating proxy.
  const api = await request.get("/api/scans/x/report", { headers: { "x-forwarded-proto": "https" } });
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);

  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });

  // The policy works: markup injected without the nonce does not run, and the browser reports it.
  await page.route("**/__csp-probe", (route) =>
    route.fulfill({ contentType: "text/html", headers: { "content-security-policy": headers["content-security-policy"] }, body: "<p>probe</p><script>window.__injected = 1</script>" }),
  );
  await page.goto("/__csp-probe");
  expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  violations.length = 0;
  await page.unroute("**/__csp-probe");

  // The app itself runs under its policy without a single violation, signed out and signed in.
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toBeEnabled();
  await signInAs(page, "alice");
  await expect(page.getByText("Signed in as")).toBeVisible();
  expect(violations).toEqual([]);
});

test("the dashboard's pages run under the policy without a CSP violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => violations.push(`${page.url()}: ${error.message}`));
  await page.goto("/");
  await signInAs(page, "alice");
  const scans = (await (await page.request.get("/api/scans")).json()) as { id: string; url: string }[];
  const report = await (await page.request.get(`/api/scans/${scans[0].id}/report?format=json`)).json();
  const finding = (report.subnets as { findings: { link: string }[] }[]).flatMap((s) => s.findings)[0];
  for (const path of ["/", "/scans", "/scans/new", scans[0].url, `${scans[0].url}/subnets`, "/subnets", finding.link]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await page.waitForLoadState("networkidle");
  }
  expect(violations).toEqual([]);
});

test("a cross-site POST to /api/scans is refused, even with the user's session", async ({ page, request }) => {
  await page.goto("/");
  await signInAs(page, "alice");

  // A page on another site auto-submits a form at the API (the classic CSRF).
  const attacker = "http://attacker.test/";
  await page.route(attacker, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form method="post" action="${new URL("/api/scans", page.url()).href}" enctype="text/plain">
               <input name='{"snapshot":[],"x":"' value='"}'></form><button id="go" onclick="document.forms[0].submit()">go</button>`,
    }),
  );
  await page.goto(attacker);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/scans") && r.request().method() === "POST"),
    page.locator("#go").click(),
  ]);
  expect(response.status()).toBe(403);
  expect(await response.json()).toEqual({ error: expect.stringContaining("cross-site request refused") });

  // The same refusal for a forged Origin or Sec-Fetch-Site, whatever the body.
  const forgedOrigin = await request.post("/api/scans", { headers: { origin: "https://evil.example" }, data: {} });
  expect(forgedOrigin.status()).toBe(403);
  const crossSite = await request.post("/api/scans", { headers: { "sec-fetch-site": "cross-site" }, data: {} });
  expect(crossSite.status()).toBe(403);
});
