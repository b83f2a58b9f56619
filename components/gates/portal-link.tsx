// "Open in Azure portal": a small outside link to a resource's portal page (lib/report/portal-links.ts).
import { portalUrl } from "@/lib/report/portal-links";
import type { Direction } from "@/lib/model/types";

export function PortalLink({ id, direction, label = "Open in Azure portal", className = "" }: {
  /** The ARM id of a subnet, NSG, NSG rule, route table or firewall policy. */
  id: string | null | undefined;
  direction?: Direction;
  label?: string;
  className?: string;
}) {
  const href = portalUrl(id, { direction });
  if (!href) return null;
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      data-testid="portal-link"
      className={`inline-flex items-center gap-1 text-xs font-medium text-indigo-700 hover:underline ${className}`}
    >
      {label}
      <span aria-hidden>↗</span>
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}
