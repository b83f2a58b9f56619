// Markdown for tickets, wikis and pull requests: summary, subnet table, then every finding that needs work with its fixes.
import type { Finding, FixKind, Report, SubnetReport } from "./types";
import { failingRules } from "./filter";
import { absoluteLink, describeEvidence, reportScope } from "./meta";
import type { ReportMeta } from "./meta";

export const FIX_LABELS: Record<FixKind, string> = { "az-cli": "az CLI", bicep: "Bicep", terraform: "Terraform", portal: "Portal steps" };
const FENCE_LANG: Record<FixKind, string> = { "az-cli": "bash", bicep: "bicep", terraform: "hcl", portal: "text" };
const ROLE_LABELS: Record<string, string> = { cyclecloud: "CycleCloud", cluster: "cluster", returnProxy: "return proxy" };

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function inline(text: string): string {
  // Keeps names such as `*_subnet` from turning into emphasis.
  return text.replace(/([\\`*_[\]<>#])/g, "\\$1");
}

function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

function findingSection(subnet: SubnetReport, f: Finding, meta: ReportMeta): string[] {
  const out = [`#### ${f.status.toUpperCase()} · ${f.rule}: ${inline(f.title)}`, "", inline(f.detail), ""];
  if (f.requirement) out.push(`> Requirement: ${inline(f.requirement)}`, "");
  if (f.evidence.length) {
    out.push("Deciding rules, in evaluation order:", "");
    for (const e of f.evidence) out.push(`- ${inline(describeEvidence(e))}`);
    out.push("");
  }
  for (const fix of f.fixes) {
    out.push(`<details><summary>Fix: ${FIX_LABELS[fix.kind]}</summary>`, "", fenced(fix.text, FENCE_LANG[fix.kind]), "", "</details>", "");
  }
  out.push(`[Open this finding](${absoluteLink(f.link, meta.baseUrl)})`, "");
  return out;
}

export function renderMarkdown(report: Report, meta: ReportMeta = {}): string {
  const s = report.summary;
  const out: string[] = ["# Lockdown audit report", ""];
  const facts = [
    meta.scanId ? `Scan \`${meta.scanId}\`${meta.scanLabel ? ` (${inline(meta.scanLabel)})` : ""}` : undefined,
    `generated ${report.generatedAt}`,
    report.capturedAt ? `estate captured ${report.capturedAt}` : undefined,
  ].filter(Boolean);
  out.push(facts.join(" · "), "", `Scope: ${inline(meta.scope ?? reportScope(report))}`, "");
  if (meta.filters) out.push(`Filtered view: ${inline(meta.filters)}`, "");

  out.push("## Summary", "", "| Subnets | Fail | Warn | Pass | Unscoped |", "|---:|---:|---:|---:|---:|");
  out.push(`| ${s.subnets} | ${s.fail} | ${s.warn} | ${s.pass} | ${s.unscoped} |`, "");

  if (report.errors?.length) {
    out.push("## Read errors", "", "Part of the estate could not be read; what was read is audited.", "");
    for (const e of report.errors) out.push(`- ${inline(`${e.subscription}: ${e.operation}: ${e.code}: ${e.message}`)}`);
    out.push("");
  }

  out.push("## Subnets", "", "| Status | Subnet | VNet | Role | Not passing |", "|---|---|---|---|---|");
  for (const subnet of report.subnets) {
    const role = subnet.role ? ROLE_LABELS[subnet.role] : "—";
    out.push(`| ${subnet.status} | ${cell(subnet.name)} | ${cell(subnet.vnet)} | ${role} | ${cell(failingRules(subnet).join(", ") || "—")} |`);
  }
  out.push("");

  const withWork = report.subnets.filter((subnet) => subnet.findings.some((f) => f.status !== "pass"));
  if (withWork.length) out.push("## Findings", "");
  for (const subnet of withWork) {
    out.push(`### ${inline(`${subnet.vnet}/${subnet.name}`)} — ${subnet.status} (${subnet.role ? ROLE_LABELS[subnet.role] : "no role"})`, "");
    out.push(`\`${subnet.id}\``, "");
    for (const f of subnet.findings.filter((x) => x.status !== "pass")) out.push(...findingSection(subnet, f, meta));
    const passing = subnet.findings.filter((x) => x.status === "pass").map((x) => x.rule);
    if (passing.length) out.push(`Passing: ${passing.join(", ")}`, "");
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}
