// Accessibility: axe-core on the main pages, no serious or critical WCAG violation, and none of axe's best practices
// either (heading levels that skip, landmarks sharing one name: the subnet page shows a card per finding).
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { demoScans } from "./support/app";

async function check(page: Page, url: string) {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const best = await new AxeBuilder({ page }).withTags(["best-practice"]).analyze();
  const bad = [...results.violations.filter((v) => v.impact === "serious" || v.impact === "critical"), ...best.violations];
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`), url).toEqual([]);
}

test("main pages have no serious or critical accessibility violations", async ({ page, request }) => {
  test.setTimeout(120_000);
  const { current } = await demoScans(request);
  const report = await (await request.get(`/api/scans/${current.id}/report?format=json`)).json();
  const subnet = report.subnets.find((s: { findings: { status: string }[] }) => s.findings.some((f) => f.status === "fail"));
  const finding = subnet.findings.find((f: { status: string }) => f.status === "fail");
  // The query page with an answer: two sides, each with its own evidence trace under an h3.
  const query = `/scans/${current.id}/query?from=vnet-dev-spoke%2Fsnet-cyclecloud-dev&to=management.azure.com&protocol=tcp&port=443`;
  for (const url of ["/", `/scans/${current.id}`, `/scans/${current.id}/subnets`, `/scans/${current.id}/subnets${subnet.id}`, finding.link, `/findings/${finding.id}`, "/scans", "/scans/new", query]) {
    await check(page, url);
  }
});
