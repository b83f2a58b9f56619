// One entry point for every export: the API route, the CLI and the tests pick a format and get bytes, type and name.
import type { Report } from "./types";
import type { ReportMeta } from "./meta";
import { renderCsv } from "./csv";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { renderSarif } from "./sarif";

export const REPORT_FORMATS = ["json", "csv", "sarif", "md", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  sarif: "application/sarif+json; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  pdf: "application/pdf",
};

const EXTENSIONS: Record<ReportFormat, string> = { json: "json", csv: "csv", sarif: "sarif", md: "md", pdf: "pdf" };

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === "string" && (REPORT_FORMATS as readonly string[]).includes(value);
}

/** `lockdown-<scan>[-filtered].<ext>`, safe in a Content-Disposition header on every OS. */
export function reportFileName(format: ReportFormat, meta: ReportMeta = {}, generatedAt?: string): string {
  const stem = meta.scanId ?? (generatedAt ? generatedAt.slice(0, 19).replace(/[:T]/g, "-") : "report");
  const safe = `lockdown-${stem}${meta.filters ? "-filtered" : ""}`.replace(/[^A-Za-z0-9._-]+/g, "-");
  return `${safe}.${EXTENSIONS[format]}`;
}

export interface RenderedReport {
  body: string | Buffer;
  contentType: string;
  fileName: string;
}

export async function renderReport(report: Report, format: ReportFormat, meta: ReportMeta = {}): Promise<RenderedReport> {
  const fileName = reportFileName(format, meta, report.generatedAt);
  const contentType = CONTENT_TYPES[format];
  switch (format) {
    case "json":
      return { body: renderJson(report), contentType, fileName };
    case "csv":
      return { body: renderCsv(report, meta), contentType, fileName };
    case "sarif":
      return { body: renderSarif(report, meta), contentType, fileName };
    case "md":
      return { body: renderMarkdown(report, meta), contentType, fileName };
    case "pdf": {
      // Loaded on demand: most callers never need it. Big reports are laid out and joined in a worker thread.
      const { renderPdfOffThread } = await import("./pdf-off-thread");
      return { body: await renderPdfOffThread(report, meta), contentType, fileName };
    }
  }
}
