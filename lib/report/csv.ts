// One row per finding, for spreadsheets. Subnets without findings (unscoped) still get one row, so none disappears.
import type { Finding, Report } from "./types";
import { absoluteLink, describeEvidence } from "./meta";
import type { ReportMeta } from "./meta";
import { portalUrl } from "./portal-links";

export const CSV_COLUMNS = [
  "subnet_id",
  "subnet_name",
  "vnet",
  "role",
  "subnet_status",
  "rule",
  "status",
  "title",
  "detail",
  "deciding_rules",
  // Remediation and links (issue 13): the verified az CLI fix, the finding's share link, the subnet in the Azure portal.
  "fix_az_cli",
  "link",
  "portal_url",
  // Gates (CONTRACT §2): the engine's verdict (differs from status when exempt), the exemption, the baseline change.
  "verdict",
  "exemption_reason",
  "exemption_owner",
  "exemption_expires",
  "change",
  // Why a fail/warn finding has no fix (the report's noFixReason); empty when it has one. Last, so columns before it keep their place.
  "no_fix_reason",
] as const;

// Spreadsheets run a cell that starts with one of these as a formula; a leading ' makes it text (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(cells: string[]): string {
  return cells.map(csvCell).join(",");
}

function gateCells(f: Finding): string[] {
  const verdict = f.status === "exempt" ? (f.verdict ?? "") : f.status;
  return [verdict, f.exemption?.reason ?? "", f.exemption?.owner ?? "", f.exemption?.expires ?? "", f.change ?? ""];
}

/**
 * The report as CSV (RFC 4180, columns `CSV_COLUMNS`). `fix_az_cli` holds the finding's az CLI fixes (one per line),
 * `link` its share link (absolute when `meta.baseUrl` is known), `portal_url` the subnet's page in the Azure portal.
 * Cells a spreadsheet would run as a formula are neutralised.
 */
export function renderCsv(report: Report, meta: ReportMeta = {}): string {
  const lines = [row([...CSV_COLUMNS])];
  for (const subnet of report.subnets) {
    const base = [subnet.id, subnet.name, subnet.vnet, subnet.role ?? "", subnet.status];
    const portal = portalUrl(subnet.id) ?? "";
    if (subnet.findings.length === 0) lines.push(row([...base, "", "", "", "", "", "", "", portal, "", "", "", "", "", ""]));
    for (const f of subnet.findings) {
      const fix = f.fixes.filter((x) => x.kind === "az-cli").map((x) => x.text).join("\n");
      lines.push(
        row([...base, f.rule, f.status, f.title, f.detail, f.evidence.map(describeEvidence).join("; "), fix, absoluteLink(f.link, meta.baseUrl), portal, ...gateCells(f), f.fixes.length ? "" : (f.noFixReason ?? "")]),
      );
    }
  }
  // RFC 4180 line ends, which every spreadsheet reads.
  return lines.join("\r\n") + "\r\n";
}
