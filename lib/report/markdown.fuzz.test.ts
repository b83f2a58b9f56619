// Issue 11 item 4: names from an uploaded estate are untrusted. Hostile names go through every place the Markdown
// export prints a name; the output is parsed back with a CommonMark parser (markdown-it, with raw HTML and
// autolinking on, as GitHub renders) and must hold no HTML, link or image that did not come from the renderer itself,
// and every table cell must read back as the name it came from.
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pathSampleReport } from "./__fixtures__/sample-report";
import { renderMarkdown } from "./markdown";
import type { Evidence, Report } from "./types";

const parser = new MarkdownIt({ html: true, linkify: true });

const FRAGMENTS = [
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "[x](javascript:alert(1))",
  "![i](http://evil.example/p.png)",
  "[ref]",
  "\n[ref]: javascript:alert(1)\n",
  "<http://evil.example>",
  "http://evil.example/a",
  "www.evil.example",
  "ops@evil.example",
  "`",
  "``",
  "```",
  "|",
  "\\|",
  "\\",
  "\n# heading",
  "\n\n<div>block</div>\n\n",
  "\r\n- item",
  "\n    code",
  "\n> quote",
  "\n1. one",
  "\n---\n",
  "*em*",
  "__strong__",
  "~~del~~",
  "&lt;b&gt;",
  "&#60;i&#62;",
  "<!-- c -->",
  "</details>",
  "<details open>",
  "\u2028",
  "\u0000",
  "\t",
  " ",
  "snet-hpc",
  "a.b",
  "=",
  "#",
];

const hostile = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((xs) => xs.join("")),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }),
);

/** The text a renderer should show for a name: control characters and line breaks become spaces. */
function shown(name: string): string {
  return name.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, " ");
}

/** A gap's hint as lib/snapshot/gaps.ts writes one: a command in backticks, with a name from the estate inside it. */
const gapHint = (name: string) => `add \`az vmss nic list --vmss-name ${name} -g rg\``;

function hostileReport(n: string[]): Report {
  const report = pathSampleReport("/scans/s1");
  const [cc, cluster] = report.subnets;
  cc.name = n[0];
  cc.vnet = n[1];
  cc.id = `/subscriptions/x/resourceGroups/${n[2]}/providers/Microsoft.Network/virtualNetworks/${n[1]}/subnets/${n[0]}`;
  cc.deployment = n[3];
  cluster.name = n[4];
  cluster.deployment = n[3];
  const f = cc.findings[0];
  f.title = n[5];
  f.detail = n[6];
  f.requirement = n[7];
  const evidence: Evidence[] = [
    { stage: "admin-rule", networkManager: `/nm/${n[8]}`, configuration: n[9], collection: n[10], rule: n[11], id: "x", priority: 1, access: "Deny", direction: "Outbound" },
    { nsg: `/nsg/${n[12]}`, rule: n[13], priority: 100, access: "Deny", direction: "Outbound", level: "nic", nic: `/nic/${n[14]}` },
    { stage: "route", routeTable: `/rt/${n[15]}`, route: n[16], addressPrefix: n[17], nextHopType: "VirtualAppliance", nextHopIpAddress: n[18], nextHop: n[19], source: "User" },
    { stage: "firewall", firewall: `/fw/${n[20]}`, policy: `/p/${n[21]}`, ruleCollectionGroup: n[22], ruleCollection: n[23], rule: n[24], action: "Allow", kind: "application", fqdn: n[25] },
    { stage: "firewall", firewall: `/fw/${n[20]}`, action: "Deny", fqdn: n[26] },
    { stage: "outbound", method: n[27], resource: `/o/${n[28]}`, detail: n[29] },
  ];
  f.evidence = evidence;
  f.fixes = [{ kind: "portal", text: n[30] }, { kind: "az-cli", text: n[31] }];
  cc.outbound = { method: n[27], resource: `/o/${n[28]}`, detail: n[29] };
  cc.effectiveRoutes = [{ source: "User", state: "Active", addressPrefix: n[17], nextHopType: n[32], nextHopIpAddress: n[18], routeTable: `/rt/${n[15]}`, route: n[16], nextHop: n[19] }];
  cc.scaleSets = [{ id: "/vmss/x", name: n[33], nsg: `/nsg/${n[12]}`, orchestrationMode: n[34] }];
  report.deployments = [{ name: n[3], cyclecloud: [n[35]], cluster: [], returnProxy: [], cyclecloudServer: [n[36]], proxy: { address: n[37], port: 3128 } }];
  report.gaps = { ignoredTypes: [{ type: n[38], count: 2 }], unresolved: [{ from: `/s/${n[0]}`, kind: n[39], ref: n[40], hint: gapHint(n[41]) }] };
  report.errors = [{ subscription: n[42], operation: "list", code: n[43], message: n[44] }];
  return report;
}

function flatten(tokens: Token[]): Token[] {
  return tokens.flatMap((t) => [t, ...flatten(t.children ?? [])]);
}

/** Text of the inline tokens of each cell of each table row whose first cell reads `first`. */
function tableRows(tokens: Token[]): string[][] {
  const rows: string[][] = [];
  let row: string[] | null = null;
  let inCell = false;
  for (const t of tokens) {
    if (t.type === "tr_open") row = [];
    else if (t.type === "tr_close" && row) rows.push(row);
    else if (t.type === "td_open" || t.type === "th_open") inCell = true;
    else if (t.type === "td_close" || t.type === "th_close") inCell = false;
    else if (t.type === "inline" && inCell && row) row.push(flatten(t.children ?? []).filter((c) => c.type === "text" || c.type === "code_inline" || c.type === "text_special").map((c) => c.content).join(""));
  }
  return rows;
}

describe("renderMarkdown with hostile names", () => {
  it("never lets a name become HTML, a link or an image, and every table cell reads back as the name", () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 45, maxLength: 45 }), fc.option(hostile, { nil: undefined }), (names, label) => {
        const md = renderMarkdown(hostileReport(names), { scanId: "s1", scanLabel: label, filters: label, baseUrl: "https://auditor.example" });
        const tokens = parser.parse(md, {});
        const all = flatten(tokens);

        // The only HTML is the renderer's own <details> around each fix.
        for (const t of all.filter((x) => x.type === "html_block" || x.type === "html_inline")) {
          expect(t.content.trim()).toMatch(/^(<details><summary>Fix: [A-Za-z ]+<\/summary>|<\/details>)$/);
        }
        expect(all.filter((x) => x.type === "html_inline")).toEqual([]);
        expect(all.filter((x) => x.type === "image")).toEqual([]);
        const links = all.filter((x) => x.type === "link_open").map((x) => x.attrGet("href"));
        for (const href of links) expect(href).toMatch(/^https:\/\/auditor\.example\/scans\/s1\/findings\/[A-Za-z0-9-]+$/);
        expect(links).toHaveLength(hostileReport(names).subnets.flatMap((s) => s.findings.filter((f) => f.status !== "pass")).length);
        // One document title; headings only where the renderer puts them.
        expect(all.filter((x) => x.type === "heading_open" && x.tag === "h1")).toHaveLength(1);

        const html = parser.render(md);
        expect(html).not.toMatch(/<(img|script|div|a href="javascript)/i);

        // Names read back exactly (line breaks and control characters shown as spaces), pipes and all.
        const rows = tableRows(tokens);
        const subnetRow = rows.find((r) => r[0] === "fail" && r.length === 6);
        expect(subnetRow?.[1]).toBe(shown(names[0]).trim());
        expect(subnetRow?.[2]).toBe(shown(names[1]).trim());
        expect(subnetRow?.[4]).toBe(shown(names[3]).trim());
        // The hint's command is a code span holding the name as written (a backtick in the name ends the span early:
        // still no markup, but then the text differs).
        if (!names[41].includes("`")) {
          const gap = rows.find((r) => r.length === 4 && r[3] === `add az vmss nic list --vmss-name ${shown(names[41])} -g rg`);
          expect(gap?.[2]).toBe(shown(names[40]).trim());
        }
      }),
      { numRuns: 150 },
    );
  });

  it("escapes the classic payloads in a subnet name", () => {
    const report = pathSampleReport();
    report.subnets[0].name = "<img src=x onerror=alert(1)>[x](javascript:alert(1))`code|pipe";
    const md = renderMarkdown(report);
    const html = parser.render(md);
    expect(html).not.toContain("<img");
    expect(html).not.toContain('href="javascript');
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;[x](javascript:alert(1))`code|pipe");
  });
});
