// The path model on the dashboard (issues 8 and 9): a finding's evidence stage by stage (admin rule, NSG, route,
// Azure Firewall, outbound), a subnet's effective routes and outbound method, the gaps banner, the prompt to assign
// roles, and the deployment filter — on a stored report fixture that carries such evidence.
import { expect, test } from "@playwright/test";
import { pathSampleReport, sampleReport, PATH_DEPLOYMENT } from "../lib/report/__fixtures__/sample-report";
import { subnetHref } from "../components/links";
import { storeFixtureScan } from "./support/fixture-scan";
import { listScans } from "./support/app";
import type { Report } from "../lib/report/types";

let scanId = "";
let report: Report;

test.beforeAll(() => {
  ({ scanId, report } = storeFixtureScan("Path evidence fixture", pathSampleReport));
});

const finding = (rule: string) => report.subnets.flatMap((s) => s.findings).find((f) => f.rule === rule)!;

test("a finding page shows the route and the firewall's verdict as stages of the path, in order", async ({ page }) => {
  await page.goto(finding("CC-EGRESS-ARM").link);
  const card = page.getByTestId("finding");
  const stages = card.getByTestId("evidence-stage");
  await expect(stages).toHaveCount(4);
  expect(await stages.evaluateAll((els) => els.map((e) => e.getAttribute("data-stage")))).toEqual(["admin-rule", "nsg", "route", "firewall"]);

  const route = card.locator('[data-stage="route"] tbody tr');
  await expect(route.locator("td")).toHaveText(["User", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4", "rt-hub / to-firewall", "azfw-hub"]);
  const firewall = card.locator('[data-stage="firewall"] tbody tr');
  await expect(firewall).toContainText("No rule matched: denied");
  await expect(firewall).toContainText("management.azure.com");
  await expect(card.locator('[data-stage="admin-rule"]')).toContainText("allow-azure-443");
});

test("a firewall rule that decided is named by group, collection and rule; the outbound method follows", async ({ page }) => {
  await page.goto(finding("NODE-EGRESS-STORAGE").link);
  const card = page.getByTestId("finding");
  const firewall = card.locator('[data-stage="firewall"] tbody tr');
  await expect(firewall).toHaveAttribute("data-firewall-rule", "storage-blob");
  await expect(firewall.locator("td").nth(2)).toHaveText("rcg-cyclecloud");
  await expect(firewall.locator("td").nth(3)).toHaveText("allow-azure");
  await expect(card.locator('[data-stage="outbound"] tbody tr td').first()).toHaveText("NAT gateway");
});

test("a subnet page lists its effective routes, its outbound method, scale sets and deployment", async ({ page }) => {
  const cc = report.subnets[0];
  await page.goto(subnetHref(scanId, cc.id));
  const routes = page.getByTestId("effective-route");
  await expect(routes).toHaveCount(3);
  await expect(routes.nth(1).locator("td")).toHaveText(["User", "Active", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4", "rt-hub / to-firewall", "azfw-hub"]);
  await expect(routes.nth(2)).toHaveAttribute("data-state", "Invalid");
  await expect(page.getByTestId("outbound-method")).toContainText("Azure Firewall public IP azfw-hub");
  await expect(page.getByTestId("subnet-path")).toContainText(PATH_DEPLOYMENT);

  await page.goto(subnetHref(scanId, report.subnets[1].id));
  await expect(page.getByTestId("scale-sets")).toContainText("vmss-hpc");
  await expect(page.getByTestId("outbound-method")).toHaveAttribute("data-method", "nat-gateway");
});

test("the overview warns about what the input did not hold, with the command to add", async ({ page }) => {
  await page.goto(`/scans/${scanId}`);
  const banner = page.getByTestId("gaps-banner");
  await expect(banner).toBeVisible();
  await expect(banner.locator("summary")).toContainText("1 reference to resources the input does not hold");
  await expect(banner.getByTestId("gaps-unresolved")).toBeVisible();
  await expect(banner.getByTestId("gaps-unresolved").locator("code")).toHaveText("az network nsg list");
  await expect(page.getByTestId("roles-prompt")).toHaveCount(0);
});

test("the subnets page filters by deployment, in the URL", async ({ page }) => {
  await page.goto(`/scans/${scanId}/subnets?deployment=none`);
  await expect(page.getByTestId("subnets-table")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("subnet-row")).toHaveCount(1);
  await page.getByLabel("Deployment").selectOption(PATH_DEPLOYMENT);
  await expect(page.getByTestId("subnet-row")).toHaveCount(3);
  await expect(page).toHaveURL(new RegExp(`deployment=${PATH_DEPLOYMENT}`));
  await page.reload();
  await expect(page.getByTestId("subnet-row")).toHaveCount(3);
});

test("the Markdown export carries the path evidence and the effective routes", async ({ request }) => {
  const res = await request.get(`/api/scans/${scanId}/report?format=md`);
  expect(res.ok()).toBe(true);
  const md = await res.text();
  expect(md).toContain("**Azure Firewall**: Azure Firewall azfw-hub, policy fwp-hub: no rule matched: denied");
  expect(md).toContain("| User | Active | 0.0.0.0/0 | VirtualAppliance | 10.0.1.4 | rt-hub / to-firewall | azfw-hub |");
});

test("a scan in which no subnet has a role opens with a prompt to assign roles", async ({ page }) => {
  const { scanId: bare } = storeFixtureScan("No roles fixture", (prefix) => {
    const r = sampleReport(prefix);
    for (const s of r.subnets) {
      s.role = null;
      s.status = "unscoped";
      s.findings = [];
    }
    r.summary = { subnets: r.subnets.length, pass: 0, warn: 0, fail: 0, unscoped: r.subnets.length };
    return r;
  });
  await page.goto(`/scans/${bare}`);
  const prompt = page.getByTestId("roles-prompt");
  await expect(prompt).toBeVisible();
  await expect(prompt.getByRole("heading")).toHaveText("Assign roles to audit this estate");
});

test("the role editor puts a subnet in a new deployment; the overview draws one flow group per deployment", async ({ page, request }) => {
  const [latest] = await listScans(request);
  const current = (await (await request.get(`/api/scans/${latest.id}/report?format=json`)).json()) as Report;
  const target = current.subnets.find((s) => s.status === "unscoped" && !/^(Azure|Gateway)/.test(s.name));
  expect(target, "an unscoped subnet to give a role").toBeTruthy();
  await page.goto(subnetHref(latest.id, target!.id));
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Role").selectOption("cyclecloud");
  await page.getByTestId("role-deployment").selectOption({ label: "New deployment…" });
  await page.getByLabel("New deployment name").fill("dev-e2e");
  await page.getByRole("button", { name: "Save and re-audit" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/scans/${latest.id}/`));
  await expect(page.getByTestId("subnet-path")).toContainText("dev-e2e");

  const [edited] = await listScans(request);
  expect(edited.label).toBe(`Role of ${target!.vnet}/${target!.name} set to cyclecloud in deployment dev-e2e`);
  await page.goto(`/scans/${edited.id}`);
  const groups = page.getByTestId("deployment-flows");
  expect(await groups.count()).toBeGreaterThanOrEqual(2);
  await expect(page.locator('[data-testid="deployment-flows"][data-deployment="dev-e2e"] svg [data-edge]').first()).toBeAttached();

  await page.goto(`/scans/${edited.id}/subnets?deployment=dev-e2e`);
  await expect(page.getByTestId("subnet-row")).toHaveCount(1);
  await expect(page.getByTestId("subnet-row").getByTestId("subnet-deployment")).toHaveText("dev-e2e");
});
