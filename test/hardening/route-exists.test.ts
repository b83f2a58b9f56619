// The dashboard layout's 404 check (app/(dashboard)/_data/route-exists.ts), which runs before any loading boundary
// streams a 200: it must say "does not exist" for exactly the addresses whose page would call notFound(). A finding's
// latest link carries `?estate=NAME` (the "Copy always-latest link" button writes it); the page looks the finding up
// in that estate, so the check must too, or a link into a deleted or mistyped estate answers 200 "Not found".
import { beforeAll, describe, expect, it } from "vitest";
import { routeTargetExists } from "@/app/(dashboard)/_data/route-exists";
import { findingIdOf } from "@/lib/store";
import { CC, PROFILE, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";
import { tempStoreForFile } from "../helpers/temp-store";

const temp = tempStoreForFile("route-exists", "pages.db");
let scanId: string;
let fid: string;

beforeAll(async () => {
  scanId = (await temp.store.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: false })], profile: PROFILE, estate: "lab" })).id;
  const subnet = (await temp.store.getReport(scanId))!.subnets.find((s) => s.id === CC)!;
  fid = findingIdOf(subnet, subnet.findings.find((f) => f.status === "fail")!);
});

describe("a finding's latest link", () => {
  it("exists without an estate, and with the estate that has the finding", async () => {
    expect(await routeTargetExists(`/findings/${fid}`)).toBe(true);
    expect(await routeTargetExists(`/findings/${fid}`, "")).toBe(true);
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=lab")).toBe(true);
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=lab&x=1")).toBe(true);
  });

  it("does not exist in an estate without the finding (a deleted or mistyped estate)", async () => {
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=prod")).toBe(false);
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=Lab")).toBe(false);
  });

  it("reads `estate` as the page does: a bad name or a repeated one is ignored, not a miss", async () => {
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=a%2Fb")).toBe(true);
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=prod&estate=lab")).toBe(true);
    expect(await routeTargetExists(`/findings/${fid}`, "?estate=")).toBe(true);
  });

  it("an unknown finding id does not exist, whatever the estate", async () => {
    expect(await routeTargetExists("/findings/0000000000000000")).toBe(false);
    expect(await routeTargetExists("/findings/0000000000000000", "?estate=lab")).toBe(false);
  });
});

describe("scan pages (unchanged by the query string)", () => {
  it("a stored scan, its finding and subnet exist; unknown ones do not", async () => {
    expect(await routeTargetExists(`/scans/${scanId}`, "?estate=prod")).toBe(true);
    expect(await routeTargetExists(`/scans/${scanId}/findings/${fid}`)).toBe(true);
    expect(await routeTargetExists("/scans/nope")).toBe(false);
    expect(await routeTargetExists(`/scans/${scanId}/findings/0000000000000000`)).toBe(false);
    expect(await routeTargetExists("/scans/new", "?estate=nowhere")).toBe(true);
  });
});
