// Every export button downloads a file whose content matches the scan (PDF text via pdftotext).
import { expect, test, type Page } from "@playwright/test";
import { demoScans, downloadText, parseCsv, pdfText } from "./support/app";

async function download(page: Page, format: string) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`export-${format}`).click()]);
  return file;
}

test("every export from the overview carries the scan's content", async ({ page, request }) => {
  test.setTimeout(120_000);
  const { current } = await demoScans(request);
  const report = await (await request.get(`/api/scans/${current.id}/report?format=json`)).json();
  const failing = report.subnets.flatMap((s: { name: string; findings: { status: string; rule: string }[] }) =>
    s.findings.filter((f) => f.status === "fail").map((f) => ({ subnet: s.name, rule: f.rule })),
  );
  expect(failing.length).toBeGreaterThan(0);
  await page.goto(`/scans/${current.id}`);

  const json = await download(page, "json");
  expect(json.suggestedFilename()).toBe(`lockdown-${current.id}.json`);
  const parsed = JSON.parse(await downloadText(json));
  expect(parsed.summary).toEqual(current.summary);
  expect(parsed.subnets).toHaveLength(current.summary.subnets);
  for (const s of parsed.subnets) {
    expect(s).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String), vnet: expect.any(String), status: expect.any(String) }));
    for (const f of s.findings) expect(f.link).toMatch(new RegExp(`^/scans/${current.id}/findings/`));
  }

  const csv = await download(page, "csv");
  const [header, ...rows] = parseCsv(await downloadText(csv));
  expect(header).toEqual([
    "subnet_id", "subnet_name", "vnet", "role", "subnet_status", "rule", "status", "title", "detail", "deciding_rules",
    "fix_az_cli", "link", "portal_url", "verdict", "exemption_reason", "exemption_owner", "exemption_expires", "change", "no_fix_reason",
  ]);
  const expectedRows = parsed.subnets.reduce((n: number, s: { findings: unknown[] }) => n + Math.max(1, s.findings.length), 0);
  expect(rows).toHaveLength(expectedRows);
  for (const f of failing) expect(rows.some((r) => r[1] === f.subnet && r[5] === f.rule && r[6] === "fail")).toBe(true);

  const sarif = JSON.parse(await downloadText(await download(page, "sarif")));
  expect(sarif.version).toBe("2.1.0");
  const results = sarif.runs[0].results;
  expect(results.filter((r: { level: string }) => r.level === "error")).toHaveLength(failing.length);

  const md = await downloadText(await download(page, "md"));
  expect(md).toContain("# Lockdown audit report");
  expect(md).toContain(`Scan \`${current.id}\``);
  for (const f of failing) expect(md).toContain(`FAIL · ${f.rule}`);

  const pdf = await download(page, "pdf");
  expect(pdf.suggestedFilename()).toBe(`lockdown-${current.id}.pdf`);
  const text = await pdfText(pdf);
  expect(text).toContain("Lockdown audit report");
  expect(text).toContain(current.id);
  expect(text).toContain(report.generatedAt);
  // Failing findings are printed in full in "Findings that need work", before the passing table and the appendix.
  const open = text.slice(text.indexOf("Findings that need work"), text.indexOf("Checks that passed"));
  expect(open.length).toBeGreaterThan(0);
  for (const f of failing) {
    expect(open).toContain(f.subnet);
    expect(open).toMatch(new RegExp(`FAIL\\s+${f.rule}:`));
  }
  expect(open).toContain("Fix · az CLI");
  expect(open).toContain("What decided, along the path");
  expect(text.slice(text.indexOf("Appendix"))).toContain("What was not audited");
  // The embedded font prints arrows as arrows (the built-in PDF fonts printed "→" as "’").
  expect(text).not.toMatch(/Cluster Node ’ CycleCloud/);
});
