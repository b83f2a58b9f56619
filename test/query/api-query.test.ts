// GET /api/scans/<id>/query and /query/matrix: the flow query against a stored scan's snapshot, answered by the
// route handlers over a real store holding the demo estate; 400 naming the parameter, 404 for an unknown scan.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-query-api-"));
const demo = (n: string) => ({ name: `${n}.json`, value: JSON.parse(readFileSync(`fixtures/demo/${n}.json`, "utf8")) });
let scanId = "";

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", undefined as unknown as string);
  vi.stubEnv("LOCKDOWN_DB", path.join(dir, "query.db"));
  vi.resetModules();
  const { getStore } = await import("@/lib/store");
  const store = await getStore();
  const sources = ["vnets", "nsgs", "nics", "route-tables", "private-endpoints", "firewalls", "firewall-policies"].map(demo);
  scanId = (await store.createScan({ sources, profile: demo("profile") })).id;
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

async function query(id: string, search: string) {
  const { GET } = await import("@/app/api/scans/[scanId]/query/route");
  return GET(new Request(`http://localhost/api/scans/${id}/query?${search}`), { params: Promise.resolve({ scanId: id }) });
}

async function matrix(id: string, search = "") {
  const { GET } = await import("@/app/api/scans/[scanId]/query/matrix/route");
  return GET(new Request(`http://localhost/api/scans/${id}/query/matrix?${search}`), { params: Promise.resolve({ scanId: id }) });
}

describe("GET /api/scans/<id>/query", () => {
  it("answers blocked for dev CycleCloud → management.azure.com, naming the hub firewall", async () => {
    const res = await query(scanId, "from=vnet-dev-spoke/snet-cyclecloud-dev&to=management.azure.com&protocol=tcp&port=443");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.verdict).toBe("blocked");
    const firewall = body.stages.find((s: { stage: string }) => s.stage === "firewall");
    expect(firewall.firewall).toMatch(/(^|\/)fw-hub$/i);
    expect(firewall.side).toBe("source");
  });

  it("answers allowed for prod compute → the CycleCloud server on TCP 9443, with both sides", async () => {
    const res = await query(scanId, "from=vnet-hpc-spoke/snet-compute&to=10.10.1.4&protocol=TCP&port=9443");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.verdict).toBe("allowed");
    expect(body.parts).toHaveLength(2);
    expect(new Set(body.stages.map((s: { side: string }) => s.side))).toEqual(new Set(["source", "destination"]));
  });

  it("takes app: dev CycleCloud → login.microsoftonline.com on 443 passes the hub's Https application rule as HTTPS, not as other", async () => {
    const ask = async (app: string) => (await query(scanId, `from=vnet-dev-spoke/snet-cyclecloud-dev&to=login.microsoftonline.com&protocol=tcp&port=443${app}`)).json();
    expect((await ask("")).verdict).toBe("allowed");
    expect((await ask("&app=HTTPS")).verdict).toBe("allowed");
    const other = await ask("&app=other");
    expect(other.verdict).toBe("blocked");
    expect(other.stages.find((s: { stage: string }) => s.stage === "firewall")).toMatchObject({ action: "Deny" });
  });

  it("answers 400 naming the parameter, before and from the engine", async () => {
    const cases: [string, RegExp][] = [
      ["to=1.2.3.4&port=1", /^from: missing/],
      ["from=vnet-hub/snet-cyclecloud&port=1", /^to: missing/],
      ["from=vnet-hub/snet-cyclecloud&to=1.2.3.4&protocol=sctp&port=1", /^protocol: expected tcp, udp, icmp or any/],
      ["from=vnet-hub/snet-cyclecloud&to=1.2.3.4&protocol=tcp", /^port: missing/],
      ["from=vnet-hub/snet-cyclecloud&to=1.2.3.4&port=99999", /^port: expected a port/],
      ["from=vnet-hub/nope&to=1.2.3.4&port=443", /^from: /],
      ["from=vnet-hub/snet-cyclecloud&to=not%20a%20thing!&port=443", /^to: /],
      ["from=vnet-hub/snet-cyclecloud&to=1.2.3.4&port=443&app=amqp", /^app: expected http, https or other, got "amqp"$/],
      ["from=vnet-hub/snet-cyclecloud&to=1.2.3.4&protocol=udp&port=53&app=https", /^app: names what TCP traffic speaks, so it needs protocol tcp, not udp$/],
      ["from=vnet-hub/snet-cyclecloud&to=1.2.3.4&protocol=any&app=other", /^app: .* not any$/],
    ];
    for (const [search, error] of cases) {
      const res = await query(scanId, search);
      expect(res.status, search).toBe(400);
      expect((await res.json()).error, search).toMatch(error);
    }
  });

  it("answers 404 for an unknown scan", async () => {
    const res = await query("no-such-scan", "from=vnet-hub/snet-cyclecloud&to=1.2.3.4&port=443");
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/no scan/);
  });
});

describe("GET /api/scans/<id>/query/matrix", () => {
  it("tabulates every cluster × CycleCloud subnet of each deployment on 5672 and 9443, each cell a query link", async () => {
    const res = await matrix(scanId);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ports).toEqual(["5672", "9443"]);
    expect(body.deployments.map((d: { name: string }) => d.name)).toEqual(["prod", "dev"]);
    const prod = body.deployments[0];
    expect(prod.rows.map((r: { cluster: { ref: string } }) => r.cluster.ref).sort()).toEqual(["vnet-hpc-spoke/snet-compute", "vnet-hpc-spoke/snet-gpu"]);
    const cell = prod.rows[0].cells[0];
    expect(cell.url).toBe(`/scans/${scanId}/query?from=${encodeURIComponent(prod.rows[0].cluster.ref)}&to=${encodeURIComponent("vnet-hub/snet-cyclecloud")}&protocol=tcp&port=5672&app=other`);
    // The cell's verdict is the single query's, asked as AMQP (as NODE-EGRESS-AMQP is judged); 9443 as HTTPS.
    expect(prod.rows[0].cells[1].query.app).toBe("https");
    const single = await (await query(scanId, cell.api.split("?")[1])).json();
    expect(cell.verdict).toBe(single.verdict);
    expect(body.deployments[1].rows[0].cells).toHaveLength(2);
  });

  it("takes other ports and refuses bad ones with 400; 404 for an unknown scan", async () => {
    const one = await (await matrix(scanId, "port=22")).json();
    expect(one.ports).toEqual(["22"]);
    // CycleCloud's node ports however written are asked as what they speak; another port as not known.
    const spelled = await (await matrix(scanId, "port=05672,9443-9443,22")).json();
    expect(spelled.deployments[0].rows[0].cells.map((c: { query: { app?: string } }) => c.query.app)).toEqual(["other", "https", undefined]);
    const bad = await matrix(scanId, "port=5672,nope");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^port: expected a port/);
    expect((await matrix(scanId, "protocol=gre")).status).toBe(400);
    const app = await matrix(scanId, "app=https");
    expect(app.status).toBe(400);
    expect((await app.json()).error).toMatch(/^app: not taken by the matrix/);
    expect((await matrix("no-such-scan")).status).toBe(404);
  });
});
