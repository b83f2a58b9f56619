// @vitest-environment happy-dom
// A field ties its label, hint and error to its control, so assistive technology reads them with it.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Field } from "./field";

function render(node: React.ReactElement): Document {
  return new DOMParser().parseFromString(`<body>${renderToStaticMarkup(node)}</body>`, "text/html");
}

describe("Field", () => {
  it("labels its control and leaves it undescribed and valid when there is no hint or error", () => {
    const doc = render(<Field id="owner" label="Owner">{(control) => <input {...control} name="owner" />}</Field>);
    expect(doc.querySelector("label")?.getAttribute("for")).toBe("owner");
    const input = doc.querySelector("input")!;
    expect(input.id).toBe("owner");
    expect(input.hasAttribute("aria-describedby")).toBe(false);
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(doc.querySelector('[role="alert"]')).toBeNull();
  });

  it("describes its control by the hint and the error, and marks it invalid", () => {
    const doc = render(
      <Field id="port" label="Port" hint="443 or 8000-8100" error="expected a port 0-65535">
        {(control) => <input {...control} name="port" />}
      </Field>,
    );
    const input = doc.querySelector("input")!;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const ids = input.getAttribute("aria-describedby")!.split(" ");
    expect(ids.map((id) => doc.getElementById(id)?.textContent)).toEqual(["443 or 8000-8100", "expected a port 0-65535"]);
    expect(doc.getElementById(ids[1])?.getAttribute("role")).toBe("alert");
  });

  it("points at an error shown elsewhere without drawing a second one", () => {
    const doc = render(<Field id="to" label="Destination" errorElsewhere="form-error">{(control) => <input {...control} />}</Field>);
    const input = doc.querySelector("input")!;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("form-error");
    expect(doc.querySelector('[role="alert"]')).toBeNull();
  });
});
