// Signing in through the local OpenID issuer that stands in for Microsoft Entra ID (playwright.auth.config.ts).
import type { Page } from "@playwright/test";

/** The issuer's address, which the auth config passes to the specs. */
export const issuerUrl = process.env.AUTH_E2E_ISSUER_URL ?? "";

/** From the app's sign-in page through the issuer's login form, back to the app. */
export async function signInAs(page: Page, login: "alice" | "bob"): Promise<void> {
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await page.waitForURL((url) => url.href.startsWith(issuerUrl));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(issuerUrl));
}
