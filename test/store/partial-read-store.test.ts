// Dashboard and scheduled live scans of a partial read (CONTRACT §2 exit 3): the store audits what was read with the
// read's errors (AuditOptions.readErrors), so a reused profile naming an unread subnet does not lose the scan, nothing
// passes, and a role edit of that scan stays partial.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InputError } from "@/lib/errors";
import type { Report } from "@/lib/report/types";
import { loadSnapshot } from "@/lib/snapshot";
import { Store } from "@/lib/store/store";
import { SPARE, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";

const errors = [{ subscription: "00000000-0000-0000-0000-00000000000b", operation: "virtualNetworks.listAll", code: "InternalServerError", message: "internal server error" }];
// The last cluster subnet is in the subscription whose VNet list failed.
const profile = { name: "profile of scan #1", value: { roles: { cyclecloud: ["vnet-hpc/cyclecloud"], cluster: ["vnet-hpc/compute", "vnet-spoke/compute-2"], returnProxy: [] } } };
const statuses = (r: Report) => r.subnets.flatMap((s) => s.findings.map((f) => f.status));

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "partial-store-"));
  store = await Store.open(path.join(dir, "lockdown.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a partial live read stored as a scan", () => {
  it("is audited without the unread profile entry, which is listed, and passes nothing", async () => {
    const scan = await store.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: true })], profile, origin: "live", errors });
    expect(scan.status).toBe("partial");
    const report = (await store.getReport(scan.id))!;
    expect(report.errors).toEqual(errors);
    expect(report.gaps?.unresolved).toContainEqual({ from: "profile of scan #1: roles.cluster[1]", kind: "subnet", ref: "vnet-spoke/compute-2", hint: expect.stringContaining("the live read was partial") });
    expect(statuses(report)).not.toContain("pass");
    expect(statuses(report)).toContain("warn");
    expect(report.summary.pass).toBe(0);
  });

  it("stays partial when a role is set in the dashboard", async () => {
    await store.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: true })], profile, origin: "live", errors });
    const edited = await store.setRole(SPARE, "cluster");
    expect(edited.status).toBe("partial");
    const report = (await store.getReport(edited.id))!;
    expect(report.errors).toEqual(errors);
    expect(statuses(report)).not.toContain("pass");
  });

  it("an uploaded snapshot a partial live read saved (readErrors beside resources) is stored and judged as partial", async () => {
    const saved = { name: "partial-estate.json", value: { resources: [...vnetSource().value.value, ...nsgSource({ storageAllowed: true }).value], readErrors: errors } };
    const scan = await store.createScan({ sources: [saved], profile, origin: "upload" });
    expect(scan.status).toBe("partial");
    const report = (await store.getReport(scan.id))!;
    expect(report.errors).toEqual(errors);
    expect(statuses(report)).not.toContain("pass");
    // A malformed list is bad input naming the field, and stores nothing.
    const bad = { name: "bad.json", value: { ...saved.value, readErrors: [{ ...errors[0], code: 500 }] } };
    await expect(store.createScan({ sources: [bad], profile, origin: "upload" })).rejects.toThrow(/bad\.json: readErrors\[0\]\.code: expected a string, got 500/);
  });

  it("without read errors, the same profile is still an input error", async () => {
    await expect(store.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: true })], profile, origin: "upload" })).rejects.toThrow(InputError);
  });
});

describe("a saved snapshot's readMethod and capturedAt", () => {
  const resources = () => [...vnetSource().value.value, ...nsgSource({ storageAllowed: true }).value];
  const complete = { name: "profile.json", value: { roles: { cyclecloud: ["vnet-hpc/cyclecloud"], cluster: ["vnet-hpc/compute"], returnProxy: [] } } };

  it("a Resource Graph read saved with --save keeps its caveat (notes) when uploaded, and through a role edit", async () => {
    const saved = { name: "graph-estate.json", value: { resources: resources(), capturedAt: "2026-03-01T09:00:00Z", readMethod: "resourceGraph" } };
    const scan = await store.createScan({ sources: [saved], profile: complete, origin: "upload" });
    expect(scan.status).toBe("complete");
    const notes = (await store.getReport(scan.id))!.notes;
    expect(notes).toEqual([expect.stringContaining("Read with Resource Graph")]);
    expect((await store.getReport((await store.setRole(SPARE, "cluster")).id))!.notes).toEqual(notes);
    const listAll = await store.createScan({ sources: [{ ...saved, value: { ...saved.value, readMethod: "listAll" } }], profile: complete, origin: "upload" });
    expect((await store.getReport(listAll.id))!.notes).toBeUndefined();
  });

  it("a dashboard Resource Graph scan stored before readMethod existed keeps its notes through role edits", async () => {
    const note = "Read with Resource Graph, which returns only the resources the credential may read";
    const scan = await store.createScan({ sources: [{ name: "azure", value: { resources: resources() } }], profile: complete, origin: "live", notes: [note] });
    const first = await store.setRole(SPARE, "cluster");
    expect((await store.getReport(first.id))!.notes).toEqual([note]);
    const second = await store.setRole(SPARE, "returnProxy");
    expect(second.parentScanId).toBe(first.id);
    expect((await store.getReport(second.id))!.notes).toEqual([note]);
    expect(scan.status).toBe("complete");
  });

  it("a role edit of an uploaded scan does not read its stored report back (only a live read's chain may need its notes)", async () => {
    await store.createScan({ sources: [{ name: "s.json", value: { resources: resources() } }], profile: complete, origin: "upload" });
    const read = vi.spyOn(store, "getRawReport");
    await store.setRole(SPARE, "cluster");
    await store.setRole(SPARE, "returnProxy");
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
  });

  it("refuses an unknown readMethod and a capturedAt that is no date, naming the field", async () => {
    const upload = (extra: Record<string, unknown>) => store.createScan({ sources: [{ name: "s.json", value: { resources: resources(), ...extra } }], profile: complete, origin: "upload" });
    await expect(upload({ readMethod: "guess" })).rejects.toMatchObject({ file: "s.json", path: "readMethod" });
    for (const capturedAt of ["last tuesday", "2026-13-45T00:00:00Z", "03/01/2026"]) {
      await expect(upload({ capturedAt }), capturedAt).rejects.toMatchObject({ file: "s.json", path: "capturedAt", message: expect.stringMatching(/expected a date or date and time/) });
    }
    // Dates as saved snapshots have always carried them, and as people write them, stay valid.
    for (const capturedAt of ["2026-03-01T09:00:00.000+01:00", "2026-03-01", "2026-03-01T09:00:00", "2026-03-01 09:00:00"]) expect((await upload({ capturedAt })).capturedAt).toBe(capturedAt);
    // A scan stored before the check still opens (its pages and role edits read the stored input).
    expect(loadSnapshot([{ name: "s.json", value: { resources: resources(), capturedAt: "last tuesday" } }], { stored: true }).capturedAt).toBe("last tuesday");
  });
});
