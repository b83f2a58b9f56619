// A new scan from uploaded files: good files make a scan; a bad file is named, next to it, with what is wrong.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { listScans } from "./support/app";

const fixture = (...p: string[]) => path.join(__dirname, "fixtures", ...p);

test("several snapshot files and a profile make a new scan", async ({ page, request }) => {
  const before = await listScans(request);
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  await page.getByTestId("file-input").setInputFiles([fixture("estate", "vnets.json"), fixture("estate", "nsgs.json"), fixture("estate", "network.json"), fixture("estate", "profile.json")]);
  const files = page.getByTestId("upload-file");
  await expect(files).toHaveCount(4);
  await expect(page.getByRole("combobox", { name: "Use profile.json as" })).toHaveValue("profile");
  await page.getByLabel(/Label/).fill("uploaded in e2e");
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page).toHaveURL(/\/scans\/[a-z0-9]+$/);
  await expect(page.getByTestId("scan-meta")).toContainText("uploaded in e2e");
  const after = await listScans(request);
  expect(after).toHaveLength(before.length + 1);
  expect(after[0].origin).toBe("upload");
  await expect(page.getByTestId("summary-subnets")).toHaveText(String(after[0].summary.subnets));
  expect(after[0].summary.unscoped).toBeLessThan(after[0].summary.subnets);
});

test("files dropped on the zone are taken like chosen ones", async ({ page }) => {
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"value": []}'], "dropped.json", { type: "application/json" }));
    return dt;
  });
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByTestId("upload-file")).toHaveAttribute("data-file-name", "dropped.json");
});

test("an invalid file is flagged next to itself before anything is sent", async ({ page, request }) => {
  const before = (await listScans(request)).length;
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  await page.getByTestId("file-input").setInputFiles([fixture("estate", "vnets.json"), fixture("bad", "not-json.json")]);
  const bad = page.locator('[data-testid="upload-file"][data-file-name="not-json.json"]');
  await expect(bad.getByTestId("file-error")).toContainText("not valid JSON");
  await expect(page.locator('[data-testid="upload-file"][data-file-name="vnets.json"] [data-testid="file-error"]')).toHaveCount(0);
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Fix or remove");
  expect((await listScans(request)).length).toBe(before);
});

test("the server's verdict on a bad file appears next to that file", async ({ page, request }) => {
  const before = (await listScans(request)).length;
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  await page.getByTestId("file-input").setInputFiles([fixture("estate", "vnets.json"), fixture("bad", "bad-priority.json")]);
  await expect(page.getByTestId("upload-file")).toHaveCount(2);
  await page.getByRole("button", { name: "Run audit" }).click();
  const bad = page.locator('[data-testid="upload-file"][data-file-name="bad-priority.json"]');
  await expect(bad.getByTestId("file-error")).toContainText('bad-priority.json: [0].securityRules[0].priority: expected 100-4096, got "x"');
  await expect(page).toHaveURL(/\/scans\/new$/);

  // A profile naming a subnet that does not exist: the error lands on the profile.
  await bad.getByRole("button", { name: /Remove/ }).click();
  await page.getByTestId("file-input").setInputFiles([fixture("bad", "profile-unknown-subnet.json")]);
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page.locator('[data-testid="upload-file"][data-file-name="profile-unknown-subnet.json"] [data-testid="file-error"]')).toContainText(
    'roles.cyclecloud[0]: no subnet matches "vnet-hub/nope"',
  );
  expect((await listScans(request)).length).toBe(before);
});
