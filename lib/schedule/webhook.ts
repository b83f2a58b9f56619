// The message a scheduled scan posts: new failures and fixes since the estate's previous scan, each with a link to
// the finding. Two forms: `{"text": ...}`, which Slack incoming webhooks and Teams workflow/incoming webhooks both
// post as a message (https://api.slack.com/messaging/webhooks,
// https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook), and a
// plain JSON document for other receivers (WEBHOOK_FORMAT=json).
import type { FindingChange, ReportDiff } from "@/lib/report/diff";
import type { ScanRecord } from "@/lib/store";

export type WebhookFormat = "text" | "json";

export interface WebhookChange {
  rule: string;
  title: string;
  subnet: string;
  subnetId: string;
  from: string | null;
  to: string | null;
  /** Absolute when a public base URL is set (PUBLIC_URL / AUTH_URL), else the app-relative path. */
  url: string;
}

export interface WebhookJson {
  event: "scheduled-scan";
  estate: string;
  scan: { id: string; seq: number; label: string; status: ScanRecord["status"]; url: string; summary: ScanRecord["summary"] };
  /** The estate's previous scan the changes are counted from (null: the first scan of the estate). */
  previousScanId: string | null;
  newFailures: WebhookChange[];
  fixed: WebhookChange[];
}

/** WEBHOOK_FORMAT: `json` for the plain document, anything else (default) the `{"text"}` message. */
export function webhookFormat(env: Record<string, string | undefined>): WebhookFormat {
  return env.WEBHOOK_FORMAT?.trim().toLowerCase() === "json" ? "json" : "text";
}

const absolute = (base: string | undefined, href: string) => (base ? `${base.replace(/\/+$/, "")}${href}` : href);

function change(c: FindingChange, base: string | undefined): WebhookChange {
  return { rule: c.rule, title: c.title, subnet: `${c.vnet}/${c.subnetName}`, subnetId: c.subnetId, from: c.from, to: c.to, url: absolute(base, c.link) };
}

/** The plain JSON form of one scheduled scan's outcome. */
export function webhookJson(scan: ScanRecord, previous: ScanRecord | undefined, diff: ReportDiff, baseUrl: string | undefined): WebhookJson {
  return {
    event: "scheduled-scan",
    estate: scan.estate,
    scan: { id: scan.id, seq: scan.seq, label: scan.label, status: scan.status, url: absolute(baseUrl, `/scans/${encodeURIComponent(scan.id)}`), summary: scan.summary },
    previousScanId: previous?.id ?? null,
    newFailures: diff.newFailures.map((c) => change(c, baseUrl)),
    fixed: diff.fixed.map((c) => change(c, baseUrl)),
  };
}

/** The `{"text"}` form: a headline and one line per change with its link (Slack and Teams render the URLs). */
export function webhookText(doc: WebhookJson): { text: string } {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const head =
    `Lockdown Auditor: scheduled scan #${doc.scan.seq} of estate "${doc.estate}"${doc.scan.status === "partial" ? " (partial read)" : ""}: ` +
    `${plural(doc.newFailures.length, "new failure")}, ${plural(doc.fixed.length, "fix", "fixes")}` +
    ` (${doc.scan.summary.fail} failing, ${doc.scan.summary.warn} warning subnets). ${doc.scan.url}`;
  const lines = [
    ...doc.newFailures.map((c) => `- FAIL ${c.rule} on ${c.subnet}: ${c.title} ${c.url}`),
    ...doc.fixed.map((c) => `- FIXED ${c.rule} on ${c.subnet}: ${c.title} ${c.url}`),
  ];
  return { text: [head, ...lines].join("\n") };
}

/**
 * POSTs the body as JSON to `url` within `timeoutMs`. Resolves to the HTTP status.
 * @throws Error when the receiver cannot be reached or answers outside 2xx (the run records the message).
 */
export async function postWebhook(url: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
  return res.status;
}
