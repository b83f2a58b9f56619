// @vitest-environment happy-dom
// The flow query's form: every control labelled, and the parameter the page's error is about marked invalid.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { QueryForm } from "./query-form";

function render(node: React.ReactElement): Document {
  return new DOMParser().parseFromString(`<body>${renderToStaticMarkup(node)}</body>`, "text/html");
}

describe("QueryForm", () => {
  it("labels each control and marks only the parameter at fault, described by the page's alert", () => {
    const doc = render(<QueryForm action="/scans/x/query" values={{ from: "vnet-hub/snet-cyclecloud", port: "99999" }} subnets={[]} error={{ param: "port", messageId: "query-error" }} />);
    const labelled = [...doc.querySelectorAll("label")].map((l) => [l.textContent, doc.getElementById(l.getAttribute("for") ?? "")?.getAttribute("name")]);
    expect(labelled).toEqual([
      ["Source", "from"],
      ["Destination", "to"],
      ["Protocol", "protocol"],
      ["Port", "port"],
    ]);
    expect([...doc.querySelectorAll('[aria-invalid="true"]')].map((el) => el.getAttribute("name"))).toEqual(["port"]);
    expect(doc.querySelector('[name="port"]')?.getAttribute("aria-describedby")).toBe("query-error");
    expect(doc.querySelector<HTMLInputElement>('[name="from"]')?.getAttribute("value")).toBe("vnet-hub/snet-cyclecloud");
  });
});
