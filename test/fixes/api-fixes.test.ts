// GET /api/scans/<id>/fixes?format=sh|ps1|bicep|tf: the fix-all bundle of a stored scan, as a download;
// 400 for an unknown format, 404 for an unknown scan.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bashAzCommands, checkBicep, checkTerraform } from "./checkers";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-fixes-api-"));
const demo = (n: string) => ({ name: `${n}.json`, value: JSON.parse(readFileSync(`fixtures/demo/${n}.json`, "utf8")) });
let scanId = "";

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", undefined as unknown as string);
  vi.stubEnv("LOCKDOWN_DB", path.join(dir, "fixes.db"));
  vi.resetModules();
  const { getStore } = await import("@/lib/store");
  const store = await getStore();
  const scan = await store.createScan({ sources: ["vnets", "nsgs", "nics", "route-tables", "private-endpoints"].map(demo), profile: demo("profile") });
  scanId = scan.id;
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

async function get(id: string, format?: string) {
  const { GET } = await import("@/app/api/scans/[scanId]/fixes/route");
  const url = `http://localhost/api/scans/${id}/fixes${format ? `?format=${format}` : ""}`;
  return GET(new Request(url), { params: Promise.resolve({ scanId: id }) });
}

describe("GET /api/scans/<id>/fixes", () => {
  it("serves each form of the bundle as a download that passes its checker", async () => {
    const sh = await get(scanId, "sh");
    expect(sh.status).toBe(200);
    expect(sh.headers.get("content-disposition")).toMatch(/attachment; filename="lockdown-.*-fix-all\.sh"/);
    expect(bashAzCommands(await sh.text()).commands.length).toBeGreaterThan(0);
    expect((await checkBicep(await (await get(scanId, "bicep")).text())).problems).toEqual([]);
    expect((await checkTerraform(await (await get(scanId, "tf")).text())).problems).toEqual([]);
    expect(await (await get(scanId, "ps1")).text()).toMatch(/^az network /m);
  });

  it("answers 400 for an unknown format and 404 for an unknown scan", async () => {
    const bad = await get(scanId, "exe");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^format: expected one of sh, ps1, bicep, tf/);
    expect((await get("no-such-scan", "sh")).status).toBe(404);
  });
});
