// One row per finding, for spreadsheets. Subnets without findings (unscoped) still get one row, so none disappears.
import type { Report } from "./types";
import { describeEvidence } from "./meta";

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

export function renderCsv(report: Report): string {
  const lines = [row([...CSV_COLUMNS])];
  for (const subnet of report.subnets) {
    const base = [subnet.id, subnet.name, subnet.vnet, subnet.role ?? "", subnet.status];
    if (subnet.findings.length === 0) lines.push(row([...base, "", "", "", "", ""]));
    for (const f of subnet.findings) {
      lines.push(row([...base, f.rule, f.status, f.title, f.detail, f.evidence.map(describeEvidence).join("; ")]));
    }
  }
  // RFC 4180 line ends, which every spreadsheet reads.
  return lines.join("\r\n") + "\r\n";
}
