// Why a finding is exempt (accepted risk, CONTRACT §2) or why its exemption no longer applies: one line beside the
// status badge wherever findings are listed. A span, not a paragraph: it may sit inside a <summary>.
import type { Finding } from "@/lib/report/types";
import { STATUS_LABEL } from "../ui/status";

export function ExemptionNote({ finding, className = "" }: { finding: Pick<Finding, "status" | "verdict" | "exemption" | "exemptionLapsed">; className?: string }) {
  const ex = finding.exemption;
  if (finding.status === "exempt" && ex) {
    return (
      <span className={`block text-xs text-violet-800 ${className}`} data-testid="exemption-reason">
        <span className="font-medium">Exempt</span>
        {finding.verdict ? <> (verdict {STATUS_LABEL[finding.verdict].toLowerCase()})</> : null}: {ex.reason}
        <span className="text-slate-600">
          {" "}
          · {ex.owner} · until {ex.expires}
        </span>
      </span>
    );
  }
  const lapsed = finding.exemptionLapsed;
  if (lapsed) {
    const why = lapsed.why === "expired" ? `expired after ${lapsed.expires}` : `granted for ${lapsed.verdict}, the verdict is now worse`;
    return (
      <span className={`block text-xs text-slate-600 ${className}`} data-testid="exemption-lapsed">
        Exemption no longer applies ({why}): {lapsed.reason} · {lapsed.owner}
      </span>
    );
  }
  return null;
}
