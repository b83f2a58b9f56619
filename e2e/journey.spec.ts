// The daily path: overview → a failing subnet → its failing finding → copy the fix → share the link.
import { expect, test } from "@playwright/test";
import { demoScans } from "./support/app";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("overview shows the latest scan's compliance, what changed, and the required flows", async ({ page, request }) => {
  const { current, older } = await demoScans(request);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(page.getByTestId("scan-meta")).toHaveAttribute("data-scan-id", current.id);
  for (const key of ["subnets", "fail", "warn", "pass", "unscoped"] as const) {
    await expect(page.getByTestId(`summary-${key}`)).toHaveText(String(current.summary[key]));
  }
  await expect(page.getByText(`scan #${older.seq}`).first()).toBeVisible();
  await expect(page.getByTestId("changes-new-failures")).toBeVisible();
  await expect(page.getByTestId("changes-fixed")).toBeVisible();
  // The flows picture: every edge carries a verdict; a failing edge links to the finding that decides it.
  const edges = page.locator("svg [data-edge]");
  expect(await edges.count()).toBeGreaterThan(4);
  const failing = page.locator('svg a:has([data-status="fail"])').first();
  await expect(failing).toHaveAttribute("href", new RegExp(`^/scans/${current.id}/findings/[0-9a-f]+$`));
});

test("from the overview to a failing finding, copy its fix and its share link", async ({ page, browser, request }) => {
  const { current } = await demoScans(request);
  await page.goto("/");
  await page.getByRole("link", { name: /Failing/ }).click();
  await expect(page).toHaveURL(new RegExp(`/scans/${current.id}/subnets\\?status=fail$`));
  const rows = page.getByTestId("subnet-row");
  await expect(rows).toHaveCount(current.summary.fail);
  await rows.first().getByRole("link").first().click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText(/\S/);
  const finding = page.locator('[data-testid="finding"][data-status="fail"]').first();
  await expect(finding).toBeVisible();
  const rule = await finding.getAttribute("data-rule");
  // The evidence names the deciding NSG rule, highlighted.
  await expect(finding.locator('[data-deciding="true"]').first()).toBeVisible();

  // Copy the az CLI fix: the clipboard holds exactly the command shown.
  const fixText = (await finding.locator('[data-fix-kind="az-cli"]').first().innerText()).trim();
  // An az command, or first the guarded creation of the firewall rule collection group the fix adds to.
  expect(fixText).toMatch(/^(listed="\$\(az network firewall policy rule-collection-group list [^\n]*\|\| )?az network /);
  await finding.getByTestId("copy-fix-az-cli").first().click();
  await expect(finding.getByTestId("copy-fix-az-cli").first()).toContainText("Copied");
  expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(fixText);

  // Other fix kinds sit in tabs.
  await finding.getByRole("tab", { name: "Terraform" }).click();
  await expect(finding.locator('[data-fix-kind="terraform"]').first()).toBeVisible();

  await finding.getByTestId("open-finding").click();
  await expect(page).toHaveURL(new RegExp(`/scans/${current.id}/findings/[0-9a-f]+$`));
  await expect(page.getByText(rule!, { exact: false }).first()).toBeVisible();
  await expect(page.getByTestId("latest-panel")).toContainText(/Failing since|Warning since|Fixed in/);

  await page.getByTestId("copy-share-link").click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());

  // The link opens on its own, in a fresh browser context with no history.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.locator('[data-testid="finding"]')).toHaveAttribute("data-rule", rule!);
  await expect(other.locator('[data-testid="finding"]')).toHaveAttribute("data-status", "fail");
  await fresh.close();
});

test("the latest view of a finding says since which scan it fails", async ({ page, request }) => {
  const { current } = await demoScans(request);
  const report = await (await request.get(`/api/scans/${current.id}/report?format=json`)).json();
  const failing = report.subnets.flatMap((s: { findings: { status: string; id: string }[] }) => s.findings).find((f: { status: string }) => f.status === "fail");
  await page.goto(`/findings/${failing.id}`);
  await expect(page.getByTestId("timeline-sentence")).toContainText(/Failing since scan #\d+/);
  await expect(page.locator('[data-testid="finding"]')).toHaveAttribute("data-status", "fail");
});

test("unknown scans and findings say not found, not an error, with status 404", async ({ page, request }) => {
  // The dashboard layout checks before the loading state streams a 200 (app/(dashboard)/_data/route-exists.ts).
  for (const url of ["/scans/nope/findings/0000000000000000", "/scans/nope", "/findings/0000000000000000"]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  // A latest link names its estate (?estate=): in an estate without the finding it is a 404 too, as its page says.
  const { current } = await demoScans(request);
  const report = await (await request.get(`/api/scans/${current.id}/report?format=json`)).json();
  const finding = report.subnets.flatMap((s: { findings: { id: string; status: string }[] }) => s.findings).find((f: { status: string }) => f.status === "fail");
  const estate = ((await (await request.get(`/api/scans/${current.id}`)).json()) as { estate: string }).estate;
  expect((await page.goto(`/findings/${finding.id}?estate=${encodeURIComponent(estate)}`))?.status()).toBe(200);
  const elsewhere = await page.goto(`/findings/${finding.id}?estate=no-such-estate`);
  expect(elsewhere?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
