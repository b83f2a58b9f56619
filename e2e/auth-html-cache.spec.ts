// The HTML cache (scripts/html-cache.mjs) with sign-in on (playwright.auth.config.ts): a page cached for one session
// is served again only to that session, showing who is signed in; signed out or outside the allowed groups, the same
// page still redirects as proxy.ts decides.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/sign-in";

test.skip(process.env.AUTH_E2E !== "1", "runs under playwright.auth.config.ts, which starts the test issuer");

test("a page cached for a signed-in user is served to that session only", async ({ page, browser, request }) => {
  await page.goto("/");
  await signInAs(page, "alice");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/");
  const again = await page.goto("/");
  expect(again?.status()).toBe(200);
  expect(again?.headers()["x-lockdown-cache"]).toBe("hit");
  await expect(page.getByText("Signed in as")).toContainText("Alice Admin");

  // No session: the sign-in redirect, not Alice's page.
  const anonymous = await request.get("/", { maxRedirects: 0 });
  expect(anonymous.status()).toBe(307);
  expect(anonymous.headers().location).toMatch(/\/signin\?callbackUrl=/);
  expect(anonymous.headers()["x-lockdown-cache"]).not.toBe("hit");

  // Bob, signed in but outside the allowed groups: the refusal, not Alice's page.
  const bobContext = await browser.newContext();
  try {
    const bob = await bobContext.newPage();
    await bob.goto("/");
    await signInAs(bob, "bob");
    await expect(bob).toHaveURL(/\/no-access$/);
    const refused = await bob.request.get("/", { maxRedirects: 0 });
    expect(refused.status()).toBe(307);
    expect(refused.headers().location).toMatch(/\/no-access$/);
  } finally {
    await bobContext.close();
  }

  // Signed out, Alice's browser is sent to sign in again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
});
