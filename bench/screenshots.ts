// Screenshots of the main pages for the README (not a test): `npx tsx bench/screenshots.ts`.
// Seeds the demo estate into a fresh database, serves the production build (NEXT_DIST_DIR, default .next) on
// loopback, and writes docs/screenshots/*.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { Store } from "@/lib/store";
import { seedFromDirectory } from "@/lib/store/seed";
import { CHROMIUM } from "../e2e/support/chromium";
import { startApp } from "./support/server";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "docs", "screenshots");



async function main() {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(ROOT, distDir, "BUILD_ID"))) throw new Error(`no production build in ${distDir}: run \`npm run build\` first`);
  const dir = mkdtempSync(path.join(tmpdir(), "lockdown-shots-"));
  const db = path.join(dir, "demo.db");
  const store = await Store.open(db);
  const [, current] = await seedFromDirectory(store, path.join(ROOT, "fixtures", "demo"));
  const report = (await store.getReport(current.id))!;
  await store.close();
  const failingSubnet = report.subnets.find((s) => s.status === "fail")!;
  const failing = failingSubnet.findings.find((f) => f.status === "fail")!;

  const { base, stop } = await startApp({ root: ROOT, distDir, db });
  const browser = await chromium.launch(CHROMIUM);
  try {
    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const shots: [string, string, boolean][] = [
      ["overview", "/", true],
      ["subnets", `/scans/${current.id}/subnets`, false],
      ["subnet", `/scans/${current.id}/subnets${failingSubnet.id}`, false],
      ["finding", failing.link, true],
      ["scans", "/scans", false],
      ["new-scan", "/scans/new", false],
    ];
    for (const [name, url, full] of shots) {
      await page.goto(`${base}${url}`, { waitUntil: "networkidle" });
      await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: full });
      process.stderr.write(`docs/screenshots/${name}.png ← ${url}\n`);
    }
  } finally {
    await browser.close();
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
