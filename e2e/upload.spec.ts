// A new scan from uploaded files: good files make a scan; a bad file is named, next to it, with what is wrong.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { listScans } from "./support/app";

const fixture = (...p: string[]) => path.join(__dirname, "fixtures", ...p);

test("several snapshot files and a profile make a new scan", async ({ page, request }) => {
  const before = await listScans(request);
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  await page.getByTestId("file-input").setInputFiles([fixture("estate", "vnets.json"), fixture("estate", "nsgs.json"), fixture("estate", "network.json"), fixture("estate", "profile.json")]);
  const files = page.getByTestId("upload-file");
  await expect(files).toHaveCount(4);
  await expect(page.getByRole("combobox", { name: "Use profile.json as" })).toHaveValue("profile");
  await page.getByLabel(/Label/).fill("uploaded in e2e");
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page).toHaveURL(/\/scans\/[a-z0-9]+$/);
  await expect(page.getByTestId("scan-meta")).toContainText("uploaded in e2e");
  const after = await listScans(request);
  expect(after).toHaveLength(before.length + 1);
  expect(after[0].origin).toBe("upload");
  await expect(page.getByTestId("summary-subnets")).toHaveText(String(after[0].summary.subnets));
  expect(after[0].summary.unscoped).toBeLessThan(after[0].summary.subnets);
});

test("files dropped on the zone are taken like chosen ones", async ({ page }) => {
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"value": []}'], "dropped.json", { type: "application/json" }));
    return dt;
  });
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByTestId("upload-file")).toHaveAttribute("data-file-name", "dropped.json");
});

test("an invalid file is flagged next to itself before anything is sent", async ({ page, request }) => {
  const before = (await listScans(request)).length;
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  await page.getByTestId("file-input").setInputFiles([fixture("estate", "vnets.json"), fixture("bad", "not-json.json")]);
  const bad = page.locator('[data-testid="upload-file"][data-file-name="not-json.json"]');
  await expect(bad.getByTestId("file-error")).toContainText("not valid JSON");
  await expect(page.locator('[data-testid="upload-file"][data-file-name="vnets.json"] [data-testid="file-error"]')).toHaveCount(0);
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Fix or remove");
  expect((await listScans(request)).length).toBe(before);
});

test("the server's verdict on a bad file appears next to that file", async ({ page, request }) => {
  const before = (await listScans(request)).length;
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle"); // hydrated: the file input and drop zone have their handlers
  await page.getByTestId("file-input").setInputFiles([fixture("estate", "vnets.json"), fixture("bad", "bad-priority.json")]);
  await expect(page.getByTestId("upload-file")).toHaveCount(2);
  await page.getByRole("button", { name: "Run audit" }).click();
  const bad = page.locator('[data-testid="upload-file"][data-file-name="bad-priority.json"]');
  await expect(bad.getByTestId("file-error")).toContainText('bad-priority.json: [0].securityRules[0].priority: expected 100-4096, got "x"');
  await expect(page).toHaveURL(/\/scans\/new$/);

  // A profile naming a subnet that does not exist: the error lands on the profile.
  await bad.getByRole("button", { name: /Remove/ }).click();
  await page.getByTestId("file-input").setInputFiles([fixture("bad", "profile-unknown-subnet.json")]);
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page.locator('[data-testid="upload-file"][data-file-name="profile-unknown-subnet.json"] [data-testid="file-error"]')).toContainText(
    'roles.cyclecloud[0]: no subnet matches "vnet-hub/nope"',
  );
  expect((await listScans(request)).length).toBe(before);
});

// Issue r2-1: a `{ deployments }` profile (the demo's own) was listed as "unrecognised shape", sent as a snapshot,
// dropped by the server without a word, and the scan ran on the latest scan's roles: verdicts other than the API's.
const demo = (f: string) => path.join(__dirname, "..", "fixtures", "demo", f);
const DEMO_SNAPSHOTS = ["vnets.json", "nsgs.json", "nics.json", "route-tables.json", "private-endpoints.json", "firewalls.json", "firewall-policies.json"];
type JsonReport = { deployments?: { name: string }[]; subnets: { id: string; role: string | null; deployment?: string | null; findings: { rule: string; status: string }[] }[] };
const verdicts = (r: JsonReport) => r.subnets.map((s) => [s.id.toLowerCase(), s.role, s.deployment ?? null, s.findings.map((f) => `${f.rule}:${f.status}`).sort().join(" ")]).sort();

test("a deployments profile is taken as the profile, and the scan's verdicts are the API's for that profile", async ({ page, request }) => {
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle");
  await page.getByTestId("file-input").setInputFiles([...DEMO_SNAPSHOTS.map(demo), demo("profile-return-proxy.json")]);
  await expect(page.getByTestId("upload-file")).toHaveCount(DEMO_SNAPSHOTS.length + 1);
  const profileRow = page.locator('[data-testid="upload-file"][data-file-name="profile-return-proxy.json"]');
  await expect(page.getByRole("combobox", { name: "Use profile-return-proxy.json as" })).toHaveValue("profile");
  await expect(profileRow).toContainText("2 deployments · prod: 1 CycleCloud, 2 cluster, 1 return proxy subnets · dev: 1 CycleCloud, 1 cluster subnets; CycleCloud server");
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page).toHaveURL(/\/scans\/(?!new$)[a-z0-9]+$/);
  const viaForm = (await (await request.get(`/api/scans/${page.url().split("/").at(-1)}/report?format=json`)).json()) as JsonReport;

  const upload = new FormData();
  for (const f of DEMO_SNAPSHOTS) upload.append("snapshot", new Blob([readFileSync(demo(f))], { type: "application/json" }), f);
  upload.append("profile", new Blob([readFileSync(demo("profile-return-proxy.json"))], { type: "application/json" }), "profile-return-proxy.json");
  const created = await request.post("/api/scans", { multipart: upload });
  expect(created.status()).toBe(201);
  const viaApi = (await (await request.get(`/api/scans/${((await created.json()) as { id: string }).id}/report?format=json`)).json()) as JsonReport;
  expect(viaForm.deployments?.map((d) => d.name)).toEqual(["prod", "dev"]);
  expect(viaForm.subnets.some((s) => s.role === "returnProxy")).toBe(true);
  expect(verdicts(viaForm)).toEqual(verdicts(viaApi));
});

test("a profile used as a snapshot is refused naming the file, in the form and by the server", async ({ page, request }) => {
  const before = (await listScans(request)).length;
  await page.goto("/scans/new");
  await page.waitForLoadState("networkidle");
  await page.getByTestId("file-input").setInputFiles([...DEMO_SNAPSHOTS.map(demo), demo("profile.json")]);
  await page.getByRole("combobox", { name: "Use profile.json as" }).selectOption("snapshot");
  const row = page.locator('[data-testid="upload-file"][data-file-name="profile.json"]');
  await expect(row.getByTestId("file-error")).toContainText("profile.json: this is a CycleCloud profile (deployments), not Azure resources");
  await page.getByRole("button", { name: "Run audit" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Fix or remove");
  // Back to Profile: the line goes, as the server would take it.
  await page.getByRole("combobox", { name: "Use profile.json as" }).selectOption("profile");
  await expect(row.getByTestId("file-error")).toHaveCount(0);

  const upload = new FormData();
  for (const f of DEMO_SNAPSHOTS) upload.append("snapshot", new Blob([readFileSync(demo(f))], { type: "application/json" }), f);
  upload.append("snapshot", new Blob([readFileSync(demo("profile.json"))], { type: "application/json" }), "profile.json");
  upload.append("rolesFrom", "latest");
  const res = await request.post("/api/scans", { multipart: upload });
  expect(res.status()).toBe(400);
  expect(await res.json()).toMatchObject({ file: "profile.json", error: expect.stringMatching(/^profile\.json: this is a CycleCloud profile/) });
  expect((await listScans(request)).length).toBe(before);
});
