// A privatelink.blob zone linked to the VNet without the account's record answers NXDOMAIN only where the account's
// blob name is a CNAME into it: the account has an approved blob private endpoint (review: a file endpoint, or a
// rejected connection, was taken to make it one).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { finding } from "../helpers/estate-builder";

const dir = path.resolve(__dirname, "../cases/reports/private-zone-without-record-nxdomain");
const base = JSON.parse(readFileSync(path.join(dir, "snapshot.json"), "utf8"));
const profile = parseProfile("profile.json", JSON.parse(readFileSync(path.join(dir, "profile.json"), "utf8")));

/** The case's snapshot with every private link connection changed by `edit`. */
function withConnections(edit: (c: { properties: Record<string, unknown> }) => void) {
  const copy = JSON.parse(JSON.stringify(base));
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === "object") {
      for (const [k, v] of Object.entries(o)) {
        if (k === "privateLinkServiceConnections" && Array.isArray(v)) v.forEach((c) => edit(c));
        walk(v);
      }
    }
  };
  walk(copy);
  return finding(audit(loadSnapshot([{ name: "snapshot.json", value: copy }]), profile), "hub/snet-cc", "CC-EGRESS-STORAGE");
}

describe("NXDOMAIN for the account's blob name", () => {
  it("with an approved blob endpoint: fails, naming NXDOMAIN", () => {
    const f = withConnections(() => undefined);
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("NXDOMAIN");
  });

  it("with a file endpoint only, or a rejected connection: the blob name resolves publicly, no NXDOMAIN claim", () => {
    for (const edit of [(c: { properties: Record<string, unknown> }) => (c.properties.groupIds = ["file"]), (c: { properties: Record<string, unknown> }) => (c.properties.privateLinkServiceConnectionState = { status: "Rejected" })]) {
      const f = withConnections(edit);
      expect(f.detail).not.toContain("NXDOMAIN");
      expect(f.status).toBe("pass");
    }
  });
});
