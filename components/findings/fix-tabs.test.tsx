// @vitest-environment happy-dom
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Fix } from "@/lib/report/types";
import { FixTabs } from "./fix-tabs";

function render(fixes: Fix[], rule: string): Document {
  return new DOMParser().parseFromString(`<body>${renderToStaticMarkup(<FixTabs fixes={fixes} rule={rule} />)}</body>`, "text/html");
}

const tabs = (doc: Document) => [...doc.querySelectorAll('[role="tab"]')].map((t) => t.textContent);

describe("FixTabs", () => {
  it("labels GitHub staging's procedure as shell on the CycleCloud VM and sets it in monospace (issue 11)", () => {
    const doc = render([{ kind: "portal", text: "cyclecloud project build\nchown -R cycle_server:cycle_server /opt/cycle_server/work/staging" }], "CC-GITHUB-STAGING");
    expect(tabs(doc)).toEqual(["Shell on the CycleCloud VM"]);
    const body = doc.querySelector('[data-fix-kind="portal"]')!;
    expect(body.tagName).toBe("PRE");
    expect(body.querySelector("code")?.textContent).toContain("cyclecloud project build");
  });

  it("keeps other rules' portal steps as prose and every kind in its own tab, in order", () => {
    const doc = render(
      [
        { kind: "portal", text: "1. Open the NSG." },
        { kind: "terraform", text: "resource {}" },
        { kind: "az-cli", text: "az network nsg rule create" },
        { kind: "bicep", text: "resource r" },
      ],
      "CC-EGRESS-STORAGE",
    );
    expect(tabs(doc)).toEqual(["az CLI", "Bicep", "Terraform", "Portal steps"]);
    expect(doc.querySelector('[data-fix-kind="portal"]')!.tagName).toBe("DIV");
    expect(doc.querySelector('[data-fix-kind="az-cli"]')!.tagName).toBe("PRE");
  });

  it("shows shell and PowerShell kinds, should the engine give them, as labelled monospace tabs", () => {
    const doc = render([{ kind: "shell" as Fix["kind"], text: "ls" }, { kind: "powershell" as Fix["kind"], text: "Get-Item" }], "NODE-PACKAGES");
    expect(tabs(doc)).toEqual(["Shell", "PowerShell"]);
    expect(doc.querySelector('[data-fix-kind="shell"]')!.tagName).toBe("PRE");
    expect(doc.querySelector('[data-fix-kind="powershell"]')!.tagName).toBe("PRE");
  });
});
