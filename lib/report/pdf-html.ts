// The PDF report as HTML, in the order an auditor reads it: summary and scope; every failing and warning finding in full
// (detail, requirement, the evidence of each path stage, the az CLI fix), a finding repeated on many subnets but for
// their own names printed once with the subnets it applies to (lib/report/pdf-groups.ts); passing checks as one compact
// table; an appendix of inputs, input gaps and what was not audited. lib/report/pdf.ts prints it with Chromium.
// Every name comes from an uploaded snapshot (untrusted): all text goes through esc(), and the page is printed with
// JavaScript off and the network refused, so nothing in a name can run or fetch.
import { evidenceStage } from "./types";
import type {
  AdminRuleEvidence,
  Evidence,
  FirewallEvidence,
  Finding,
  FindingStatus,
  NsgEvidence,
  OutboundEvidence,
  Report,
  RouteEvidence,
  SubnetReport,
  SubnetStatus,
} from "./types";
import { STAGE_LABEL, absoluteLink, codeParts, fixPresentation, nextHopText, outboundLabel, reportScope, resourceName } from "./meta";
import type { ReportMeta } from "./meta";
import { groupOpenFindings, printedFix } from "./pdf-groups";
import type { FindingGroup, Template } from "./pdf-groups";
import { DEPLOYMENT_COLUMNS, deploymentNamed } from "./deployment-columns";
import { gapsConsequence, missingList } from "./gap-kinds";

/** The fonts the PDF embeds (Debian `fonts-dejavu-core`): arrows, Greek, Cyrillic and most Latin scripts. */
export const PDF_FONT_FAMILY = `"DejaVu Sans", "Noto Sans", sans-serif`;
export const PDF_MONO_FONT_FAMILY = `"DejaVu Sans Mono", "Noto Sans Mono", monospace`;

const ROLE_LABELS: Record<string, string> = { cyclecloud: "CycleCloud", cluster: "Cluster", returnProxy: "Return proxy" };
const OPEN: ReadonlySet<FindingStatus> = new Set(["fail", "warn"]);

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text as HTML text or attribute value; C0 controls (but tab and newline) become U+FFFD so a name cannot hide text. */
export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "\ufffd");
}

/** A gap's "what to add" as HTML: its code spans (codeParts) as code, the rest as text, every part escaped. */
export function codeSpans(value: string): string {
  return codeParts(value)
    .map((p) => (p.code ? `<code>${esc(p.text)}</code>` : esc(p.text)))
    .join("");
}

/** Text as HTML element content only (quotes stay as they are: fix code is full of them, and this is most of the bytes). */
function escText(value: string): string {
  return value
    .replace(/[&<>]/g, (c) => HTML_ESCAPES[c])
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "\ufffd");
}

/** Only http(s) and site-relative links become hyperlinks; anything else (javascript:, data:) stays text. */
function safeHref(link: string, baseUrl?: string): string | undefined {
  const url = absoluteLink(link, baseUrl);
  return /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : undefined;
}

const roleLabel = (role: SubnetReport["role"]) => (role ? ROLE_LABELS[role] ?? role : "No role");
const badge = (status: FindingStatus | SubnetStatus) => `<span class="b ${status}">${status.toUpperCase()}</span>`;
const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** `key value` pairs of one evidence entry, in the stage's own field order (CONTRACT §3, §4.1); empty values left out. */
export function evidenceFields(e: Evidence): [string, string][] {
  const pairs: [string, string | number | undefined | null][] = [];
  switch (evidenceStage(e)) {
    case "admin-rule": {
      const a = e as AdminRuleEvidence;
      pairs.push(
        ["Network manager", resourceName(a.networkManager)],
        ["Configuration", a.configuration],
        ["Collection", a.collection],
        ["Rule", a.rule],
        ["Priority", a.priority],
        ["Access", a.access],
        ["Direction", a.direction],
      );
      break;
    }
    case "route": {
      const r = e as RouteEvidence;
      pairs.push(
        ["Route table", r.routeTable ? resourceName(r.routeTable) : "system route"],
        ["Route", r.route],
        ["Address prefix", r.addressPrefix],
        ["Next hop type", r.nextHopType],
        ["Next hop IP", r.nextHopIpAddress],
        ["Next hop", r.nextHop ? nextHopText(r.nextHop) : undefined],
        ["Source", r.source],
      );
      break;
    }
    case "firewall": {
      const f = e as FirewallEvidence;
      pairs.push(
        ["Firewall", resourceName(f.firewall)],
        ["Policy", f.policy ? resourceName(f.policy) : undefined],
        ["Rule collection group", f.ruleCollectionGroup],
        ["Rule collection", f.ruleCollection],
        ["Rule", f.rule ?? "none matched (Azure Firewall denies by default)"],
        ["Action", f.action],
        ["Kind", f.kind],
        ["FQDN", f.fqdn],
      );
      break;
    }
    case "outbound": {
      const o = e as OutboundEvidence;
      pairs.push(["Method", outboundLabel(o.method)], ["Resource", o.resource ? resourceName(o.resource) : undefined], ["Detail", o.detail]);
      break;
    }
    default: {
      const n = e as NsgEvidence;
      pairs.push(
        ["NSG", resourceName(n.nsg)],
        ["Rule", n.isDefault ? `${n.rule} (default rule)` : n.rule],
        ["Priority", n.priority],
        ["Access", n.access],
        ["Direction", n.direction],
        ["Level", n.level === "nic" ? `NIC${n.nic ? ` ${resourceName(n.nic)}` : ""}` : n.level],
      );
    }
  }
  return pairs.filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== null && p[1] !== "").map(([k, v]) => [k, String(v)]);
}

/** A template as HTML: literal text escaped, slots as ‹label› (values listed in the subnet table under the group). */
function templateHtml(t: Template, fixed: ReadonlyMap<string, string>, varying: ReadonlySet<string>, text: (value: string) => string = esc): string {
  return t
    .map((p) => {
      if (typeof p === "string") return text(p);
      // A slot whose value is the same on every subnet of the group is printed as that value.
      if (!varying.has(p.slot)) return text(fixed.get(p.slot) ?? "");
      return `<span class="ph">‹${esc(p.slot)}›</span>`;
    })
    .join("");
}

function evidenceTable(g: FindingGroup, fixed: ReadonlyMap<string, string>, varying: ReadonlySet<string>): string {
  if (!g.evidence.length) return "";
  const rows = g.evidence.map((e, i) => {
    const fields = e.fields.map(([k, v]) => `<span class="k">${esc(k)}</span> ${templateHtml(v, fixed, varying)}`).join(" · ");
    return `<tr><td>${i + 1}</td><td>${esc(STAGE_LABEL[e.stage])}</td><td class="${/deny/i.test(e.decision) ? "deny" : ""}">${esc(e.decision)}</td><td>${fields}</td></tr>`;
  });
  return `<table class="ev"><thead><tr><th>#</th><th>Stage</th><th>Decision</th><th>What decided, along the path</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const subnetLabel = (s: SubnetReport) => `${s.vnet}/${s.name}`;

function findingHref(f: Finding, meta: ReportMeta): string | undefined {
  return f.link ? safeHref(f.link, meta.baseUrl) : undefined;
}

/** A subnet's own facts in one line (subscription, resource group, deployment, prefixes, NSG, route table, outbound). */
function subnetFacts(s: SubnetReport): string {
  const subscription = s.subscriptionId ?? /\/subscriptions\/([^/]+)/i.exec(s.id)?.[1];
  const resourceGroup = s.resourceGroup ?? /\/resourceGroups\/([^/]+)/i.exec(s.id)?.[1];
  const facts = [
    subscription ? `Subscription ${subscription}` : undefined,
    resourceGroup ? `resource group ${resourceGroup}` : undefined,
    s.deployment ? `deployment ${s.deployment}` : undefined,
    s.addressPrefixes?.length ? `prefixes ${s.addressPrefixes.join(", ")}` : undefined,
    s.nsg !== undefined ? `NSG ${s.nsg ? resourceName(s.nsg) : "none"}` : undefined,
    s.routeTable !== undefined ? `route table ${s.routeTable ? resourceName(s.routeTable) : "none"}` : undefined,
    s.serviceEndpoints !== undefined ? `service endpoints ${s.serviceEndpoints.join(", ") || "none"}` : undefined,
    s.outbound ? `outbound ${outboundLabel(s.outbound.method)}${s.outbound.resource ? ` ${resourceName(s.outbound.resource)}` : ""}` : undefined,
  ].filter(Boolean);
  return facts.length ? `<p class="m">${esc(facts.join(" · "))}</p>` : "";
}

/** The problem once: heading, detail, requirement, evidence, the printed fix and which other fix kinds exist. */
function groupBlock(g: FindingGroup, meta: ReportMeta): string {
  const fixed = g.members[0].values;
  const varying = new Set(g.varying);
  const n = g.members.length;
  const where =
    n === 1
      ? `${esc(subnetLabel(g.members[0].subnet))} <span class="m">${esc(roleLabel(g.members[0].subnet.role))}</span>`
      : `<span class="m">on ${plural(n, "subnet")}${varying.size ? `; ‹…› is each subnet's own value (table below)` : ""}</span>`;
  const facts = n === 1 ? subnetFacts(g.members[0].subnet) : "";
  const out = [`<div class="f ${g.status}"><h4>${badge(g.status)} ${esc(g.rule)}: ${esc(g.title)}</h4><p class="w">${where}</p>${facts}<p>${templateHtml(g.detail, fixed, varying)}</p>`];
  if (g.requirement) out.push(`<p class="m">Requirement: ${esc(g.requirement)}</p>`);
  out.push(evidenceTable(g, fixed, varying));
  if (g.fix) {
    const shown = fixPresentation(g.fix.kind, g.rule);
    out.push(`<div class="fix"><div class="fl">Fix · ${esc(shown.label)}</div><pre class="${shown.monospace ? "code" : "text"}">${templateHtml(g.fix.text, fixed, varying, escText)}</pre></div>`);
  }
  // CC-GITHUB-STAGING's portal and shell kinds are both "Shell on the CycleCloud VM": name each label once.
  const printedLabel = g.fix ? fixPresentation(g.fix.kind, g.rule).label : undefined;
  const labels = [...new Set(g.otherFixKinds.map((k) => fixPresentation(k, g.rule).label))].filter((l) => l !== printedLabel);
  if (labels.length) {
    out.push(`<p class="m">Also as ${esc(labels.join(", "))}: on the finding's page and in the JSON and Markdown exports.</p>`);
  }
  // The reason is a sentence of its own (capitalised): after a full stop, as the Markdown and the dashboard say it.
  if (g.noFixReason) out.push(`<p class="m">No fix offered. ${templateHtml(g.noFixReason, fixed, varying)}</p>`);
  if (n === 1) {
    const href = findingHref(g.members[0].finding, meta);
    if (href) out.push(`<p class="lk"><a href="${esc(href)}">${esc(href)}</a></p>`);
  }
  out.push("</div>");
  return out.join("");
}

/** The subnets of a group with their own value of every varying slot and their finding's page, as whole tables. */
function memberTables(g: FindingGroup, meta: ReportMeta): string[] {
  if (g.members.length === 1) return [];
  const columns = g.varying.filter((slot) => slot !== "subnet" && slot !== "VNet");
  const deployments = new Set(g.members.map((m) => m.subnet.deployment ?? ""));
  const showDeployment = deployments.size > 1;
  const showChange = g.members.some((m) => m.finding.change);
  const head = `<table class="t mem"><thead><tr><th>Subnet</th>${showDeployment ? "<th>Deployment</th>" : ""}${columns.map((c) => `<th>${esc(c)}</th>`).join("")}${showChange ? "<th>Change</th>" : ""}<th>Finding</th></tr></thead><tbody>`;
  const rows = g.members.map((m) => {
    const href = findingHref(m.finding, meta);
    const id = m.finding.id ?? resourceName(m.finding.link);
    return `<tr><td>${esc(subnetLabel(m.subnet))}</td>${showDeployment ? `<td>${esc(m.subnet.deployment ?? "")}</td>` : ""}${columns.map((c) => `<td>${esc(m.values.get(c) ?? "")}</td>`).join("")}${
      showChange ? `<td>${esc(m.finding.change ?? "")}</td>` : ""
    }<td class="id">${href ? `<a href="${esc(href)}">${esc(id)}</a>` : esc(id)}</td></tr>`;
  });
  return tableBlocks("", head, rows);
}

function openSection(report: Report, meta: ReportMeta): string[] {
  const withWork = report.subnets.filter((s) => s.findings.some((f) => OPEN.has(f.status)));
  const head = `<h2 id="open">Findings that need work</h2>`;
  if (!withWork.length) return [`${head}<p>No finding fails or warns.</p>`];
  const groups = groupOpenFindings(withWork, evidenceFields);
  const findings = groups.reduce((n, g) => n + g.members.length, 0);
  const blocks = [
    `${head}<p class="m">${plural(findings, "finding")} on ${plural(withWork.length, "subnet")}, as ${plural(groups.length, "distinct problem")}: a finding that is the same on several subnets but for their own names (subnet, VNet, resource group, subscription, address prefixes, NSG, route table, NICs) is printed once, with the subnets it applies to and each one's values. Each comes with what decided it at every stage of the path and the fix the audit verified (applied to a copy of the estate and re-audited to pass), as az CLI, or portal steps where az CLI has no form; PowerShell, Bicep, Terraform and portal steps of every finding are on its page (the link in its row) and in the JSON and Markdown exports.</p>`,
  ];
  for (const g of groups) {
    const tables = memberTables(g, meta);
    blocks.push(groupBlock(g, meta) + (tables[0] ?? ""), ...tables.slice(1));
  }
  return blocks;
}

function rulesList(findings: Finding[], status: FindingStatus): string {
  return findings
    .filter((f) => f.status === status)
    .map((f) => f.rule)
    .join(", ");
}

/** Rule ids one per line (a rule id must not break at its hyphens), or "–". */
const ruleLines = (rules: string) => (rules ? rules.split(", ").map(esc).join("<br>") : "–");

const PASSING_HEAD = `<table class="t pass"><thead><tr><th>Role</th><th>Passed</th><th>Info</th><th>Subnets</th></tr></thead><tbody>`;

/**
 * The passing checks as one compact table: a row per distinct (role, checks passed, info checks), with the subnets
 * that share it, so a thousand subnets built alike take a few rows, not a thousand.
 */
function passingSection(report: Report): string[] {
  const audited = report.subnets.filter((s) => s.findings.length > 0);
  const head = `<h2 id="passing">Checks that passed</h2>`;
  if (!audited.length) return [`${head}<p>No subnet was in a role, so no check ran.</p>`];
  const intro = `${head}<p class="m">Every audited subnet with the checks it passed, subnets with the same role and the same checks passed on one row; <i>info</i> checks are not required with this profile and say whether the flow is open. The evidence of each is in the JSON export and behind its link.</p>`;
  const rows = new Map<string, { role: SubnetReport["role"]; pass: string; info: string; subnets: string[] }>();
  for (const s of audited) {
    const pass = rulesList(s.findings, "pass");
    const info = rulesList(s.findings, "info");
    const key = JSON.stringify([s.role, pass, info]);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { role: s.role, pass, info, subnets: [] }));
    row.subnets.push(`${s.vnet}/${s.name}`);
  }
  const html = [...rows.values()].map(
    (r) =>
      `<tr><td>${esc(roleLabel(r.role))}</td><td>${ruleLines(r.pass)}</td><td>${ruleLines(r.info)}</td><td><b>${r.subnets.length.toLocaleString("en-US")}</b>: ${r.subnets
        .map((n) => `<span>${esc(n)}</span>`)
        .join(", ")}</td></tr>`,
  );
  return tableBlocks(intro, PASSING_HEAD, html);
}

const ROWS_PER_BLOCK = 400;

/** Rows grouped into whole tables of ROWS_PER_BLOCK; the first carries the intro. */
function tableBlocks(intro: string, head: string, rows: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_BLOCK) {
    out.push(`${i === 0 ? intro : ""}${head}${rows.slice(i, i + ROWS_PER_BLOCK).join("")}</tbody></table>`);
  }
  return out;
}

function exemptSection(report: Report): string {
  const rows: string[] = [];
  for (const s of report.subnets) {
    for (const f of s.findings) {
      if (f.status !== "exempt") continue;
      const x = f.exemption;
      rows.push(
        `<tr><td>${esc(`${s.vnet}/${s.name}`)}</td><td>${esc(f.rule)}</td><td>${esc(f.verdict ?? "")}</td><td>${esc(x?.owner ?? "")}</td><td>${esc(x?.expires ?? "")}</td><td>${esc(x?.reason ?? "")}</td></tr>`,
      );
    }
  }
  if (!rows.length) return "";
  return `<h2 id="exempt">Accepted risks (exempt findings)</h2><table class="t"><thead><tr><th>Subnet</th><th>Rule</th><th>Verdict</th><th>Owner</th><th>Expires</th><th>Reason</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function ruleCounts(report: Report): string {
  const byRule = new Map<string, { title: string; fail: number; warn: number; pass: number; info: number; exempt: number }>();
  for (const s of report.subnets) {
    for (const f of s.findings) {
      let row = byRule.get(f.rule);
      if (!row) byRule.set(f.rule, (row = { title: f.title, fail: 0, warn: 0, pass: 0, info: 0, exempt: 0 }));
      row[f.status] += 1;
    }
  }
  if (!byRule.size) return "";
  const rows = [...byRule.entries()]
    .sort((a, b) => b[1].fail - a[1].fail || b[1].warn - a[1].warn || a[0].localeCompare(b[0]))
    .map(([rule, r]) => `<tr><td>${esc(rule)}</td><td>${esc(r.title)}</td><td class="n fail">${r.fail}</td><td class="n warn">${r.warn}</td><td class="n">${r.pass}</td><td class="n">${r.info}</td><td class="n">${r.exempt}</td></tr>`);
  return `<h3>Findings by rule</h3><table class="t"><thead><tr><th>Rule</th><th>Check</th><th>Fail</th><th>Warn</th><th>Pass</th><th>Info</th><th>Exempt</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function summarySection(report: Report, meta: ReportMeta): string {
  const s = report.summary;
  const facts: [string, string | undefined][] = [
    ["Scope", meta.scope ?? reportScope(report)],
    ["Scan", meta.scanId ? `${meta.scanId}${meta.scanLabel ? ` – ${meta.scanLabel}` : ""}` : undefined],
    ["Generated", report.generatedAt],
    ["Estate captured", report.capturedAt],
    ["Inputs", report.sources?.join(", ")],
    ["Filtered view", meta.filters],
  ];
  const boxes: [string, number | undefined][] = [
    ["Fail", s.fail],
    ["Warn", s.warn],
    ["Pass", s.pass],
    ["Unscoped", s.unscoped],
  ];
  const out = [
    `<h1>Lockdown audit report</h1><p class="sub">Azure network against the Azure CycleCloud locked-down network requirements</p>`,
    `<table class="facts">${facts
      .filter(([, v]) => v)
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
      .join("")}</table>`,
    `<div class="boxes">${boxes.map(([k, n]) => `<div class="box ${k.toLowerCase()}"><b>${(n ?? 0).toLocaleString("en-US")}</b>${esc(k)} subnets</div>`).join("")}${
      s.exempt ? `<div class="box exempt"><b>${s.exempt.toLocaleString("en-US")}</b>Exempt findings</div>` : ""
    }</div>`,
    `<p class="m">${plural(s.subnets, "subnet")} read; a subnet's status is the worst of its findings (info never raises it). Unscoped subnets are in no role of the profile and were not audited (appendix C).</p>`,
  ];
  if (report.errors?.length) {
    out.push(
      `<div class="alert"><b>Part of the estate could not be read.</b> What was read is audited; these reads failed:<ul>${report.errors
        .map((e) => `<li>${esc(`${e.subscription}: ${e.operation}: ${e.code}: ${e.message}`)}</li>`)
        .join("")}</ul></div>`,
    );
  }
  if (report.notes?.length) out.push(`<div class="alert">${report.notes.map((n) => `<p>${esc(n)}</p>`).join("")}</div>`);
  if (report.deployments?.length) {
    out.push(
      // The Markdown export's columns (lib/report/deployment-columns.ts); the cluster column counts subnets, which run to hundreds.
      `<h3>Deployments in scope</h3><table class="t"><thead><tr>${DEPLOYMENT_COLUMNS.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${report.deployments
        .map((d) => {
          const named = deploymentNamed(d);
          const cells = [d.name, d.cyclecloud.join(", "), String(d.cluster.length), d.returnProxy.join(", "), named.server, named.proxy, named.storageAccount];
          return `<tr>${cells.map((c) => `<td>${esc(c || "–")}</td>`).join("")}</tr>`;
        })
        .join("")}</tbody></table>`,
    );
  }
  out.push(ruleCounts(report));
  return out.join("");
}

function appendix(report: Report, meta: ReportMeta): string[] {
  const out = [`<h2 id="appendix">Appendix</h2><h3>A. Inputs</h3><table class="facts">`];
  const inputs: [string, string | undefined][] = [
    ["Files", report.sources?.join(", ") || "not recorded"],
    ["Estate captured", report.capturedAt ?? "not recorded"],
    ["Report generated", report.generatedAt],
    ["Scan", meta.scanId],
    ["Baseline", report.baseline ? `${report.baseline.file ?? ""} ${report.baseline.generatedAt ?? ""} – new ${report.baseline.new}, worse ${report.baseline.worse}, same ${report.baseline.same}, better ${report.baseline.better}, gone ${report.baseline.gone}` : undefined],
  ];
  for (const [k, v] of inputs) if (v) out.push(`<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`);
  out.push(`</table>`);

  const gaps = report.gaps;
  out.push(`<h3>B. What the input held that was not read, or referred to but did not hold</h3>`);
  if (!gaps) out.push(`<p class="m">Not recorded for this report.</p>`);
  else {
    out.push(
      gaps.ignoredTypes.length
        ? `<table class="t"><thead><tr><th>Ignored resource type</th><th>Count</th></tr></thead><tbody>${gaps.ignoredTypes.map((t) => `<tr><td>${esc(t.type)}</td><td class="n">${t.count}</td></tr>`).join("")}</tbody></table>`
        : `<p class="m">No resource type was ignored.</p>`,
      gaps.unresolved.length
        ? `<p>${esc(gapsConsequence(gaps.unresolved))}</p><table class="t"><thead><tr><th>Referred from</th><th>Kind</th><th>Not in the input</th><th>What to add</th></tr></thead><tbody>${gaps.unresolved
            .map((u) => `<tr><td>${esc(resourceName(u.from))}</td><td>${esc(u.kind)}</td><td class="id">${esc(missingList(u.kind) ?? u.ref)}</td><td>${codeSpans(u.hint)}</td></tr>`)
            .join("")}</tbody></table>`
        : `<p class="m">Every reference resolved.</p>`,
    );
  }

  const unscoped = report.subnets.filter((s) => s.findings.length === 0);
  out.push(`<h3>C. What was not audited</h3>`);
  if (report.errors?.length) out.push(`<p>${plural(report.errors.length, "read")} failed (summary): the resources behind them were not audited.</p>`);
  if (gaps?.ignoredTypes.length) out.push(`<p>Resources of the ignored types above play no part in any verdict.</p>`);
  if (meta.filters) out.push(`<p>This is a filtered view (${esc(meta.filters)}): subnets outside the filter are not in this report.</p>`);
  if (!unscoped.length) return [out.join("") + `<p>Every subnet in this report was in a role and audited.</p>`];
  out.push(`<p>${plural(unscoped.length, "subnet")} in no role of the profile, so no check ran on them:</p>`);
  const names = unscoped.map((s) => `<li>${esc(`${s.vnet}/${s.name}`)}</li>`);
  const blocks: string[] = [];
  for (let i = 0; i < names.length; i += ROWS_PER_BLOCK * 3) {
    blocks.push(`${i === 0 ? out.join("") : ""}<ul class="cols">${names.slice(i, i + ROWS_PER_BLOCK * 3).join("")}</ul>`);
  }
  return blocks;
}

const STYLE = `
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
body { font-family: ${PDF_FONT_FAMILY}; font-size: 8.5pt; line-height: 1.35; color: #0f172a; margin: 0; }
h1 { font-size: 22pt; margin: 0 0 2pt; } .sub { color: #475569; font-size: 11pt; margin: 0 0 12pt; }
h2 { font-size: 14pt; margin: 16pt 0 6pt; break-before: page; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; }
h4 { font-size: 9pt; margin: 0 0 2pt; break-after: avoid; }
p { margin: 0 0 3pt; } .m { color: #475569; }
.b { font-weight: bold; font-size: 7.5pt; } .b.fail, td.fail { color: #b91c1c; } .b.warn, td.warn { color: #b45309; } .b.pass { color: #15803d; }
.b.info { color: #1d4ed8; } .b.exempt { color: #6d28d9; } .b.unscoped { color: #475569; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; }
th, td { text-align: left; vertical-align: top; padding: 1.5pt 4pt; border-bottom: 0.5pt solid #e2e8f0; overflow-wrap: anywhere; }
thead th { border-bottom: 0.8pt solid #94a3b8; font-size: 7.5pt; white-space: nowrap; }
thead { display: table-header-group; } tr { break-inside: avoid; }
td.n { text-align: right; width: 34pt; } td.id { font-family: ${PDF_MONO_FONT_FAMILY}; font-size: 7pt; }
table.facts th { width: 90pt; color: #64748b; font-weight: normal; border: 0; } table.facts td { border: 0; }
.boxes { display: flex; gap: 6pt; margin: 10pt 0; }
.box { flex: 1; border: 0.8pt solid #e2e8f0; border-radius: 3pt; padding: 6pt; font-size: 7.5pt; color: #64748b; text-transform: uppercase; }
.box b { display: block; font-size: 18pt; } .box.fail b { color: #b91c1c; } .box.warn b { color: #b45309; } .box.pass b { color: #15803d; } .box.exempt b { color: #6d28d9; }
.alert { border: 0.8pt solid #b91c1c; padding: 4pt 6pt; margin: 6pt 0; }
.s { margin: 0 0 8pt; } .s > h3 { border-bottom: 0.8pt solid #cbd5e1; padding-bottom: 2pt; margin-bottom: 2pt; }
.f { border-left: 2pt solid #b45309; padding-left: 6pt; margin: 5pt 0 7pt; } .f.fail { border-color: #b91c1c; }
table.ev { font-size: 7.5pt; } table.ev td:first-child { width: 12pt; } table.ev td:nth-child(2) { width: 88pt; } table.ev td:nth-child(3) { width: 44pt; font-weight: bold; }
td.deny { color: #b91c1c; } .k { color: #64748b; }
.fix { background: #f1f5f9; padding: 3pt 5pt; margin: 3pt 0; } .fl { font-weight: bold; font-size: 7.5pt; color: #334155; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.code { font-family: ${PDF_MONO_FONT_FAMILY}; font-size: 6.8pt; line-height: 1.25; } td code { font-family: ${PDF_MONO_FONT_FAMILY}; font-size: 6.8pt; } pre.text { font-family: ${PDF_FONT_FAMILY}; font-size: 8pt; }
.lk { font-size: 7pt; } .w { margin-bottom: 2pt; } .ph { color: #7c3aed; font-style: italic; }
table.mem { font-size: 7pt; } table.mem th, table.mem td { padding: 0.5pt 4pt; } table.pass tr { break-inside: auto; } table.pass td:nth-child(-n+3) { white-space: nowrap; width: 1%; } table.pass td span { white-space: nowrap; } a { color: #1d4ed8; text-decoration: none; }
ul { margin: 2pt 0; padding-left: 12pt; } ul.cols { columns: 3; font-size: 7.5pt; }
`;

/**
 * The report as self-contained HTML documents for printing one after the other (no script, no external resource):
 * summary and scope, the failing and warning findings in full as distinct problems (lib/report/pdf-groups.ts: evidence
 * of every path stage in order, the az CLI fix, the subnets each applies to), passing checks as a compact table, exempt
 * findings, and an appendix of inputs (`sources`, `capturedAt`), input gaps (`gaps`) and what was not audited. Blocks
 * are joined until a document holds about `targetChars` of HTML.
 * NOTE: Chromium's print time grows faster than linearly with one document's length (a 1,000-subnet report of 8.7 MB
 * took 6 times as long in one document as in ten), so a large report is printed in parts and the PDFs concatenated; at
 * 400 KB a part prints in linear time, and the 1,000-subnet bench report (0.7 MB grouped) is two parts, one per renderer.
 */
export function renderPdfDocuments(report: Report, meta: ReportMeta = {}, targetChars = 400_000): string[] {
  const title = `Lockdown audit report${meta.scanId ? ` ${meta.scanId}` : ""}`;
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>`;
  // Blocks in reading order; each section's heading starts a new page (h2: break-before), so sections may share a
  // document, and a document ends only where the next block would take it past targetChars.
  const blocks = [summarySection(report, meta), ...openSection(report, meta), ...passingSection(report), exemptSection(report), ...appendix(report, meta)].filter(Boolean);
  const docs: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const block of blocks) {
    if (current.length && size + block.length > targetChars) {
      docs.push(head + current.join("") + "</body></html>");
      current = [];
      size = 0;
    }
    current.push(block);
    size += block.length;
  }
  if (current.length) docs.push(head + current.join("") + "</body></html>");
  return docs;
}

/**
 * The part of a report the PDF prints, for copying into the PDF worker (lib/report/pdf-off-thread.ts): the same report
 * without each subnet's effective routes and scale sets, without the evidence and fixes of findings that are not
 * `fail`/`warn`, and with the text of every fix the PDF does not print emptied (its kind stays: the PDF names it).
 * renderPdfDocuments gives the same documents for both; at 1,000 subnets it is 40 % less to copy.
 */
export function pdfReportInput(report: Report): Report {
  return {
    ...report,
    subnets: report.subnets.map((s) => {
      const slim: SubnetReport = {
        ...s,
        findings: s.findings.map((f) => {
          if (!OPEN.has(f.status)) return { ...f, evidence: [], fixes: [] };
          const shown = printedFix(f);
          return { ...f, fixes: f.fixes.map((x) => (x === shown ? x : { kind: x.kind, text: "" })) };
        }),
      };
      delete slim.effectiveRoutes;
      delete slim.scaleSets;
      return slim;
    }),
  };
}

/** The whole report as one HTML document (the parts of renderPdfDocuments, joined): for reading or debugging. */
export function renderPdfHtml(report: Report, meta: ReportMeta = {}): string {
  const docs = renderPdfDocuments(report, meta, Number.POSITIVE_INFINITY);
  return docs.map((d, i) => (i === 0 ? d.replace("</body></html>", "") : d.slice(d.indexOf("<body>") + 6).replace("</body></html>", ""))).join("") + "</body></html>";
}
