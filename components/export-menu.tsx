// Export buttons: plain links to the report API, carrying the page's filters so a filtered view exports what it shows.
import { reportHref } from "./links";

const FORMATS = [
  { format: "pdf", label: "PDF" },
  { format: "csv", label: "CSV" },
  { format: "json", label: "JSON" },
  { format: "sarif", label: "SARIF" },
  { format: "md", label: "Markdown" },
] as const;

export function ExportMenu({ scanId, query = "", filtered = false }: { scanId: string; query?: string; filtered?: boolean }) {
  return (
    <div role="group" aria-label={filtered ? "Export this filtered view" : "Export this scan"} className="flex items-center">
      <span className="mr-2 text-xs font-medium text-slate-500">{filtered ? "Export view" : "Export"}</span>
      <div className="inline-flex overflow-hidden rounded-md shadow-xs ring-1 ring-inset ring-slate-300">
        {FORMATS.map((f, i) => (
          <a
            key={f.format}
            href={reportHref(scanId, f.format, query)}
            download
            data-testid={`export-${f.format}`}
            className={`bg-white px-2.5 py-1.5 text-xs font-medium text-slate-700 hover:bg-slate-50 focus-visible:relative focus-visible:z-10 focus-visible:outline-2 focus-visible:outline-indigo-600 ${i > 0 ? "border-l border-slate-300" : ""}`}
          >
            {f.label}
          </a>
        ))}
      </div>
    </div>
  );
}
