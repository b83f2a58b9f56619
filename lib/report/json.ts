import type { Report } from "./types";

/** The report of CONTRACT §3, as the CLI prints it and the API serves it. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
