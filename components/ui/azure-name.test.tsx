// @vitest-environment happy-dom
// Right-to-left Azure names (Hebrew, Arabic) are isolated wherever the dashboard prints them inside its own text, so
// they cannot reorder the slash, digits and words around them: the shared pieces (AzureName, ResourceName, SubnetRef,
// the page header's crumbs) and the views that use them for subnet, VNet, NSG, rule and route names.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { NsgEvidence, RouteEvidence, SubnetReport } from "@/lib/report/types";
import { NsgEvidenceTables } from "../findings/evidence-nsg";
import { RouteEvidenceTable } from "../findings/evidence-stages";
import { FindingSubject } from "../findings/finding-subject";
import { AzureName, ResourceName, SubnetRef } from "./azure-name";
import { PageHeader } from "./page-header";

const HEBREW_VNET = "רשת-ראשית";
const ARABIC_SUBNET = "شبكة-فرعية";
const HEBREW_NSG = "קבוצת-אבטחה";
const ARABIC_RULE = "السماح-بالتخزين";
const NSG_ID = `/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${HEBREW_NSG}`;

function render(node: React.ReactElement): Document {
  return new DOMParser().parseFromString(`<body>${renderToStaticMarkup(node)}</body>`, "text/html");
}

/** The texts of the <bdi> elements of `root`, in document order. */
function isolated(root: ParentNode): string[] {
  return [...root.querySelectorAll("bdi")].map((b) => b.textContent ?? "");
}

describe("the shared name pieces", () => {
  it("AzureName wraps the name in <bdi>, and shows its fallback (not isolated) when there is none", () => {
    const doc = render(
      <p>
        rules of <AzureName className="font-medium">{HEBREW_NSG}</AzureName> in order, <AzureName fallback="none">{""}</AzureName>
      </p>,
    );
    const bdi = doc.querySelector("p > bdi")!;
    expect(bdi.textContent).toBe(HEBREW_NSG);
    expect(bdi.className).toBe("font-medium");
    expect(isolated(doc)).toEqual([HEBREW_NSG]);
    expect(doc.querySelector("p")!.textContent).toBe(`rules of ${HEBREW_NSG} in order, none`);
  });

  it("ResourceName isolates the last segment of an ARM id", () => {
    expect(isolated(render(<ResourceName id={NSG_ID} />))).toEqual([HEBREW_NSG]);
    expect(render(<ResourceName id={undefined} fallback="—" />).body.textContent).toBe("—");
  });

  it("SubnetRef isolates the VNet and the subnet each, the slash outside both", () => {
    const doc = render(
      <span>
        <SubnetRef vnet={HEBREW_VNET} name={ARABIC_SUBNET} />
      </span>,
    );
    expect(isolated(doc)).toEqual([HEBREW_VNET, ARABIC_SUBNET]);
    const span = doc.querySelector("span")!;
    expect([...span.childNodes].map((n) => (n.nodeName === "BDI" ? "bdi" : n.textContent))).toEqual(["bdi", "/", "bdi"]);
  });
});

describe("views that print names inline", () => {
  const subnet = { id: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${HEBREW_VNET}/subnets/${ARABIC_SUBNET}`, vnet: HEBREW_VNET, name: ARABIC_SUBNET } as SubnetReport;

  it("the finding subject: 'RULE on vnet/subnet' with both names isolated", () => {
    const doc = render(
      <p>
        <FindingSubject scanId="s1" subnet={subnet} rule="CC-EGRESS-STORAGE" />
      </p>,
    );
    expect(doc.querySelector("p")!.textContent).toBe(`CC-EGRESS-STORAGE on ${HEBREW_VNET}/${ARABIC_SUBNET}`);
    expect(isolated(doc.querySelector("a")!)).toEqual([HEBREW_VNET, ARABIC_SUBNET]);
  });

  it("the page header isolates every crumb, and a vnet/subnet crumb's two names each", () => {
    const doc = render(<PageHeader title="t" crumbs={[{ label: "Scan #3", href: "/scans/s1" }, { label: <SubnetRef vnet={HEBREW_VNET} name={ARABIC_SUBNET} />, href: "/x" }, { label: ARABIC_RULE }]} />);
    const items = [...doc.querySelectorAll("nav li")];
    expect(items).toHaveLength(3);
    for (const li of items) expect(li.querySelector("a > bdi, span[aria-current] > bdi"), li.innerHTML).not.toBeNull();
    expect(isolated(items[1])).toEqual([`${HEBREW_VNET}/${ARABIC_SUBNET}`, HEBREW_VNET, ARABIC_SUBNET]);
    expect(isolated(items[2])).toEqual([ARABIC_RULE]);
  });

  it("the NSG evidence isolates the NSG name in its heading and the deciding rule's name in its row", () => {
    const evidence: NsgEvidence[] = [{ stage: "nsg", nsg: NSG_ID, rule: ARABIC_RULE, priority: 100, access: "Allow", direction: "Outbound", level: "subnet" }];
    const doc = render(<NsgEvidenceTables evidence={evidence} />);
    const group = doc.querySelector('[data-testid="evidence-group"]')!;
    expect(isolated(group)).toContain(HEBREW_NSG);
    const ruleCell = [...group.querySelectorAll("tbody td")].find((td) => td.textContent?.includes(ARABIC_RULE))!;
    expect(isolated(ruleCell)).toEqual([ARABIC_RULE]);
  });

  it("a route's 'table / route' cell isolates both names", () => {
    const evidence: RouteEvidence[] = [
      {
        stage: "route",
        routeTable: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/routeTables/${HEBREW_VNET}`,
        route: ARABIC_RULE,
        source: "User",
        addressPrefix: "0.0.0.0/0",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.0.0.4",
      } as RouteEvidence,
    ];
    const doc = render(<RouteEvidenceTable evidence={evidence} />);
    const cell = [...doc.querySelectorAll("td")].find((td) => td.textContent?.includes(" / "))!;
    expect(cell.textContent).toBe(`${HEBREW_VNET} / ${ARABIC_RULE}`);
    expect(isolated(cell)).toEqual([HEBREW_VNET, ARABIC_RULE]);
  });
});
