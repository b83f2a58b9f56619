// The flow query page (issue 13): ask one flow of the demo scan, see the verdict and what decided at each stage,
// reload the linkable URL; the matrix of cluster → CycleCloud flows per deployment; "Ask about this flow" on a finding.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demoScans } from "./support/app";

async function expectDevArmBlocked(page: Page) {
  const answer = page.getByTestId("query-answer");
  await expect(answer).toHaveAttribute("data-verdict", "blocked");
  await expect(page.getByRole("heading", { name: /Answer/ }).locator("[data-verdict]")).toHaveText("Blocked");
  await expect(page.getByTestId("query-parts")).toContainText("management.azure.com");
  // The source is named as everywhere else in the product (vnet/subnet), not by its ARM id.
  await expect(page.locator("#answer h2 + p")).toHaveText("vnet-dev-spoke/snet-cyclecloud-dev → management.azure.com");
  const source = answer.locator('[data-testid="query-side"][data-side="source"]');
  const firewall = source.locator('[data-testid="evidence-stage"][data-stage="firewall"]');
  await expect(firewall).toContainText("fw-hub");
  // Path order on the source side: NSG, then the route to the hub, then the firewall.
  expect(await source.getByTestId("evidence-stage").evaluateAll((els) => els.map((e) => e.getAttribute("data-stage")))).toEqual(["nsg", "route", "firewall"]);
}

test("asks one flow from the overview, answers blocked at the hub firewall, and the URL keeps the answer", async ({ page, request }) => {
  const { current } = await demoScans(request);
  await page.goto(`/scans/${current.id}`);
  await page.getByRole("link", { name: "Flow query" }).click();
  await expect(page).toHaveURL(new RegExp(`/scans/${current.id}/query$`));
  await expect(page.getByRole("heading", { name: "Flow query", level: 1 })).toBeVisible();
  // The source suggestions are the scan's subnets.
  await expect(page.locator('#query-sources option[value="vnet-dev-spoke/snet-cyclecloud-dev"]')).toHaveCount(1);

  await page.getByLabel("Source", { exact: true }).fill("vnet-dev-spoke/snet-cyclecloud-dev");
  await page.getByLabel("Destination", { exact: true }).fill("management.azure.com");
  await page.getByLabel("Protocol", { exact: true }).selectOption("tcp");
  await page.getByLabel("Port", { exact: true }).fill("443");
  await page.getByRole("button", { name: "Ask" }).click();
  await expect(page).toHaveURL(/\?from=vnet-dev-spoke%2Fsnet-cyclecloud-dev&to=management\.azure\.com&protocol=tcp&port=443$/);
  await expectDevArmBlocked(page);

  await page.reload();
  await expectDevArmBlocked(page);
  await expect(page.getByLabel("Source", { exact: true })).toHaveValue("vnet-dev-spoke/snet-cyclecloud-dev");

  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test("a bad parameter is named on the page, not a crash", async ({ page, request }) => {
  const { current } = await demoScans(request);
  await page.goto(`/scans/${current.id}/query?from=vnet-hub/snet-cyclecloud&to=10.10.1.4&protocol=tcp&port=99999`);
  await expect(page.getByTestId("query-error")).toContainText(/^port: expected a port/);
  const port = page.getByLabel("Port", { exact: true });
  await expect(port).toHaveAttribute("aria-invalid", "true");
  await expect(port).toHaveAccessibleDescription(/^port: expected a port/);
  await expect(page.getByLabel("Source", { exact: true })).not.toHaveAttribute("aria-invalid");
  await expect(page.getByTestId("query-answer")).toHaveCount(0);
});

test("the matrix shows cluster → CycleCloud for both deployments, each cell opening its query", async ({ page, request }) => {
  const { current } = await demoScans(request);
  await page.goto(`/scans/${current.id}/query`);
  await page.getByRole("link", { name: /Matrix/ }).click();
  await expect(page).toHaveURL(new RegExp(`/scans/${current.id}/query/matrix$`));
  const deployments = page.getByTestId("query-matrix-deployment");
  // Client navigation shows the loading state first: wait for the tables.
  await expect(deployments).toHaveCount(2);
  expect(await deployments.evaluateAll((els) => els.map((e) => e.getAttribute("data-deployment")))).toEqual(["prod", "dev"]);
  const dev = page.locator('[data-testid="query-matrix-deployment"][data-deployment="dev"]');
  await expect(dev.getByRole("rowheader", { name: "vnet-dev-spoke/snet-compute-dev" })).toBeVisible();
  const cell = dev.getByTestId("query-matrix-cell").first();
  const verdict = (await cell.getAttribute("data-verdict"))!;
  expect(["allowed", "blocked", "partial"]).toContain(verdict);
  await cell.getByRole("link").click();
  await expect(page).toHaveURL(/\/query\?from=vnet-dev-spoke%2Fsnet-compute-dev&to=vnet-dev-spoke%2Fsnet-cyclecloud-dev&protocol=tcp&port=5672&app=other$/);
  await expect(page.getByTestId("query-answer")).toHaveAttribute("data-verdict", verdict);
});

test("a finding page asks about its own flow, prefilled", async ({ page, request }) => {
  const { current } = await demoScans(request);
  const report = await (await request.get(`/api/scans/${current.id}/report?format=json`)).json();
  const dev = report.subnets.find((s: { name: string }) => s.name === "snet-cyclecloud-dev");
  const arm = dev.findings.find((f: { rule: string }) => f.rule === "CC-EGRESS-ARM");
  await page.goto(arm.link);
  await page.getByRole("link", { name: "Ask about this flow" }).click();
  await expect(page.getByLabel("Destination", { exact: true })).toHaveValue("management.azure.com");
  await expect(page.getByLabel("Port", { exact: true })).toHaveValue("443");
  await expectDevArmBlocked(page);
});
