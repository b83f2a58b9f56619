// Dates render the same on server and client (UTC, fixed format): no hydration mismatch, no locale guessing.
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function Time({ iso, className }: { iso: string | null | undefined; className?: string }) {
  return iso ? (
    <time dateTime={iso} className={className} title={iso}>
      {formatTime(iso)}
    </time>
  ) : (
    <span className={className}>—</span>
  );
}
