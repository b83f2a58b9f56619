import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvCell, renderCsv } from "./csv";
import { parseCsv } from "./__fixtures__/parse-csv";
import { OTHER_SUBNET, sampleReport } from "./__fixtures__/sample-report";

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
});
