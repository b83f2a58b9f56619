import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvCell, renderCsv } from "./csv";
import { parseCsv } from "./__fixtures__/parse-csv";
import { CC_SUBNET, OTHER_SUBNET, sampleReport } from "./__fixtures__/sample-report";

describe("renderCsv", () => {
  const report = sampleReport();
  const rows = parseCsv(renderCsv(report));
  const [header, ...body] = rows;
  const records = body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));

  it("has the agreed header and one row per finding, plus one per subnet without findings", () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    const findings = report.subnets.reduce((n, s) => n + Math.max(1, s.findings.length), 0);
    expect(body).toHaveLength(findings);
    expect(body.every((r) => r.length === header.length)).toBe(true);
  });

  it("keeps commas, quotes and newlines intact through a round trip", () => {
    const storage = records.find((r) => r.rule === "CC-EGRESS-STORAGE")!;
    const source = report.subnets[0].findings[0];
    expect(storage.detail).toBe(source.detail);
    expect(storage.title).toBe(source.title);
    expect(storage.subnet_status).toBe("fail");
    expect(storage.role).toBe("cyclecloud");
    expect(storage.deciding_rules).toBe("nsg-cyclecloud/AllowHttpsIn (200, Allow Inbound, subnet); nsg-cyclecloud/BlockOutbound (4000, Deny Outbound, subnet)");
  });

  it("neutralises cells a spreadsheet would run as a formula", () => {
    const unscoped = records.find((r) => r.subnet_status === "unscoped")!;
    expect(unscoped.subnet_name).toBe(`'=HYPERLINK("x")`);
    expect(unscoped.subnet_id).toBe(OTHER_SUBNET); // starts with "/", harmless, untouched
    expect(unscoped.rule).toBe("");
    const github = records.find((r) => r.rule === "CC-GITHUB-STAGING")!;
    expect(github.detail.startsWith("'-Outbound")).toBe(true);
    for (const prefix of ["=", "+", "-", "@", "\t", "\r"]) expect(parseCsv(csvCell(`${prefix}1`) + "\r\n")[0][0]).toBe(`'${prefix}1`);
    expect(csvCell("plain")).toBe("plain");
  });

  it("carries the az CLI fix, the share link (absolute with a base URL) and the subnet's portal URL", () => {
    const withBase = parseCsv(renderCsv(report, { baseUrl: "https://audit.example/" }));
    const rec = (rows: string[][], rule: string) => Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[header.indexOf("rule")] === rule)![i]]));
    const storage = rec(withBase, "CC-EGRESS-STORAGE");
    expect(storage.fix_az_cli).toBe(report.subnets[0].findings[0].fixes.find((x) => x.kind === "az-cli")!.text);
    expect(storage.link).toBe("https://audit.example/scans/s1/findings/f-cc-storage");
    expect(storage.portal_url).toBe(`https://portal.azure.com/#@/resource${CC_SUBNET}`);
    expect(rec(rows, "CC-EGRESS-STORAGE").link).toBe("/scans/s1/findings/f-cc-storage");
    expect(rec(withBase, "CC-EGRESS-AAD").fix_az_cli).toBe("");
    // A name with characters a URL cannot hold is percent-encoded, and the cell stays text.
    const unscoped = records.find((r) => r.subnet_status === "unscoped")!;
    expect(unscoped.portal_url).toBe(`https://portal.azure.com/#@/resource${OTHER_SUBNET.replace('=HYPERLINK("x")', "%3DHYPERLINK(%22x%22)")}`);
  });

  it("shows an exempt finding's verdict and exemption, and the baseline change", () => {
    const exempted = sampleReport();
    const amqp = exempted.subnets[1].findings[0];
    Object.assign(amqp, {
      status: "exempt",
      verdict: "warn",
      change: "better",
      exemption: { reason: "=cmd|' /C calc'!A0", owner: "ops@contoso.com", expires: "2026-06-30", match: { finding: "f-node-amqp" }, verdict: "warn" },
    });
    const [head, ...lines] = parseCsv(renderCsv(exempted));
    const r = Object.fromEntries(head.map((h, i) => [h, lines.find((l) => l[head.indexOf("rule")] === "NODE-EGRESS-AMQP")![i]]));
    expect(r).toMatchObject({ status: "exempt", verdict: "warn", exemption_owner: "ops@contoso.com", exemption_expires: "2026-06-30", change: "better" });
    expect(r.exemption_reason).toBe("'=cmd|' /C calc'!A0");
    const storage = Object.fromEntries(head.map((h, i) => [h, lines.find((l) => l[head.indexOf("rule")] === "CC-EGRESS-STORAGE")![i]]));
    expect(storage).toMatchObject({ verdict: "fail", exemption_reason: "", change: "" });
  });
});
