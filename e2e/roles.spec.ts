// Editing a role stores it, re-audits the latest scan's inputs as a new scan, and the page shows the new verdicts.
import { expect, test } from "@playwright/test";
import { listScans } from "./support/app";

test("giving an unscoped subnet a role re-audits and shows its findings; resetting gives the profile's role back", async ({ page, request }) => {
  const before = await listScans(request);
  const latest = before[0];
  const report = await (await request.get(`/api/scans/${latest.id}/report?format=json`)).json();
  const target = report.subnets.find((s: { status: string; name: string }) => s.status === "unscoped" && !s.name.startsWith("Azure"));
  expect(target, "an unscoped subnet to give a role").toBeTruthy();

  await page.goto(`/scans/${latest.id}/subnets${target.id}`);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(target.name);
  await expect(page.getByText("Unscoped").first()).toBeVisible();
  await expect(page.getByTestId("finding")).toHaveCount(0);

  await page.getByLabel("Role").selectOption("returnProxy");
  await page.getByRole("button", { name: "Save and re-audit" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/scans/${latest.id}/`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Return proxy");
  expect(await page.getByTestId("finding").count()).toBeGreaterThan(0);
  await expect(page.getByLabel("Role")).toHaveValue("returnProxy");

  const after = await listScans(request);
  expect(after).toHaveLength(before.length + 1);
  expect(after[0].label).toBe(`Role of ${target.vnet}/${target.name} set to returnProxy`);
  expect(after[0].summary.unscoped).toBe(latest.summary.unscoped - 1);
  // The scan the edit started from is unchanged: share links keep showing what was found then.
  const old = await (await request.get(`/api/scans/${latest.id}/report?format=json`)).json();
  expect(old.subnets.find((s: { id: string }) => s.id === target.id).role).toBeNull();

  await page.getByRole("button", { name: "Use the profile's role" }).click();
  await expect(page.getByLabel("Role")).toHaveValue("none");
  await expect(page.getByTestId("finding")).toHaveCount(0);
  expect((await listScans(request))[0].label).toMatch(/reset to the profile's/);
});
