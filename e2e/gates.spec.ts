// Issue 13 on the dashboard: exempt findings with their reason, Azure portal links, subnets worst first by default,
// "and N more" lists that expand — on a stored report fixture with an exemption applied by lib/gates.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { CC_SUBNET, CLUSTER_SUBNET, sampleReport } from "../lib/report/__fixtures__/sample-report";
import { applyExemptions, parseExemptions } from "../lib/gates/exemptions";
import { findingId } from "../lib/finding-id";
import { subnetHref } from "../components/links";
import { storeFixtureScan } from "./support/fixture-scan";
import type { Report } from "../lib/report/types";

const EXEMPTION = { reason: "Lab subnet, AMQP goes through the relay", owner: "hpc-ops@contoso.com", expires: "2999-12-31" };
const PORTAL = "https://portal.azure.com/#@/resource";

/** The sample report in reverse order (best first), its cluster warn exempted, and 60 unresolved references. */
function gatedReport(linkPrefix: string): Report {
  const report = sampleReport(linkPrefix);
  report.subnets.reverse();
  for (const s of report.subnets) for (const f of s.findings) f.id = findingId(s.id.toLowerCase(), f.rule);
  report.gaps = {
    ignoredTypes: [],
    unresolved: Array.from({ length: 60 }, (_, i) => ({ from: CC_SUBNET, kind: "NSG", ref: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-${i}`, hint: "" })),
  };
  return applyExemptions(report, parseExemptions("exemptions.json", [{ rule: "NODE-EGRESS-AMQP", subnet: "vnet-hub/compute", ...EXEMPTION }]), "2026-01-01");
}

let scanId = "";
let report: Report;

test.beforeAll(() => {
  ({ scanId, report } = storeFixtureScan("Gates fixture", gatedReport));
});

test("subnets are listed worst first by default: fail, warn, pass, unscoped, then by name", async ({ page }) => {
  await page.goto(`/scans/${scanId}/subnets`);
  await expect(page.getByTestId("subnets-table")).toHaveAttribute("data-ready", "true");
  const names = await page.getByTestId("subnet-row").locator("td:nth-child(2) a").allInnerTexts();
  // compute's only warn is exempt, so it passes and sorts by name among the passing subnets.
  expect(names).toEqual(["cyclecloud", "compute", "proxy", '=HYPERLINK("x")']);
  expect(page.url()).not.toContain("sort=");
});

test("an exempt finding shows its badge with the reason, owner and expiry, and the subnet links to the portal", async ({ page }) => {
  await page.goto(subnetHref(scanId, CLUSTER_SUBNET));
  await expect(page.getByTestId("portal-link").first()).toHaveAttribute("href", `${PORTAL}${CLUSTER_SUBNET}`);
  const card = page.locator('[data-testid="finding"][data-rule="NODE-EGRESS-AMQP"]');
  await expect(card).toHaveAttribute("data-status", "exempt");
  await expect(card.locator('[data-status="exempt"]').first()).toHaveText("Exempt");
  await expect(card.getByTestId("exemption-reason")).toHaveText(`Exempt (verdict warn): ${EXEMPTION.reason} · ${EXEMPTION.owner} · until ${EXEMPTION.expires}`);
  // The exempt badge and reason line meet WCAG AA like every other status.
  await card.locator("summary").click();
  const results = await new AxeBuilder({ page }).include('[data-rule="NODE-EGRESS-AMQP"]').withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

test("a finding page links the subnet and the deciding NSG's rules blade in the portal", async ({ page }) => {
  const storage = report.subnets.find((s) => s.id === CC_SUBNET)!.findings.find((f) => f.rule === "CC-EGRESS-STORAGE")!;
  await page.goto(storage.link);
  const links = page.getByTestId("portal-link");
  await expect(links.first()).toHaveAttribute("href", `${PORTAL}${CC_SUBNET}`);
  const nsg = CC_SUBNET.replace(/virtualNetworks\/.*$/, "networkSecurityGroups/nsg-cyclecloud");
  await expect(links.nth(1)).toHaveAttribute("href", `${PORTAL}${nsg}/outboundSecurityRules`);
  await expect(links.nth(1)).toHaveAttribute("target", "_blank");
});

test('an "and N more" list expands in place and folds again', async ({ page }) => {
  await page.goto(`/scans/${scanId}`);
  const banner = page.getByTestId("gaps-banner");
  await banner.locator("summary").click();
  const items = banner.getByTestId("gaps-unresolved").locator("li");
  const more = banner.getByTestId("gaps-more");
  await expect(more).toHaveText("and 10 more");
  await expect(more).toHaveAttribute("aria-expanded", "false");
  await expect(items).toHaveCount(51);
  await more.click();
  await expect(items).toHaveCount(61);
  await expect(banner).toContainText("nsg-59");
  await expect(more).toHaveAttribute("aria-expanded", "true");
  await more.click();
  await expect(items).toHaveCount(51);
});
