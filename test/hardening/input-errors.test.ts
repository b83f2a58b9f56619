// Hostile shapes from outside become one clear input error (file + JSON path; HTTP 400, CLI exit 2), never a crash:
// a number as snapshot, JSON nested 5,000 deep, `"type": "__proto__"`, a profile that matches no subnet. And the
// upload form's default "roles of the latest scan" applied to another estate keeps what matches.
import { execFile } from "node:child_process";
import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BadRequest } from "@/app/api/_lib/bad-request";
import { assertJsonDepth } from "@/app/api/_lib/json-depth";
import { matchingProfile, scanInputFromBody } from "@/app/api/_lib/scan-input";
import { storedProfileAsInput } from "@/lib/snapshot/profile";
import { InputError } from "@/lib/errors";
import { parseProfile } from "@/lib/snapshot";
import { Store } from "@/lib/store";
import { SUB, estate, finding } from "../helpers/estate-builder";

const root = process.cwd();
const demo = (f: string) => JSON.parse(readFileSync(path.join(root, "fixtures/demo", f), "utf8")) as unknown[];
const HOSTILE_TYPES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
const hostile = HOSTILE_TYPES.map((type) => ({ type, id: `/subscriptions/x/resourceGroups/r/providers/${type}/y`, name: type }));

function deep(levels: number): string {
  let text = "1";
  for (let i = 0; i < levels; i++) text = `{"a":[${text}]}`;
  return text;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: Error) => e,
  );
}

describe("POST /api/scans bodies (what the scan worker runs)", () => {
  const store = Store.open(":memory:");
  const create = async (body: string, type = "application/json") => {
    const s = await store;
    return s.createScan(await scanInputFromBody(type, Buffer.from(body), () => store));
  };

  it("refuses a number as snapshot with the file named", async () => {
    const e = await failure(create('{"snapshot": 42}'));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).file).toBe("snapshot");
  });

  it("refuses JSON nested 5,000 deep with the path where it gets too deep", async () => {
    const e = await failure(create(`{"snapshot": ${deep(5000)}}`));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^request body: snapshot\.a\[0\]\.a\[0\]\.a….*nested deeper than 256 levels/);
    expect(() => assertJsonDepth("f.json", JSON.parse(deep(100)))).not.toThrow();
  });

  it("treats __proto__ and other Object.prototype names as unknown types, not as code", async () => {
    const alone = await failure(create(JSON.stringify({ snapshot: hostile })));
    expect(alone).toBeInstanceOf(InputError);
    expect(alone.message).toMatch(/no virtual networks or subnets/);
    const scan = await create(JSON.stringify({ snapshot: [...demo("vnets.json"), ...hostile] }));
    expect(scan.summary.subnets).toBeGreaterThan(0);
  });

  it("refuses a profile that matches no subnet, naming the profile and ref", async () => {
    const e = await failure(create(JSON.stringify({ snapshot: demo("vnets.json"), profile: { roles: { cluster: ["vnet-x/snet-y"] } } })));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('profile: roles.cluster[0]: no subnet matches "vnet-x/snet-y"');
  });

  it("refuses bodies that are not the documented shape with an InputError naming the request body (a 400)", async () => {
    for (const body of ["[]", '"x"', ""]) {
      const e = await failure(create(body));
      expect(e, body).toBeInstanceOf(InputError);
      expect(e, body).toMatchObject({ file: "request body" });
    }
  });

  it("refuses an object body with a missing, mistyped or unknown field as an InputError naming it (file and path)", async () => {
    for (const [body, field] of [
      ['{"profile": {}}', "snapshot"],
      ['{"snapshot": [], "label": 5}', "label"],
      ['{"snapshot": [], "profle": {}}', "profle"],
    ]) {
      const e = await failure(create(body));
      expect(e, body).toBeInstanceOf(InputError);
      expect(e, body).toMatchObject({ file: "request body", path: field });
    }
  });

  it("marks a profile sent with the upload as replacing the estate's dashboard roles, and the carried-over one not", async () => {
    const s = await store;
    const snapshot = JSON.stringify(demo("vnets.json"));
    const profile = JSON.stringify({ roles: { cluster: ["vnet-hpc-spoke/snet-compute"] } });
    expect((await scanInputFromBody("application/json", Buffer.from(`{"snapshot": ${snapshot}, "profile": ${profile}}`), async () => s)).profileReplacesRoles).toBe(true);
    expect((await scanInputFromBody("application/json", Buffer.from(`{"snapshot": ${snapshot}}`), async () => s)).profileReplacesRoles).toBe(false);
    const formOf = async (withProfile: boolean) => {
      const form = new FormData();
      form.append("snapshot", new File([snapshot], "vnets.json"));
      if (withProfile) form.append("profile", new File([profile], "profile.json"));
      form.append("rolesFrom", "latest");
      const res = new Response(form);
      return scanInputFromBody(res.headers.get("content-type")!, new Uint8Array(await res.arrayBuffer()), async () => s);
    };
    expect((await formOf(true)).profileReplacesRoles).toBe(true);
    expect((await formOf(false)).profileReplacesRoles).toBe(false);
  });

  it("keeps the latest scan's refs that match this estate and lists the others", () => {
    const sources = [{ name: "vnets.json", value: demo("vnets.json") }];
    const profile = { roles: { cyclecloud: ["vnet-hub/snet-cyclecloud"], cluster: ["vnet-elsewhere/snet-a", "vnet-hpc-spoke/snet-compute"], returnProxy: [] } };
    const matched = matchingProfile(sources, undefined, "profile of scan #3", profile);
    expect(matched.value).toEqual({ roles: { cyclecloud: ["vnet-hub/snet-cyclecloud"], cluster: ["vnet-hpc-spoke/snet-compute"], returnProxy: [] } });
    expect(matched.missing).toEqual(["cluster vnet-elsewhere/snet-a"]);
  });

  it("reads a stored profile back in the file form (deployments included), so it can be applied again", () => {
    const file = {
      roles: { cyclecloud: ["vnet-hub/snet-cyclecloud"], cluster: ["vnet-hpc-spoke/snet-compute"] },
      cyclecloudServer: ["10.10.1.4"],
      deployments: [{ name: "dev", cluster: ["vnet-hpc-spoke/snet-gpu"], cyclecloudServer: [] }],
    };
    const stored = parseProfile("profile.json", file);
    expect(parseProfile("again", storedProfileAsInput(stored))).toEqual(stored);
  });
});

describe("fuzzed bodies", () => {
  // Keys the loader looks at, and keys that name Object.prototype members.
  const key = fc.constantFrom("__proto__", "constructor", "toString", "type", "id", "name", "properties", "value", "data", "resources", "subnets", "addressPrefix", "roles", "cluster", "securityRules", "priority");
  const leaf = fc.oneof(fc.constantFrom("__proto__", "Microsoft.Network/virtualNetworks", "10.0.0.0/24", "vnet/snet", "/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v"), fc.integer(), fc.boolean(), fc.constant(null), fc.string());
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(key, tie("node"), { maxKeys: 5 })),
  })).node;

  it("every body is a scan or one input error (never another exception)", async () => {
    const store = await Store.open(":memory:");
    await fc.assert(
      fc.asyncProperty(value, fc.option(value), async (snapshot, profile) => {
        const body = JSON.stringify({ snapshot, ...(profile === null ? {} : { profile }) });
        try {
          await store.createScan(await scanInputFromBody("application/json", Buffer.from(body), async () => store));
        } catch (e) {
          if (!(e instanceof InputError || e instanceof BadRequest)) throw e;
          expect(e.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("the CLI on the same shapes", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "cli-hostile-"));
  const file = (name: string, value: unknown) => {
    const p = path.join(tmp, name);
    writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
    return p;
  };
  const cli = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(root, "scripts/audit.mjs"), ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });

  it('exits 2 with one line for "type": "__proto__" (it exited 70, an internal error)', async () => {
    const { code, stderr } = await cli(["--snapshot", file("proto.json", hostile), "--profile", path.join(root, "fixtures/demo/profile.json")]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/proto\.json: no virtual networks or subnets/);
  });

  it("audits an estate that also holds such entries", async () => {
    const { code, stderr } = await cli([
      "--snapshot",
      file("estate.json", [...demo("vnets.json"), ...hostile]),
      "--profile",
      path.join(root, "fixtures/demo/profile.json"),
      "--format",
      "json",
      "--out",
      path.join(tmp, "r.json"),
    ]);
    expect([0, 1], stderr).toContain(code);
  });
});

describe("an input the audit cannot judge never becomes a pass", () => {
  // ARM always returns a storage account's networkAcls.defaultAction; read as Allow when a cut or edited export lacked
  // it, an account that refuses CycleCloud's subnet made CC-EGRESS-STORAGE pass.
  const locker = (properties: Record<string, unknown>) =>
    estate()
      .vnet("hpc", ["10.1.0.0/16"])
      .subnet("hpc/cc", "10.1.0.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage" }] })
      .extra({ id: `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/cclocker`, name: "cclocker", type: "Microsoft.Storage/storageAccounts", location: "westeurope", properties })
      .auditProfile({ roles: { cyclecloud: ["hpc/cc"] }, storageAccount: "cclocker" });

  it("a storage account without networkAcls.defaultAction makes the Storage egress check warn, naming the field", () => {
    expect(finding(locker({ publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Deny" } }), "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("fail");
    for (const networkAcls of [null, { virtualNetworkRules: [], ipRules: [] }, { defaultAction: null }]) {
      const f = finding(locker({ publicNetworkAccess: "Enabled", networkAcls }), "hpc/cc", "CC-EGRESS-STORAGE");
      expect(f.status, JSON.stringify(networkAcls)).toBe("warn");
      expect(f.detail).toContain("Whether storage account cclocker admits it cannot be judged: the input does not hold its networkAcls.defaultAction");
    }
    // What the account's other settings decide still decides: public network access Disabled refuses all.
    expect(finding(locker({ publicNetworkAccess: "Disabled", networkAcls: null }), "hpc/cc", "CC-EGRESS-STORAGE").status).toBe("fail");
  });
});
