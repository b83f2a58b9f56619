// Issue 13 on the dashboard: scans in named estates (upload form field, scans filter), deleting a scan after a
// confirmation, and "Accept this risk" on a finding page storing an exemption the estate's reports then show.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { listScans } from "./support/app";

const fixture = (...p: string[]) => path.join(__dirname, "fixtures", "estate", ...p);
const ESTATE = "e2e lab.1";

test("an upload names its estate, the scans page filters by it, and a scan is deleted after a confirmation", async ({ page, request }) => {
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle");
  await page.getByTestId("file-input").setInputFiles([fixture("vnets.json"), fixture("nsgs.json"), fixture("network.json"), fixture("profile.json")]);
  await expect(page.getByTestId("upload-file")).toHaveCount(4);
  const estate = page.getByLabel(/^Estate/);
  await estate.fill("lab/1");
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page.getByTestId("form-error")).toContainText("estate: expected an estate name");

  await estate.fill(ESTATE);
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page).toHaveURL(/\/scans\/(?!new$)[a-z0-9]+$/);
  const scanId = page.url().split("/").at(-1)!;
  expect((await listScans(request)).find((s) => s.id === scanId)).toMatchObject({ estate: ESTATE });

  await page.goto(`/scans?estate=${encodeURIComponent(ESTATE)}`);
  const rows = page.getByTestId("scan-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId("scan-estate")).toHaveText(ESTATE);
  await expect(page.getByTestId("estate-filter").getByRole("link", { name: new RegExp(`^${ESTATE} \\(1\\)`) })).toHaveAttribute("aria-current", "page");

  await rows.getByTestId("delete-scan").click();
  await expect(rows.getByRole("group", { name: /Confirm deleting scan/ })).toBeVisible();
  await rows.getByRole("button", { name: "Cancel" }).click();
  await expect(rows).toHaveCount(1);
  await rows.getByTestId("delete-scan").click();
  await rows.getByTestId("confirm-delete-scan").click();
  await expect(page.getByTestId("scan-row")).toHaveCount(0);
  expect((await request.get(`/api/scans/${scanId}`)).status()).toBe(404);
  expect((await request.get(`/scans/${scanId}`)).status()).toBe(404);
});

test("'Accept this risk' on a finding page exempts it in that estate's reports", async ({ page, request }) => {
  const upload = new FormData();
  for (const f of ["vnets.json", "nsgs.json", "network.json"]) upload.append("snapshot", new Blob([readFileSync(fixture(f))], { type: "application/json" }), f);
  upload.append("profile", new Blob([readFileSync(fixture("profile.json"))], { type: "application/json" }), "profile.json");
  upload.append("estate", "e2e-risk");
  const created = await request.post("/api/scans", { multipart: upload });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const report = (await (await request.get(`/api/scans/${id}/report?format=json`)).json()) as { subnets: { findings: { id: string; status: string }[] }[] };
  const failing = report.subnets.flatMap((s) => s.findings).find((f) => f.status === "fail" || f.status === "warn");
  expect(failing, "the fixture estate has a failing or warning finding").toBeDefined();

  await page.goto(`/scans/${id}/findings/${failing!.id}`);
  await page.waitForLoadState("networkidle");
  await page.getByTestId("accept-risk").click();
  const form = page.getByTestId("accept-risk-form");
  await form.getByLabel("Reason").fill("Staged locally, reviewed by e2e");
  await form.getByLabel("Owner").fill("hpc-ops@contoso.com");
  await form.getByLabel("Expires").fill("2999-12-31");
  await form.getByRole("button", { name: "Accept risk" }).click();
  await expect(page.getByTestId("exemption-reason")).toContainText("Staged locally, reviewed by e2e · hpc-ops@contoso.com · until 2999-12-31");
  await expect(page.getByTestId("accept-risk")).toHaveCount(0);

  const list = (await (await request.get("/api/estates/e2e-risk/exemptions")).json()) as { list: { finding: string }[] };
  expect(list.list).toEqual([{ finding: failing!.id, reason: "Staged locally, reviewed by e2e", owner: "hpc-ops@contoso.com", expires: "2999-12-31" }]);
  const exported = (await (await request.get(`/api/scans/${id}/report?format=json`)).json()) as { summary: { exempt?: number } };
  expect(exported.summary.exempt).toBe(1);
  const bad = await request.put("/api/estates/e2e-risk/exemptions", { data: [{ finding: failing!.id, reason: "x", owner: "y", expires: "tomorrow" }] });
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toMatchObject({ path: "[0].expires" });
});

// Issue r2-2: the always-latest links of a finding keep its scan's estate. Without `?estate=` they opened whichever
// estate scanned that subnet last: here the same subnets are scanned in estate A, then in estate B.
test("a finding's always-latest links stay in the estate of the scan it is on", async ({ page, request, context }) => {
  const ids: Record<string, string> = {};
  for (const estate of ["e2e-links-a", "e2e-links-b"]) {
    const upload = new FormData();
    for (const f of ["vnets.json", "nsgs.json", "network.json"]) upload.append("snapshot", new Blob([readFileSync(fixture(f))], { type: "application/json" }), f);
    upload.append("profile", new Blob([readFileSync(fixture("profile.json"))], { type: "application/json" }), "profile.json");
    upload.append("estate", estate);
    const created = await request.post("/api/scans", { multipart: upload });
    expect(created.status()).toBe(201);
    ids[estate] = ((await created.json()) as { id: string }).id;
  }
  const seqOf = async (id: string) => ((await (await request.get(`/api/scans/${id}`)).json()) as { seq: number }).seq;
  const report = (await (await request.get(`/api/scans/${ids["e2e-links-a"]}/report?format=json`)).json()) as { subnets: { findings: { id: string }[] }[] };
  const findingId = report.subnets.flatMap((s) => s.findings)[0].id;

  await page.goto(`/scans/${ids["e2e-links-a"]}/findings/${findingId}`);
  const latest = page.getByTestId("always-latest-link");
  await expect(latest).toHaveAttribute("href", `/findings/${findingId}?estate=e2e-links-a`);
  await latest.click();
  await expect(page).toHaveURL(new RegExp(`/findings/${findingId}\\?estate=e2e-links-a$`));
  // The latest of estate A, not B's newer scan of the same subnet.
  await expect(page.getByRole("link", { name: `Scan #${await seqOf(ids["e2e-links-a"])}`, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: `Scan #${await seqOf(ids["e2e-links-b"])}`, exact: true })).toHaveCount(0);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy always-latest link" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`/findings/${findingId}\\?estate=e2e-links-a$`));
});
