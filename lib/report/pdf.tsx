// The PDF an auditor files: cover (scope, date, scan id), summary, then each subnet's findings with evidence and fixes.
// Rendered on the server with @react-pdf/renderer; built-in Helvetica/Courier only, so text stays within WinAnsi.
import type * as ReactPdf from "@react-pdf/renderer";
import type { ReactNode } from "react";
import type { Finding, FindingStatus, Report, SubnetReport, SubnetStatus } from "./types";
import { failingRules } from "./filter";
import { FIX_LABELS } from "./markdown";
import { absoluteLink, describeEvidence, reportScope, resourceName } from "./meta";
import type { ReportMeta } from "./meta";

// NOTE: @react-pdf/renderer is ESM-only with "import"-only sub-exports; loading it with import() (not a static import)
// keeps it working under tsx's CommonJS transform (the CLI) as well as in Next and vitest.
function createDocument(R: typeof ReactPdf) {
  const { Document, Font, Link, Page, StyleSheet, Text, View } = R;
  // ARM ids are long words; let them break after "/" instead of overflowing the page.
  Font.registerHyphenationCallback((word) => (word.length > 40 ? word.split(/(?<=[/_.-])/) : [word]));

  const COLOURS: Record<SubnetStatus | FindingStatus, string> = {
    fail: "#b91c1c",
    warn: "#b45309",
    pass: "#15803d",
    info: "#1d4ed8",
    unscoped: "#475569",
  };
  const ROLE_LABELS: Record<string, string> = { cyclecloud: "CycleCloud", cluster: "Cluster", returnProxy: "Return proxy" };

  const styles = StyleSheet.create({
    page: { paddingTop: 40, paddingBottom: 48, paddingHorizontal: 40, fontFamily: "Helvetica", fontSize: 9, color: "#0f172a" },
    // NOTE: lineHeight sits on a body View, not the Page: inherited by the footer's render() text it makes that text vanish.
    body: { lineHeight: 1.35 },
    footer: { position: "absolute", bottom: 20, left: 40, right: 40,  flexDirection: "row", justifyContent: "space-between", fontSize: 7, color: "#64748b" },
    coverTitle: { fontSize: 26, lineHeight: 1.2, fontFamily: "Helvetica-Bold", marginTop: 120 },
    coverSub: { fontSize: 12, lineHeight: 1.3, color: "#475569", marginTop: 6, marginBottom: 36 },
    factRow: { flexDirection: "row", marginBottom: 6 },
    factKey: { width: 90, color: "#64748b" },
    factValue: { flex: 1 },
    h1: { fontSize: 16, lineHeight: 1.2, fontFamily: "Helvetica-Bold", marginBottom: 10 },
    h2: { fontSize: 12, lineHeight: 1.3, fontFamily: "Helvetica-Bold", marginTop: 4 },
    boxes: { flexDirection: "row", marginTop: 28, marginBottom: 12 },
    box: { flex: 1, borderWidth: 1, borderColor: "#e2e8f0", borderRadius: 4, padding: 10, marginRight: 8 },
    boxNumber: { fontSize: 20, lineHeight: 1.2, fontFamily: "Helvetica-Bold" },
    boxLabel: { fontSize: 8, color: "#64748b", textTransform: "uppercase" },
    tableHead: { flexDirection: "row", borderBottomWidth: 1, borderColor: "#94a3b8", paddingBottom: 3, fontFamily: "Helvetica-Bold", fontSize: 8 },
    tableRow: { flexDirection: "row", borderBottomWidth: 0.5, borderColor: "#e2e8f0", paddingVertical: 2.5 },
    subnet: { marginBottom: 14 },
    subnetHead: { borderBottomWidth: 1, borderColor: "#cbd5e1", paddingBottom: 4, marginBottom: 6 },
    muted: { color: "#64748b" },
    mono: { fontFamily: "Courier", fontSize: 7.5 },
    finding: { marginBottom: 8, paddingLeft: 8, borderLeftWidth: 2 },
    findingTitle: { fontFamily: "Helvetica-Bold", fontSize: 9.5 },
    badge: { fontFamily: "Helvetica-Bold", fontSize: 7.5 },
    fix: { marginTop: 4, backgroundColor: "#f1f5f9", padding: 5, borderRadius: 2 },
    fixLabel: { fontFamily: "Helvetica-Bold", fontSize: 7.5, color: "#334155", marginBottom: 2 },
    evidenceRow: { flexDirection: "row", fontSize: 8 },
    decisive: { fontFamily: "Helvetica-Bold" },
  });

  function Footer({ meta }: { meta: ReportMeta }) {
    return (
      <View style={styles.footer} fixed>
        <Text fixed>{`Lockdown Auditor${meta.scanId ? ` - scan ${meta.scanId}` : ""}`}</Text>
        <Text fixed render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
      </View>
    );
  }

  function ReportPage({ meta, children }: { meta: ReportMeta; children: ReactNode }) {
    return (
      <Page size="A4" style={styles.page}>
        <View style={styles.body}>{children}</View>
        <Footer meta={meta} />
      </Page>
    );
  }

  function Fact({ name, value }: { name: string; value: string }) {
    return (
      <View style={styles.factRow}>
        <Text style={styles.factKey}>{name}</Text>
        <Text style={styles.factValue}>{value}</Text>
      </View>
    );
  }

  function Cover({ report, meta }: { report: Report; meta: ReportMeta }) {
    const s = report.summary;
    const boxes: [string, number, string][] = [
      ["Fail", s.fail, COLOURS.fail],
      ["Warn", s.warn, COLOURS.warn],
      ["Pass", s.pass, COLOURS.pass],
      ["Unscoped", s.unscoped, COLOURS.unscoped],
    ];
    return (
      <ReportPage meta={meta}>
        <Text style={styles.coverTitle}>Lockdown audit report</Text>
        <Text style={styles.coverSub}>Azure network against the Azure CycleCloud locked-down network requirements</Text>
        <Fact name="Scope" value={meta.scope ?? reportScope(report)} />
        {meta.scanId ? <Fact name="Scan" value={`${meta.scanId}${meta.scanLabel ? ` - ${meta.scanLabel}` : ""}`} /> : null}
        <Fact name="Generated" value={report.generatedAt} />
        {report.capturedAt ? <Fact name="Captured" value={report.capturedAt} /> : null}
        {report.sources?.length ? <Fact name="Sources" value={report.sources.join(", ")} /> : null}
        {meta.filters ? <Fact name="Filtered view" value={meta.filters} /> : null}
        <View style={styles.boxes}>
          {boxes.map(([label, n, colour]) => (
            <View key={label} style={styles.box}>
              <Text style={[styles.boxNumber, { color: colour }]}>{String(n)}</Text>
              <Text style={styles.boxLabel}>{label}</Text>
            </View>
          ))}
        </View>
        <Text style={styles.muted}>{`${s.subnets} subnets audited. A subnet's status is the worst of its findings.`}</Text>
        {report.errors?.length ? (
          <View style={{ marginTop: 16 }}>
            <Text style={[styles.h2, { color: COLOURS.fail }]}>Part of the estate could not be read</Text>
            {report.errors.map((e, i) => (
              <Text key={i}>{`${e.subscription}: ${e.operation}: ${e.code}: ${e.message}`}</Text>
            ))}
          </View>
        ) : null}
      </ReportPage>
    );
  }

  const COLUMNS = { status: 52, name: 120, vnet: 110, role: 70 };

  function SummaryTable({ report, meta }: { report: Report; meta: ReportMeta }) {
    return (
      <>
        {chunks(report.subnets, SUMMARY_ROWS_PER_PAGE).map((rows, page) => (
          <ReportPage key={page} meta={meta}>
            <Text style={styles.h1}>{page === 0 ? "Summary" : "Summary (continued)"}</Text>
            <View style={styles.tableHead}>
              <Text style={{ width: COLUMNS.status }}>Status</Text>
              <Text style={{ width: COLUMNS.name }}>Subnet</Text>
              <Text style={{ width: COLUMNS.vnet }}>VNet</Text>
              <Text style={{ width: COLUMNS.role }}>Role</Text>
              <Text style={{ flex: 1 }}>Not passing</Text>
            </View>
            {rows.map((subnet) => (
              <View key={subnet.id} style={styles.tableRow} wrap={false}>
                <Text style={[styles.badge, { width: COLUMNS.status, color: COLOURS[subnet.status] }]}>{subnet.status.toUpperCase()}</Text>
                <Text style={{ width: COLUMNS.name }}>{subnet.name}</Text>
                <Text style={{ width: COLUMNS.vnet }}>{subnet.vnet}</Text>
                <Text style={{ width: COLUMNS.role }}>{subnet.role ? ROLE_LABELS[subnet.role] : "-"}</Text>
                <Text style={{ flex: 1 }}>{failingRules(subnet).join(", ") || "-"}</Text>
              </View>
            ))}
          </ReportPage>
        ))}
      </>
    );
  }

  function FindingBlock({ finding, meta }: { finding: Finding; meta: ReportMeta }) {
    const colour = COLOURS[finding.status];
    return (
      <View style={[styles.finding, { borderColor: colour }]}>
        <View wrap={false}>
          <Text style={styles.findingTitle}>
            <Text style={{ color: colour }}>{`${finding.status.toUpperCase()}  `}</Text>
            {`${finding.rule}: ${finding.title}`}
          </Text>
          <Text>{finding.detail}</Text>
          {finding.requirement ? <Text style={styles.muted}>{`Requirement: ${finding.requirement}`}</Text> : null}
        </View>
        {finding.evidence.length ? (
          <View style={{ marginTop: 3 }}>
            <Text style={styles.fixLabel}>Evidence (NSG rules in evaluation order)</Text>
            {finding.evidence.map((e, i) => (
              <View key={i} style={styles.evidenceRow} wrap={false}>
                <Text style={e.access === "Deny" ? [styles.decisive, { color: COLOURS.fail }] : styles.decisive}>{`${e.access}  `}</Text>
                <Text style={{ flex: 1 }}>{describeEvidence(e)}</Text>
              </View>
            ))}
          </View>
        ) : null}
        {pdfFixes(finding).map((fix) => (
          <View key={fix.kind} style={styles.fix}>
            <Text style={styles.fixLabel}>{`Fix - ${FIX_LABELS[fix.kind]}`}</Text>
            <Text style={fix.kind === "portal" ? undefined : styles.mono}>{fix.kind === "portal" ? fix.text : keepIndent(fix.text)}</Text>
          </View>
        ))}
        {finding.link ? (
          <Link src={absoluteLink(finding.link, meta.baseUrl)} style={{ fontSize: 7.5, marginTop: 2, color: "#1d4ed8" }}>
            {absoluteLink(finding.link, meta.baseUrl)}
          </Link>
        ) : null}
      </View>
    );
  }

  function SubnetBlock({ subnet, meta }: { subnet: SubnetReport; meta: ReportMeta }) {
    const open = subnet.findings.filter((f) => f.status !== "pass");
    const passing = subnet.findings.filter((f) => f.status === "pass");
    const facts = [
      subnet.addressPrefixes?.length ? `Prefixes ${subnet.addressPrefixes.join(", ")}` : undefined,
      subnet.nsg !== undefined ? `NSG ${subnet.nsg ? resourceName(subnet.nsg) : "none"}` : undefined,
      subnet.routeTable !== undefined ? `Route table ${subnet.routeTable ? resourceName(subnet.routeTable) : "none"}` : undefined,
      subnet.serviceEndpoints !== undefined ? `Service endpoints ${subnet.serviceEndpoints.join(", ") || "none"}` : undefined,
    ].filter(Boolean);
    return (
      <View style={styles.subnet}>
        <View style={styles.subnetHead} wrap={false} minPresenceAhead={60}>
          <Text style={styles.h2}>
            <Text style={{ color: COLOURS[subnet.status] }}>{`${subnet.status.toUpperCase()}  `}</Text>
            {`${subnet.vnet}/${subnet.name}`}
            <Text style={styles.muted}>{`  ${subnet.role ? ROLE_LABELS[subnet.role] : "No role"}`}</Text>
          </Text>
          <Text style={styles.muted}>{armScope(subnet.id)}</Text>
          {facts.length ? <Text style={styles.muted}>{facts.join("  |  ")}</Text> : null}
        </View>
        {open.map((f) => (
          <FindingBlock key={f.rule} finding={f} meta={meta} />
        ))}
        {passing.length ? (
          <Text style={{ color: COLOURS.pass }}>{`Passing: ${passing.map((f) => f.rule).join(", ")}`}</Text>
        ) : null}
      </View>
    );
  }

  function ReportDocument({ report, meta }: { report: Report; meta: ReportMeta }) {
    const audited = report.subnets.filter((s) => s.findings.length > 0);
    return (
      <Document title={`Lockdown audit report${meta.scanId ? ` ${meta.scanId}` : ""}`} author="Lockdown Auditor" creator="Lockdown Auditor">
        <Cover report={report} meta={meta} />
        <SummaryTable report={report} meta={meta} />
        {chunks(audited, SUBNETS_PER_PAGE_GROUP).map((group, i) => (
          <ReportPage key={i} meta={meta}>
            {i === 0 ? <Text style={styles.h1}>Findings by subnet</Text> : null}
            {group.map((subnet) => (
              <SubnetBlock key={subnet.id} subnet={subnet} meta={meta} />
            ))}
          </ReportPage>
        ))}
      </Document>
    );
  }

  return ReportDocument;
}

// NOTE: react-pdf lays out each <Page> as one flow and re-lays out what is left at every page break, so one long
// <Page> costs quadratic time (100 subnets took 80 s). Content is therefore split over many <Page>s of bounded size:
// a summary page per SUMMARY_ROWS_PER_PAGE rows, and a new page every SUBNETS_PER_PAGE_GROUP subnets of findings.
const SUMMARY_ROWS_PER_PAGE = 48;
const SUBNETS_PER_PAGE_GROUP = 3;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The fixes printed: az CLI and portal steps for what fails or warns, guidance as it is. Bicep and Terraform stay in the
 * dashboard, JSON and Markdown behind the finding's link: printing all four made a 1,000-subnet PDF twice as long and slow.
 */
function pdfFixes(finding: Finding): Finding["fixes"] {
  if (finding.status === "pass") return [];
  const printed = finding.fixes.filter((f) => f.kind === "az-cli" || f.kind === "portal");
  return printed.length ? printed : finding.fixes.slice(0, 1);
}

/** Code keeps its indentation: leading spaces become no-break spaces, which the layout does not collapse. */
function keepIndent(text: string): string {
  return text.replace(/^ +/gm, (m) => "\u00a0".repeat(m.length));
}

/** "Subscription 0000… · resource group rg-hpc": where a subnet lives, shorter than its id, which wraps badly. */
function armScope(id: string): string {
  const sub = /\/subscriptions\/([^/]+)/i.exec(id)?.[1];
  const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];
  return [sub ? `Subscription ${sub}` : undefined, rg ? `resource group ${rg}` : undefined].filter(Boolean).join("  |  ") || id;
}

let cached: { R: typeof ReactPdf; ReportDocument: ReturnType<typeof createDocument> } | undefined;

export async function renderPdf(report: Report, meta: ReportMeta = {}): Promise<Buffer> {
  if (!cached) {
    const R = await import("@react-pdf/renderer");
    cached = { R, ReportDocument: createDocument(R) };
  }
  const { R, ReportDocument } = cached;
  return R.renderToBuffer(<ReportDocument report={report} meta={meta} />);
}
