// The estate routes (issue 13): POST /api/scans's `estate` field (400 naming it), GET /api/scans?estate=,
// DELETE /api/scans/<id>, GET/PUT/POST /api/estates/<name>/exemptions (400 with the JSON path), and exports
// served with the estate's exemptions applied. Route handlers are called directly on a temp SQLite file.
import { beforeAll, describe, expect, it } from "vitest";
import { scanInputFromBody } from "@/app/api/_lib/scan-input";
import { InputError } from "@/lib/errors";
import type { Report } from "@/lib/report/types";
import { findingIdOf } from "@/lib/store";
import { CC, PROFILE, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";
import { tempStoreForFile } from "../helpers/temp-store";

const temp = tempStoreForFile("estates-api");

const json = (body: unknown, method = "PUT") => new Request("http://localhost/api", { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const params = <T>(p: T) => ({ params: Promise.resolve(p) });
const noStore = () => Promise.resolve(temp.store);

describe("POST /api/scans estate field", () => {
  const body = (extra: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify({ snapshot: vnetSource().value, ...extra }));

  it("takes the estate from JSON and from the upload form, `default` when absent", async () => {
    expect((await scanInputFromBody("application/json", body({ estate: "Tenant A" }), noStore)).estate).toBe("Tenant A");
    expect((await scanInputFromBody("application/json", body({}), noStore)).estate).toBe("default");
    const form = new FormData();
    form.append("snapshot", new File([JSON.stringify(vnetSource().value)], "vnet.json"));
    form.append("estate", "lab-2");
    const res = new Response(form);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect((await scanInputFromBody(res.headers.get("content-type")!, bytes, noStore)).estate).toBe("lab-2");
  });

  it("refuses a bad estate name with one error naming the field", async () => {
    const e = await scanInputFromBody("application/json", body({ estate: "a/b" }), noStore).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^request body: estate: expected an estate name of 1-64/);
  });
});

describe("estate routes", () => {
  let labScan: string;
  let prodScan: string;
  let fid: string;

  beforeAll(async () => {
    const sources = [vnetSource(), nsgSource({ storageAllowed: false })];
    labScan = (await temp.store.createScan({ sources, profile: PROFILE, estate: "lab" })).id;
    prodScan = (await temp.store.createScan({ sources, profile: PROFILE, estate: "prod" })).id;
    const report = (await temp.store.getReport(labScan))!;
    const subnet = report.subnets.find((s) => s.id === CC)!;
    fid = findingIdOf(subnet, subnet.findings.find((f) => f.status === "fail" || f.status === "warn")!);
  });

  it("lists the scans of one estate and refuses a bad filter", async () => {
    const { GET } = await import("@/app/api/scans/route");
    const res = await GET(new Request("http://localhost/api/scans?estate=lab"));
    const list = (await res.json()) as { id: string; estate: string }[];
    expect(list.map((s) => [s.id, s.estate])).toEqual([[labScan, "lab"]]);
    const bad = await GET(new Request("http://localhost/api/scans?estate=%2Fetc"));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringMatching(/estate/), path: "estate" });
  });

  it("stores an exemption list, applies it to the estate's export, and refuses a bad one with the JSON path", async () => {
    const route = await import("@/app/api/estates/[estate]/exemptions/route");
    const bad = await route.PUT(json([{ finding: fid, reason: "r", owner: "o", expires: "soon" }]), params({ estate: "lab" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ file: "request body", path: "[0].expires" });

    const list = [{ finding: fid, reason: "staged locally", owner: "ops", expires: "2999-01-01" }];
    const put = await route.PUT(json(list), params({ estate: "lab" }));
    expect(put.status).toBe(200);
    expect(await (await route.GET(new Request("http://localhost"), params({ estate: "lab" }))).json()).toMatchObject({ estate: "lab", list });

    const { GET: report } = await import("@/app/api/scans/[scanId]/report/route");
    const lab = (await (await report(new Request(`http://localhost/api/scans/${labScan}/report?format=json`), params({ scanId: labScan }))).json()) as Report;
    expect(lab.summary.exempt).toBe(1);
    const prod = (await (await report(new Request(`http://localhost/api/scans/${prodScan}/report?format=json`), params({ scanId: prodScan }))).json()) as Report;
    expect(prod.summary.exempt ?? 0).toBe(0);
  });

  it("adds one exemption from the finding page's form", async () => {
    const route = await import("@/app/api/estates/[estate]/exemptions/route");
    const bad = await route.POST(json({ finding: fid, reason: "", owner: "me", expires: "2999-01-01" }, "POST"), params({ estate: "prod" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ path: "reason" });
    const ok = await route.POST(json({ finding: fid, reason: "lab only", owner: "me", expires: "2999-01-01" }, "POST"), params({ estate: "prod" }));
    expect(ok.status).toBe(201);
    expect((await temp.store.getFinding(prodScan, fid))!.finding).toMatchObject({ status: "exempt", exemption: { reason: "lab only" } });
  });

  it("deletes a scan (204), then 404", async () => {
    const { DELETE } = await import("@/app/api/scans/[scanId]/route");
    expect((await DELETE(new Request("http://localhost"), params({ scanId: prodScan }))).status).toBe(204);
    expect(await temp.store.getScan(prodScan)).toBeUndefined();
    expect((await DELETE(new Request("http://localhost"), params({ scanId: prodScan }))).status).toBe(404);
  });
});
