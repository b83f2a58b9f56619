// @vitest-environment happy-dom
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { pathSampleReport, sampleReport } from "@/lib/report/__fixtures__/sample-report";
import { SubnetPath } from "./subnet-path";

function render(node: React.ReactElement): Document {
  return new DOMParser().parseFromString(`<body>${renderToStaticMarkup(node)}</body>`, "text/html");
}

const cells = (row: Element) => [...row.querySelectorAll("td")].map((td) => td.textContent?.trim());

describe("SubnetPath", () => {
  const [cc, cluster] = pathSampleReport().subnets;

  it("lists the effective routes as Network Watcher does, with state and what the next hop is", () => {
    const doc = render(<SubnetPath subnet={cc} />);
    expect([...doc.querySelectorAll('[data-testid="effective-routes"] th')].map((th) => th.textContent)).toEqual([
      "Source",
      "State",
      "Address prefix",
      "Next hop type",
      "Next hop IP address",
      "Route table / route",
      "Next hop",
    ]);
    const rows = [...doc.querySelectorAll('[data-testid="effective-route"]')];
    expect(rows.map(cells)).toEqual([
      ["Default", "Active", "10.0.0.0/16", "VnetLocal", "—", "—", "—"],
      ["User", "Active", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4", "rt-hub / to-firewall", "azfw-hub"],
      ["Default", "Invalid", "0.0.0.0/0", "Internet", "—", "—", "—"],
    ]);
    expect(rows[2].getAttribute("data-state")).toBe("Invalid");
  });

  it("names the outbound method, the deployment and the scale sets", () => {
    const doc = render(<SubnetPath subnet={cluster} />);
    const outbound = doc.querySelector('[data-testid="outbound-method"]')!;
    expect(outbound.getAttribute("data-method")).toBe("nat-gateway");
    // Label and resource read as words, before the detail line.
    expect(outbound.textContent).toMatch(/^NAT gateway natgw-compute(?!\s*with)/);
    expect(doc.body.textContent).toContain("prod-weu");
    expect(doc.querySelector('[data-testid="scale-sets"]')?.textContent).toContain("vmss-hpc · Uniform → nsg-compute");
  });

  it("draws nothing for a report made before the path model", () => {
    expect(renderToStaticMarkup(<SubnetPath subnet={sampleReport().subnets[0]} />)).toBe("");
  });
});
