// @vitest-environment happy-dom
// The dashboard's answer names the source as the rest of the product does (vnet/subnet, NIC by name), never by ARM id.
import fs from "node:fs";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { queryFlow } from "@/lib/path/query";
import { loadSnapshot, parseJsonFile } from "@/lib/snapshot";
import { QueryAnswerView } from "./query-answer";

const DEMO = path.resolve(__dirname, "../../fixtures/demo");
const snapshot = loadSnapshot(
  ["vnets", "nsgs", "nics", "route-tables", "private-endpoints", "firewalls", "firewall-policies"].map((f) => ({ name: `${f}.json`, value: parseJsonFile(`${f}.json`, fs.readFileSync(path.join(DEMO, `${f}.json`), "utf8")) })),
);

/** The answer card's one-line summary under its heading. */
function summary(from: string, to: string): string {
  const answer = queryFlow(snapshot, { from, to, protocol: "tcp", port: "443" });
  const doc = new DOMParser().parseFromString(`<body>${renderToStaticMarkup(<QueryAnswerView answer={answer} />)}</body>`, "text/html");
  return doc.querySelector("#answer h2 + p")?.textContent ?? "";
}

describe("QueryAnswerView", () => {
  it("names a source subnet given by its full id as vnet/subnet", () => {
    const subnet = [...snapshot.subnets.values()].find((s) => s.name === "snet-cyclecloud-dev")!;
    expect(summary(subnet.id, "management.azure.com")).toBe("vnet-dev-spoke/snet-cyclecloud-dev → management.azure.com");
  });

  it("names a NIC source by name beside its subnet", () => {
    const nic = [...snapshot.nics.values()].find((n) => n.name === "nic-compute-01")!;
    expect(summary(nic.id, "10.10.1.4")).toBe("vnet-hpc-spoke/snet-compute (NIC nic-compute-01) → 10.10.1.4");
  });
});
