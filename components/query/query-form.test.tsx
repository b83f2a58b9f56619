// @vitest-environment happy-dom
// The flow query's form: every control labelled, and the parameter the page's error is about marked invalid.
import { act } from "react";
import { createRoot } from "react-dom/client";
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
      ["Application protocol", "app"],
    ]);
    expect([...doc.querySelectorAll('[aria-invalid="true"]')].map((el) => el.getAttribute("name"))).toEqual(["port"]);
    expect(doc.querySelector('[name="port"]')?.getAttribute("aria-describedby")).toBe("query-error");
    expect(doc.querySelector<HTMLInputElement>('[name="from"]')?.getAttribute("value")).toBe("vnet-hub/snet-cyclecloud");
  });

  it("offers the application protocol for TCP only, preselected from the URL, and marks it when the alert is about it", () => {
    const select = (values: Parameters<typeof QueryForm>[0]["values"], error?: { param: string; messageId: string }) =>
      render(<QueryForm action="/scans/x/query" values={values} subnets={[]} {...(error ? { error } : {})} />).querySelector<HTMLSelectElement>("#query-app")!;
    const tcp = select({ from: "a/b", to: "1.2.3.4", protocol: "TCP", port: "443", app: "HTTPS" });
    expect(tcp.disabled).toBe(false);
    expect(tcp.getAttribute("name")).toBe("app");
    expect([...tcp.options].map((o) => [o.value, o.textContent])).toEqual([
      ["", "not known"],
      ["https", "HTTPS"],
      ["http", "HTTP"],
      ["other", "other (AMQP, SSH, …)"],
    ]);
    expect(tcp.querySelector("option[selected]")?.getAttribute("value")).toBe("https");
    // Not known by default (and for a value the engine refuses, which the alert names).
    expect(select({ from: "a/b" }).querySelector("option[selected]")?.getAttribute("value")).toBe("");
    for (const protocol of ["udp", "icmp", "any"]) expect(select({ from: "a/b", protocol, app: "https" }).disabled, protocol).toBe(true);
    const wrong = select({ from: "a/b", protocol: "udp", app: "https" }, { param: "app", messageId: "query-error" });
    expect(wrong.getAttribute("aria-invalid")).toBe("true");
    expect(wrong.getAttribute("aria-describedby")).toBe("query-error");
  });

  it("in the browser, disables it when another protocol is chosen, and sends nothing for 'not known'", async () => {
    // React's act() warns unless told it runs in a test environment.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const host = document.createElement("div");
    document.body.append(host);
    const root = createRoot(host);
    await act(async () => root.render(<QueryForm action="/scans/x/query" values={{ from: "a/b", to: "1.2.3.4", port: "443" }} subnets={[]} />));
    const form = host.querySelector("form")!;
    const protocol = host.querySelector<HTMLSelectElement>("#query-protocol")!;
    const app = host.querySelector<HTMLSelectElement>("#query-app")!;
    // What a browser submits: named controls that are not disabled (happy-dom's FormData keeps a disabled select).
    const sent = () => [...form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")].filter((c) => c.name && !c.disabled).map((c) => c.name);
    expect(sent()).toEqual(["from", "to", "protocol", "port"]);
    await act(async () => {
      app.value = "other";
      app.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(sent()).toEqual(["from", "to", "protocol", "port", "app"]);
    expect(app.value).toBe("other");
    await act(async () => {
      protocol.value = "udp";
      protocol.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(app.disabled).toBe(true);
    expect(sent()).not.toContain("app");
    await act(async () => root.unmount());
    host.remove();
  });
});
