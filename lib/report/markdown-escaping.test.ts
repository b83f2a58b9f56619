// The Markdown export is read as raw text (in pull requests, terminals) as much as rendered: names must read as
// written, with a backslash only where a character would otherwise start markup, and still render as exactly that
// text (markdown-it with raw HTML and linkify on, as in markdown.fuzz.test.ts).
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mdCell, mdLine, mdText, renderMarkdown } from "./markdown";
import { CC_SUBNET, pathSampleReport } from "./__fixtures__/sample-report";
import type { Report } from "./types";

const parser = new MarkdownIt({ html: true, linkify: true });

/** Fix texts sit in fences, where a backslash is the fix's own: leave them out when looking for escapes. */
function outsideFences(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "");
}

/** A report with the names a real estate has: ids, colons, URLs, FQDNs, underscores, ports, e-mail owners. */
function typicalReport(): Report {
  const report = pathSampleReport("/scans/s1");
  const [cc, cluster] = report.subnets;
  cc.name = "snet_cyclecloud_01";
  cluster.name = "snet-hpc_compute";
  const f = cc.findings[0];
  f.title = "CycleCloud cannot reach *.blob.core.windows.net on TCP 443";
  f.detail = "Outbound TCP 443 from 10.0.0.0/24 to Storage.WestEurope is denied by nsg-cc/Deny_All_Outbound (4000): see https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network.";
  f.requirement = "Azure CycleCloud must reach management.azure.com and login.microsoftonline.com: TCP 443.";
  f.evidence = [
    { nsg: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-cc", rule: "Deny_All_Outbound", priority: 4000, access: "Deny", direction: "Outbound", level: "subnet" },
    { stage: "firewall", firewall: "/fw/azfw-hub", policy: "/p/fwp-hub", ruleCollectionGroup: "rcg_cyclecloud", ruleCollection: "allow_azure", rule: "storage_blob", action: "Allow", kind: "application", fqdn: "*.blob.core.windows.net" },
  ];
  f.status = "exempt";
  f.verdict = "fail";
  f.exemption = { reason: "change CHG-1234: staged by hand", owner: "ops@contoso.com", expires: "2027-01-31", match: { rule: f.rule, subnet: "vnet-hub/snet_cyclecloud_01" }, verdict: "fail" };
  report.deployments = [{ name: "prod:weu", cyclecloud: ["vnet-hub/snet_cyclecloud_01"], cluster: ["vnet-hub/snet-hpc_compute"], returnProxy: [], cyclecloudServer: ["10.0.0.4"], proxy: { address: "10.0.0.5", port: 3128 } }];
  report.gaps = { ignoredTypes: [{ type: "Microsoft.Compute/virtualMachines", count: 3 }], unresolved: [{ from: CC_SUBNET, kind: "routeTable", ref: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt_spoke", hint: "add az network route-table list" }] };
  report.errors = [{ subscription: "sub:prod", operation: "networkSecurityGroups.listAll", code: "AuthorizationFailed", message: "The client has no access to /subscriptions/x." }];
  return report;
}

describe("Markdown raw text", () => {
  const md = renderMarkdown(typicalReport(), { scanId: "s1", scanLabel: "#3 weekly", baseUrl: "https://auditor.example" });

  it("has no backslash for typical names: ids with colons, URLs, FQDNs, underscores, ports", () => {
    expect(outsideFences(md)).not.toContain("\\");
    expect(md).toContain("nsg-cc/Deny_All_Outbound (4000, Deny Outbound, subnet)");
    expect(md).toContain("| prod:weu | vnet-hub/snet_cyclecloud_01 | vnet-hub/snet-hpc_compute | — | 10.0.0.4 | 10.0.0.5:3128 |");
    expect(md).toContain("| fail | snet_cyclecloud_01 | vnet-hub |");
    expect(md).toContain("| Microsoft.Compute/virtualMachines | 3 |");
    expect(md).toContain("- sub:prod: networkSecurityGroups.listAll: AuthorizationFailed: The client has no access to /subscriptions/x.");
    expect(md).toContain("Scan `s1` (#3 weekly)");
  });

  it("sets what a renderer would link as a code span, without the sentence's punctuation", () => {
    expect(md).toContain("#### EXEMPT · CC-EGRESS-STORAGE: CycleCloud cannot reach `*.blob.core.windows.net` on TCP 443");
    expect(md).toContain("see `https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network`.");
    expect(md).toContain("> Requirement: Azure CycleCloud must reach `management.azure.com` and `login.microsoftonline.com`: TCP 443.");
    expect(md).toContain("accepted by `ops@contoso.com` until 2027-01-31");
    expect(md).toContain("rcg_cyclecloud / allow_azure / storage_blob: Allow (application rule, `*.blob.core.windows.net`)");
  });

  it("renders those names as written, with no link but the finding's own and no emphasis", () => {
    const tokens = parser.parse(md, {}).flatMap((t) => [t, ...(t.children ?? [])]);
    const links = tokens.filter((t) => t.type === "link_open").map((t) => t.attrGet("href"));
    const open = typicalReport().subnets.flatMap((x) => x.findings.filter((f) => f.status !== "pass").map((f) => `https://auditor.example${f.link}`));
    expect(links).toEqual(open);
    expect(tokens.filter((t) => t.type === "em_open" || t.type === "s_open")).toEqual([]);
    const html = parser.render(md);
    expect(html).toContain("nsg-cc/Deny_All_Outbound (4000, Deny Outbound, subnet)");
    expect(html).toContain("<td>snet_cyclecloud_01</td>");
    expect(html).toContain("CycleCloud cannot reach <code>*.blob.core.windows.net</code> on TCP 443");
  });

  it("still escapes what would start markup where it stands", () => {
    expect(mdText("a*b*c")).toBe("a\\*b\\*c");
    expect(mdText("a * b")).toBe("a * b");
    expect(mdText("_x_")).toBe("\\_x\\_");
    expect(mdText("snake_case_name")).toBe("snake_case_name");
    expect(mdText("😀_x_😀")).toBe("😀\\_x\\_😀");
    expect(mdText("<b> a < 3")).toBe("\\<b> a < 3");
    expect(mdText("&amp; R&D team")).toBe("\\&amp; R&D team");
    expect(mdText("C:\\temp and a\\*")).toBe("C:\\temp and a\\\\\\*");
    expect(mdText("[x](y) !img")).toBe("\\[x](y) !img");
    expect(mdText("a|b")).toBe("a|b");
    expect(mdCell("a|b")).toBe("a\\|b");
    expect(mdText("issue #3 and C#")).toBe("issue #3 and C#");
    expect(mdText("ends with #")).toBe("ends with \\#");
    expect(mdLine("- item")).toBe("\\- item");
    expect(mdLine("-Outbound")).toBe("-Outbound");
    expect(mdLine("# title")).toBe("\\# title");
    expect(mdLine("1. one")).toBe("1\\. one");
    expect(mdLine("10.0.0.0/24 denied")).toBe("10.0.0.0/24 denied");
    expect(mdLine("=HYPERLINK")).toBe("=HYPERLINK");
    expect(mdLine("===")).toBe("\\===");
    expect(mdText("(see https://x.example/a_b.)")).toBe("(see `https://x.example/a_b`.)");
    expect(mdText("@team")).toBe("`@team`");
  });
});

const PIECES = ["\u202e", "\u2066", "\u200f", "*", "**", "_", "__", "~", "~~", "`", "``", "```", "[", "]", "(", ")", "<", ">", "!", "&", "&amp;", "&#60;", "#", "|", "\\", ":", "/", ".", "@", "a", "Z", "1", " ", "é", "😀", ";", "=", "-", "+", "http://", "www.", ".com", "a.io", "<a ", "</", "x@y.org", "1. ", "- ", "> ", "\n", "\u0000"];
const hostile = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((xs) => xs.join(""));

/** What a piece of text should read as: line breaks and control characters are spaces. */
const shown = (s: string) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, " ");

/** The text of an inline token's children, and the markup (other than text) it holds. */
function inlineOf(token: Token): { text: string; markup: string[] } {
  const children = token.children ?? [];
  return {
    text: children.filter((c) => c.type === "text" || c.type === "text_special" || c.type === "code_inline").map((c) => c.content).join(""),
    markup: children.filter((c) => !["text", "text_special", "code_inline"].includes(c.type)).map((c) => c.type),
  };
}

describe("Markdown bidirectional controls", () => {
  const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
  it("shows a name with bidi overrides or isolates in its written order: the controls become spaces, as control characters do", () => {
    expect(mdText("\u202eevil.exe\u202c")).toBe(" evil.exe ");
    expect(mdLine("\u2067nsg\u2069-\u200fcc\u200e")).toBe("nsg - cc ");
    expect(mdCell("a\u202ab\u202bc\u202dd\u2066e\u2068f\u061cg")).toBe("a b c d e f g");
    const report = typicalReport();
    report.subnets[0].name = "snet-\u202egnp.exe";
    report.subnets[0].findings[0].evidence.push({ nsg: "/x/networkSecurityGroups/nsg-\u2066cc\u2069", rule: "Allow\u202eOut", priority: 100, access: "Allow", direction: "Outbound" });
    // Portal steps are prose in a fence: a name there must not reorder the line either.
    report.subnets[0].findings[0].fixes.push({ kind: "portal", text: "Add the Microsoft.Storage service endpoint to vnet-hub/snet-\u202egnp.exe.\n- Open it." });
    const md = renderMarkdown(report, {});
    expect(md).not.toMatch(BIDI);
    expect(md).toContain("service endpoint to vnet-hub/snet- gnp.exe.\n- Open it.");
    expect(md).toContain("snet- gnp.exe");
    expect(md).toContain("Allow Out");
  });
});

describe("Markdown inline escaping, any text", () => {
  it("renders exactly the text, in headings, paragraphs, list items, bold labels and table cells, with no markup of its own", () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 9, maxLength: 9 }), (t) => {
        const label = shown(t[6]).trim() || "m";
        const md = [
          `#### FAIL · ${mdText(t[0])}: ${mdText(t[1])}`,
          "",
          mdLine(t[2]),
          "",
          `1. **Route**: ${mdText(t[3])}`,
          "",
          `- ${mdLine(t[4])} (${mdText(t[5])}; NSG x)`,
          "",
          // The renderer bolds a label; one that starts or ends with a space would not open or close the bold.
          `Outbound: **${mdText(label)}** ${mdText(t[7])}`,
          "",
          "| A | B |",
          "|---|---|",
          `| ${mdCell(t[8]).trim() || "—"} | ${mdCell(t[0]).trim() || "—"} |`,
          "",
        ].join("\n");
        const inlines = parser.parse(md, {}).filter((x) => x.type === "inline").map(inlineOf);
        const trim = (s: string) => s.trim();
        const expected = [
          trim(`FAIL · ${shown(t[0])}: ${shown(t[1])}`),
          trim(shown(t[2])),
          trim(`Route: ${shown(t[3])}`),
          trim(`${shown(t[4]).trimStart()} (${shown(t[5])}; NSG x)`),
          trim(`Outbound: ${label} ${shown(t[7])}`),
          "A",
          "B",
          trim(shown(t[8])) || "—",
          trim(shown(t[0])) || "—",
        ].filter((x) => x !== "");
        expect(inlines.map((x) => trim(x.text))).toEqual(expected);
        // Only the renderer's own bold labels; no link, emphasis, strike-through, HTML or image from the text.
        const markup = inlines.flatMap((x) => x.markup).filter((m) => m !== "strong_open" && m !== "strong_close");
        expect(markup).toEqual([]);
        expect(inlines.flatMap((x) => x.markup).filter((m) => m === "strong_open")).toHaveLength(2);
      }),
      { numRuns: 400 },
    );
  });
});
