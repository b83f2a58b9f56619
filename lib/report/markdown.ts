// Markdown for tickets, wikis and pull requests: summary, deployments, what the audit could not see, the subnet table,
// then each subnet in a role (outbound method, effective routes) with every finding that needs work, its path evidence
// and its fixes. Every name from the estate is data: escaped so it can never become HTML, a link, an image, emphasis,
// a heading or a table column (CommonMark 0.31, https://spec.commonmark.org/0.31.2/#backslash-escapes; GFM tables).
import type { EffectiveRouteRow, Finding, FixKind, Report, ReportGaps, SubnetReport } from "./types";
import { DEPLOYMENT_COLUMNS, deploymentNamed } from "./deployment-columns";
import { evidenceStage } from "./types";
import { failingRules } from "./filter";
import { gapsConsequence, missingList } from "./gap-kinds";
import { STAGE_LABEL, absoluteLink, codeParts, describeEvidence, fixPresentation, nextHopText, outboundLabel, reportScope, resourceName } from "./meta";
import type { ReportMeta } from "./meta";

export const FIX_LABELS: Record<FixKind, string> = { "az-cli": "az CLI", bicep: "Bicep", terraform: "Terraform", portal: "Portal steps", shell: "Shell", powershell: "PowerShell" };
const ROLE_LABELS: Record<string, string> = { cyclecloud: "CycleCloud", cluster: "cluster", returnProxy: "return proxy" };

/**
 * Control characters (C0 but tab, DEL, C1, line/paragraph separators) would end a line or a block, and bidirectional
 * controls (U+061C, U+200E/U+200F marks, U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) would make a
 * name read in another order than it is written, in the raw .md and rendered alike (Trojan Source, CVE-2021-42574):
 * all become spaces.
 */
const BREAKS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The bidirectional controls alone, for fenced fix texts (whose lines stay lines). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// NOTE: people read the raw .md too (in pull requests, in a terminal), so nothing is escaped that could not start
// markup where it stands; names come out as written. What can start markup, by context:
// - a word that GFM's autolink extension (`www.`, `http://`, e-mail, `mailto:`), markdown-it's linkify (default TLDs:
//   https://github.com/markdown-it/linkify-it) or a GitHub @mention would turn into a link is set as a code span, which
//   no renderer links and which needs no escapes: `*.blob.core.windows.net`, `https://…`, `ops@contoso.com`;
// - in the rest: backticks and `[` always (code spans and links can pair with anything later on the line); `*` `_` `~`
//   only as delimiter runs that can open or close emphasis (CommonMark §6.2 flanking rules: `snake_case` and ` * ` are
//   text); `<` only before a letter, `/`, `!` or `?` (HTML, autolinks); `&` only where an entity could follow; `\` only
//   before punctuation; a trailing `#` run (an ATX heading's closing sequence); and `|` only in table cells.
// Both ends of a piece of text are treated as unknown neighbours, since the renderer writes text on either side.

/** Whitespace and punctuation as CommonMark 0.31 classifies a delimiter run's neighbours (Unicode Zs, P and S). */
const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** linkify-it's default TLDs (2-letter country codes are taken as any two letters); `xn--` is punycode. */
const LINKIFY_TLDS = "biz|com|edu|gov|net|org|pro|web|xxx|aero|asia|coop|info|museum|name|shop";
const LINK_LIKE = new RegExp(`//|@|www\\.|\\.xn--|\\.(?:${LINKIFY_TLDS}|\\p{L}{2})(?![\\p{L}\\p{N}\\p{M}])`, "iu");
/** A word: what a link can span. Backticks, pipes, angle brackets and backslashes never go in a code span word. */
const WORD = /[^\s`|<>\\]+/gu;

/** Can this `*`, `_` or `~` run neither open nor close emphasis or strikethrough, whatever surrounds the text? */
function inertRun(char: string, before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  const space = (c: string) => WHITESPACE.test(c);
  const other = (c: string) => !space(c) && !PUNCTUATION.test(c);
  // A run between two spaces is neither left- nor right-flanking; an underscore run inside a word cannot open or close.
  return (space(before) && space(after)) || (char === "_" && other(before) && other(after));
}

/** The character (code point) at / just before a UTF-16 index, so an emoji neighbour counts as the symbol it is. */
function charAt(text: string, i: number): string | undefined {
  const cp = text.codePointAt(i);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

function charBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = text.charCodeAt(i - 1);
  const pair = i >= 2 && low >= 0xdc00 && low <= 0xdfff && text.charCodeAt(i - 2) >= 0xd800 && text.charCodeAt(i - 2) <= 0xdbff;
  return pair ? text.slice(i - 2, i) : text[i - 1];
}

/** Plain text (no link-like word) with only what could start markup here escaped; see the note above. */
function escapePlain(text: string, pipes: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "*" || c === "_" || c === "~") {
      let j = i;
      while (text[j] === c) j++;
      const run = text.slice(i, j);
      out += inertRun(c, charBefore(text, i), charAt(text, j)) ? run : run.split("").map((x) => `\\${x}`).join("");
      i = j;
      continue;
    }
    const next = text[i + 1];
    let escape = false;
    if (c === "`" || c === "[") escape = true;
    else if (c === "\\") escape = next === undefined || ASCII_PUNCTUATION.test(next);
    else if (c === "<") escape = next === undefined || /[A-Za-z/!?]/.test(next);
    else if (c === "&") escape = /^&(?:#|[A-Za-z0-9]*(?:;|$))/.test(text.slice(i, i + 40));
    else if (c === "|") escape = pipes;
    else if (c === "#") escape = /^#+\s*$/.test(text.slice(i)) && (i === 0 || WHITESPACE.test(text[i - 1]) || text[i - 1] === "#");
    out += escape ? `\\${c}` : c;
    i++;
  }
  return out;
}

/** Link-like words become code spans, without the punctuation a sentence puts around them. */
function inline(text: string, pipes: boolean): string {
  const flat = text.replace(BREAKS, " ");
  let out = "";
  let last = 0;
  for (const m of flat.matchAll(WORD)) {
    const word = m[0];
    if (!LINK_LIKE.test(word)) continue;
    const lead = /^["'(\[{]*/.exec(word)![0].length;
    const trail = /[)\]}"'.,;:!?]*$/.exec(word.slice(lead))![0].length;
    const core = word.slice(lead, word.length - trail);
    if (!LINK_LIKE.test(core)) continue;
    const start = m.index + lead;
    out += escapePlain(flat.slice(last, start), pipes) + mdCode(core);
    last = start + core.length;
  }
  return out + escapePlain(flat.slice(last), pipes);
}

/**
 * Text from the estate as inline Markdown that renders as exactly that text, on one line (control characters become
 * spaces), escaping only what could start markup where it stands (see the note above), so the raw .md reads as the
 * names do. Link-like words (URLs, e-mail addresses, domains) come out as code spans. Use `mdLine` where the text
 * starts a line and `mdCell` in a table cell.
 */
export function mdText(text: string): string {
  return inline(text, false);
}

/** mdText for a GFM table cell: a `|` would end the cell, so it is escaped too. */
export function mdCell(text: string): string {
  return inline(text, true);
}

/**
 * mdText for text that starts a line (or a list item): leading spaces go (an indented code block), and a leading block
 * marker is neutralised: a list marker or ATX heading only when a space or the end follows it (`-Outbound` stays), a
 * line of `-` or `=` alone (a setext underline or thematic break), and `>` (a block quote). mdText already escapes
 * a leading `*`, `_`, `~`, backtick, `[` or `<` that could open something.
 */
export function mdLine(text: string): string {
  // Control characters become spaces first, so that a leading one cannot hide a marker behind an indent.
  const out = mdText(text.replace(BREAKS, " ").replace(/^\s+/, ""));
  if (/^[-+*](?:\s|$)|^[-=]+\s*$|^#{1,6}(?:\s|$)|^>/.test(out)) return `\\${out}`;
  return out.replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2");
}

/** Text inside raw HTML the renderer writes itself (the `<summary>` of a fix). */
function htmlText(text: string): string {
  return text.replace(BREAKS, " ").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A code span holding `text` literally: a backtick run longer than any inside, padded when the text touches one. */
export function mdCode(text: string): string {
  const flat = text.replace(BREAKS, " ");
  const longest = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = /^`|`$|^ .* $/.test(flat) ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A table cell: inline text with pipes escaped, never empty. */
function cell(text: string | undefined | null): string {
  return text ? mdCell(text) : "—";
}

/**
 * A table cell of product text that marks commands as code spans with backtick pairs (a gap's hint: ``add `az network
 * nsg list` ``): each pair's content becomes a code span (its pipes escaped, which GFM tables need even inside one), the
 * rest is mdCell. An unpaired backtick, or an empty pair, stays text. Names the hint quotes (a scale set's, a resource
 * group's) sit inside the code spans, where nothing is markup.
 */
function cellWithCode(text: string): string {
  if (!text) return "—";
  return codeParts(text)
    .map((p) => (p.code ? mdCode(p.text).replace(/\|/g, "\\|") : mdCell(p.text)))
    .join("");
}

/**
 * A fenced block showing `text` as written, but for bidirectional controls, which become spaces: code forms never hold
 * them raw (lib/fixes/quote.ts writes them as escapes), and in portal steps' prose they would reorder a name.
 */
function fenced(raw: string, lang: string): string {
  const text = raw.replace(BIDI, " ");
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** A link destination in angle brackets, percent-encoding what could end it; only http(s) or a path is a link. */
function mdLink(label: string, href: string): string {
  if (!/^(https?:\/\/|\/)/i.test(href)) return mdText(`${label}: ${href}`);
  const safe = href.replace(/[\s<>\\()`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  // In a link's text a `]` would end it early.
  return `[${mdText(label).replace(/\]/g, "\\]")}](${safe})`;
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`), ""];
}

function roleText(subnet: SubnetReport): string {
  return subnet.role ? ROLE_LABELS[subnet.role] : "no role";
}

function findingSection(f: Finding, meta: ReportMeta): string[] {
  const out = [`#### ${f.status.toUpperCase()} · ${mdText(f.rule)}: ${mdText(f.title)}`, "", mdLine(f.detail), ""];
  if (f.requirement) out.push(`> Requirement: ${mdText(f.requirement)}`, "");
  // Accepted risk (CONTRACT §2): the verdict it was granted for, who accepted it, why and until when.
  if (f.exemption) out.push(`Exempt (verdict ${mdText(f.verdict ?? f.exemption.verdict)}): ${mdText(f.exemption.reason)} — accepted by ${mdText(f.exemption.owner)} until ${mdText(f.exemption.expires)}.`, "");
  else if (f.exemptionLapsed) out.push(`An exemption no longer applies (${f.exemptionLapsed.why === "expired" ? `expired ${mdText(f.exemptionLapsed.expires)}` : "the verdict got worse since it was granted"}): ${mdText(f.exemptionLapsed.reason)}.`, "");
  if (f.change) out.push(`Since the baseline: ${f.change}.`, "");
  if (f.evidence.length) {
    out.push("What decided, along the path:", "");
    f.evidence.forEach((e, i) => out.push(`${i + 1}. **${STAGE_LABEL[evidenceStage(e)]}**: ${mdText(describeEvidence(e))}`));
    out.push("");
  }
  for (const fix of f.fixes) {
    const how = fixPresentation(fix.kind, f.rule);
    // Inside an HTML block Markdown escapes do not apply: the label is escaped as HTML.
    out.push(`<details><summary>Fix: ${htmlText(how.label)}</summary>`, "", fenced(fix.text, how.fenceLang), "", "</details>", "");
  }
  // Where the fixes would be, why there are none (as the dashboard and the PDF say it). The reason is a sentence of
  // its own (capitalised, as the CSV column and fix-all list show it), so it follows a full stop, not a colon.
  if (f.noFixReason && !f.fixes.length) out.push(`No fix offered. ${mdText(f.noFixReason)}`, "");
  out.push(mdLink("Open this finding", absoluteLink(f.link, meta.baseUrl)), "");
  return out;
}

function routeRows(rows: EffectiveRouteRow[]): string[][] {
  return rows.map((r) => [
    r.source,
    r.state ?? "Active",
    cell(r.addressPrefix),
    cell(r.nextHopType),
    cell(r.nextHopIpAddress),
    r.routeTable ? `${mdCell(resourceName(r.routeTable))} / ${cell(r.route)}` : cell(r.route),
    cell(r.nextHop ? nextHopText(r.nextHop) : undefined),
  ]);
}

function subnetPath(subnet: SubnetReport): string[] {
  const out: string[] = [];
  if (subnet.deployment) out.push(`Deployment: ${mdText(subnet.deployment)}`, "");
  if (subnet.outbound) {
    const o = subnet.outbound;
    out.push(`Outbound: **${mdText(outboundLabel(o.method))}**${o.resource ? ` ${mdText(resourceName(o.resource))}` : ""}${o.detail ? ` — ${mdText(o.detail)}` : ""}`, "");
  }
  if (subnet.scaleSets?.length) {
    out.push("Scale sets in this subnet:", "");
    for (const s of subnet.scaleSets) out.push(`- ${mdLine(s.name)} (${s.orchestrationMode === "unknown" ? "orchestrationMode not stated" : mdText(s.orchestrationMode)}; NSG ${s.nsg ? mdText(resourceName(s.nsg)) : "none"})`);
    out.push("");
  }
  if (subnet.effectiveRoutes?.length) {
    out.push("Effective routes:", "");
    out.push(...table(["Source", "State", "Address prefix", "Next hop type", "Next hop IP address", "Route table / route", "Next hop"], routeRows(subnet.effectiveRoutes)));
  }
  return out;
}

function gapsSection(gaps: ReportGaps | undefined): string[] {
  if (!gaps || (!gaps.ignoredTypes.length && !gaps.unresolved.length)) return [];
  const out = ["## What the audit could not see", ""];
  if (gaps.unresolved.length) {
    out.push(`What the input refers to or needs and does not hold. ${gapsConsequence(gaps.unresolved)}`, "");
    out.push(...table(["From", "Kind", "Reference", "What to add"], gaps.unresolved.map((u) => [cell(resourceName(u.from) || u.from), cell(u.kind), cell(missingList(u.kind) ?? u.ref), cellWithCode(u.hint)])));
  }
  if (gaps.ignoredTypes.length) {
    out.push("Resource types in the input the audit ignored:", "");
    out.push(...table(["Type", "Count"], gaps.ignoredTypes.map((t) => [cell(t.type), String(t.count)])));
  }
  return out;
}

function deploymentsSection(report: Report): string[] {
  const list = report.deployments ?? [];
  if (!list.length) return [];
  const refs = (xs: string[]) => cell(xs.join(", "));
  return [
    "## Deployments",
    "",
    ...table(
      [...DEPLOYMENT_COLUMNS],
      // A server judged by part of what the profile names (a VM's NIC in its CycleCloud subnet) says so beside it;
      // the same cells as the PDF's (lib/report/deployment-columns.ts).
      list.map((d) => {
        const named = deploymentNamed(d);
        return [cell(d.name), refs(d.cyclecloud), refs(d.cluster), refs(d.returnProxy), cell(named.server), cell(named.proxy), cell(named.storageAccount)];
      }),
    ),
  ];
}

/** The report as Markdown (GFM tables, `<details>` around fixes). `meta` adds the scan, filters and a base URL for links. */
export function renderMarkdown(report: Report, meta: ReportMeta = {}): string {
  const s = report.summary;
  const out: string[] = ["# Lockdown audit report", ""];
  const facts = [
    meta.scanId ? `Scan ${mdCode(meta.scanId)}${meta.scanLabel ? ` (${mdText(meta.scanLabel)})` : ""}` : undefined,
    `generated ${mdText(report.generatedAt)}`,
    report.capturedAt ? `estate captured ${mdText(report.capturedAt)}` : undefined,
  ].filter(Boolean);
  out.push(facts.join(" · "), "", `Scope: ${mdText(meta.scope ?? reportScope(report))}`, "");
  if (meta.filters) out.push(`Filtered view: ${mdText(meta.filters)}`, "");

  out.push("## Summary", "", "| Subnets | Fail | Warn | Pass | Unscoped |", "|---:|---:|---:|---:|---:|");
  out.push(`| ${s.subnets} | ${s.fail} | ${s.warn} | ${s.pass} | ${s.unscoped} |`, "");

  if (report.errors?.length) {
    out.push("## Read errors", "", "Part of the estate could not be read; what was read is audited.", "");
    for (const e of report.errors) out.push(`- ${mdLine(`${e.subscription}: ${e.operation}: ${e.code}: ${e.message}`)}`);
    out.push("");
  }
  if (report.notes?.length) out.push("## About this read", "", ...report.notes.map((n) => `- ${mdLine(n)}`), "");
  out.push(...deploymentsSection(report), ...gapsSection(report.gaps));

  const withDeployment = report.subnets.some((x) => x.deployment);
  out.push("## Subnets", "");
  out.push(
    ...table(
      ["Status", "Subnet", "VNet", "Role", ...(withDeployment ? ["Deployment"] : []), "Not passing"],
      report.subnets.map((subnet) => [
        subnet.status,
        cell(subnet.name),
        cell(subnet.vnet),
        subnet.role ? ROLE_LABELS[subnet.role] : "—",
        ...(withDeployment ? [cell(subnet.deployment)] : []),
        cell(failingRules(subnet).join(", ")),
      ]),
    ),
  );

  // Subnets in a role get their path (outbound, routes) even when every finding passes: that is the evidence they pass.
  const detailed = report.subnets.filter((subnet) => subnet.role || subnet.findings.some((f) => f.status !== "pass"));
  if (detailed.length) out.push("## Subnets in detail", "");
  for (const subnet of detailed) {
    out.push(`### ${mdText(`${subnet.vnet}/${subnet.name}`)} — ${subnet.status} (${roleText(subnet)})`, "");
    out.push(mdCode(subnet.id), "");
    out.push(...subnetPath(subnet));
    for (const f of subnet.findings.filter((x) => x.status !== "pass")) out.push(...findingSection(f, meta));
    const passing = subnet.findings.filter((x) => x.status === "pass");
    if (passing.length) out.push(`Passing: ${mdText(passing.map((x) => x.rule).join(", "))}`, "");
    out.push(...passingNotes(passing));
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}

/**
 * What a passing finding's detail adds after "Note:" (a learned route could change the verdict, an assumption about tag
 * prefixes): the pass rests on it, so it is printed once per note with the rules it concerns, not left to the JSON.
 */
function passingNotes(passing: readonly Finding[]): string[] {
  const rules = new Map<string, string[]>();
  for (const f of passing) {
    const at = f.detail.indexOf(" Note: ");
    if (at < 0) continue;
    const note = f.detail.slice(at + " Note: ".length).trim();
    rules.set(note, [...(rules.get(note) ?? []), f.rule]);
  }
  return [...rules].flatMap(([note, on]) => [`Note on passing ${mdText(on.join(", "))}: ${mdText(note)}`, ""]);
}
